import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { FixedClock } from '../../server/lib/clock.ts';
import { buildServices, type Services } from '../../server/services.ts';
import { runUserCreate } from '../../server/cli/user-create.ts';
import { createTestDb, onPostgres, type TestDb } from '../support/test-db.ts';

/** Captured output and a scripted standard input. */
function io(stdinText = '') {
  const out: string[] = [];
  const err: string[] = [];
  async function* stdin() {
    if (stdinText) yield Buffer.from(stdinText);
  }
  return { out, err, io: { stdin: stdin(), out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe(`npm run user:create (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let testDb: TestDb;
  let s: Services;

  before(async () => {
    testDb = await createTestDb();
    const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://impact.exemple.fr' });
    s = buildServices({ config, db: testDb.db, clock: new FixedClock('2026-11-26T10:00:00'), logger: createLogger('silent') });
  });
  after(() => testDb.destroy());

  it('creates a staff account without a password and prints a one-time invitation link, stored only hashed', async () => {
    const run = io();
    expect(await runUserCreate(['--email', 'Premiere@Exemple.fr', '--role', 'staff', '--name', 'Première Personne'], s, run.io)).to.equal(
      0,
    );
    expect(run.err).to.deep.equal([]);
    expect(run.out[0]).to.equal('Compte créé : Premiere@Exemple.fr (Équipe nationale).');
    expect(run.out[1]).to.equal('Lien d’invitation (à usage unique, valable jusqu’au 26 novembre 2026 à 11:00) :');
    const token = /^https:\/\/impact\.exemple\.fr\/invitation\/([A-Za-z0-9_-]{22})$/.exec(run.out[2])?.[1];
    expect(token).to.be.a('string');
    const user = await testDb.db('users').whereRaw('lower(email) = ?', ['premiere@exemple.fr']).first();
    expect(user).to.include({ display_name: 'Première Personne', role: 'staff', password_hash: null });
    const stored = await testDb.db('user_tokens').where({ user_id: user.id }).first();
    expect(stored.token_hash).to.equal(createHash('sha256').update(token!).digest('hex'));
    const audit = await testDb.db('audit_log').where({ action: 'user.create', entity_id: String(user.id) });
    expect(audit).to.have.length(1);
    expect(audit[0].actor_id).to.equal(null);
  });

  it('reads the password from standard input without its final line break, and prints no link', async () => {
    const run = io('une phrase de passe solide\n');
    expect(await runUserCreate(['--email', 'deux@exemple.fr', '--role', 'funder', '--password-stdin'], s, run.io)).to.equal(0);
    expect(run.out).to.deep.equal(['Compte créé : deux@exemple.fr (Financeur).']);
    const user = (await s.repos.users.findByEmail(s.db, 'deux@exemple.fr'))!;
    expect(user.display_name).to.equal('deux'); // the address's local part when --name is left out
    expect(await s.hasher.verify('une phrase de passe solide', user.password_hash!)).to.equal(true);
    expect(await testDb.db('user_tokens').where({ user_id: user.id })).to.have.length(0);
  });

  it('exits 1 with a French message on bad arguments, a refused password or a duplicate email, creating nothing', async () => {
    const count = async () => Number((await testDb.db('users').count({ n: '*' }).first())?.n);
    const before = await count();
    const cases: [string[], string, string][] = [
      [[], '', '--email : adresse électronique manquante ou invalide.'],
      [['--email', 'pas-une-adresse', '--role', 'staff'], '', '--email : adresse électronique manquante ou invalide.'],
      [['--email', 'a@b.fr', '--role', 'boss'], '', '--role doit valoir staff, manager ou funder.'],
      [['--email', 'a@b.fr', '--role', 'staff', '--admin'], '', 'Arguments invalides : option inconnue --admin.'],
      [
        ['--email', 'a@b.fr', 'staff'],
        '',
        'Arguments invalides : argument inattendu « staff » (les valeurs suivent leur option, par exemple --email a@b.fr).',
      ],
      [['--email'], '', 'Arguments invalides : valeur manquante ou en trop pour --email.'],
      [['--email', 'a@b.fr', '--role', 'staff', '--password-stdin'], '', 'Aucun mot de passe reçu sur l’entrée standard.'],
      [
        ['--email', 'a@b.fr', '--role', 'staff', '--password-stdin'],
        'court\n',
        '  --password-stdin : Le mot de passe doit contenir au moins 12 caractères.',
      ],
      [['--email', 'a@b.fr', '--role', 'manager'], '', '  --role : Choisissez au moins un pôle pour un gestionnaire de pôle.'],
      [['--email', 'PREMIERE@exemple.fr', '--role', 'staff'], '', '  --email : Un compte existe déjà avec cette adresse électronique.'],
    ];
    for (const [argv, stdin, message] of cases) {
      const run = io(stdin);
      expect(await runUserCreate(argv, s, run.io), argv.join(' ')).to.equal(1);
      expect(run.err, argv.join(' ')).to.include(message);
      expect(run.out).to.deep.equal([]);
    }
    expect(await count()).to.equal(before);
  });

  it('runs as a script: migrates a new database, prints the link and exits 0, then 1 for the same address', async function () {
    this.timeout(60000);
    // The script's own wiring (config, database, exit code); on a throwaway SQLite file whatever the suite's database.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptce-cli-'));
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      SQLITE_FILE: path.join(dir, 'cli.sqlite'),
      DATABASE_URL: '',
      PUBLIC_URL: 'https://impact.exemple.fr',
    };
    const script = path.resolve(import.meta.dirname, '../../server/cli/user-create.ts');
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], { env, cwd: path.resolve(import.meta.dirname, '../..') });
    try {
      const ok = await run(['--email', 'racine@exemple.fr', '--role', 'staff']);
      expect(ok.stdout).to.match(
        /^Compte créé : racine@exemple\.fr \(Équipe nationale\)\.\n.*\nhttps:\/\/impact\.exemple\.fr\/invitation\/[A-Za-z0-9_-]{22}\n$/,
      );
      const refused = await run(['--email', 'RACINE@exemple.fr', '--role', 'staff']).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(refused?.code).to.equal(1);
      expect(refused?.stderr).to.contain('Un compte existe déjà avec cette adresse électronique.');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
