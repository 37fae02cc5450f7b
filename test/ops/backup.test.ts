// npm run backup / npm run restore: a backup taken while the app writes holds every row committed
// before it started, and restores into a fresh database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDb } from '../../server/db/connection.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { FixedClock } from '../../server/lib/clock.ts';
import { buildServices } from '../../server/services.ts';
import { createTestDb, onPostgres, type TestDb } from '../support/test-db.ts';
import { makePole } from '../support/factories.ts';
import { npmRun, until } from './support.ts';
import { runRestore } from '../../server/cli/restore.ts';

describe(`npm run backup and npm run restore (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  const dbs: TestDb[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptce-backup-'));
  after(async () => {
    await Promise.allSettled(dbs.map((t) => t.destroy()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('backs up under write load every row committed before it, and restores them into a fresh database', async () => {
    const source = await createTestDb();
    dbs.push(source);
    const s = buildServices({
      config: loadConfig({ NODE_ENV: 'test' }),
      db: source.db,
      clock: new FixedClock('2026-11-26T10:00:00'),
      logger: createLogger('silent'),
    });
    const pole = await makePole(s, { name: 'Pôle Sauvegarde' });

    // The write load: members added one after the other (each in its own audited transaction).
    const acked: string[] = [];
    let stop = false;
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        const name = `Membre ${i}`;
        await s.poles.addMember(pole, { name, siren: '', category: 'ess', joined_on: '2020-01-01', left_on: '' }, { userId: null });
        acked.push(name);
      }
    })();
    await until(async () => acked.length >= 20, 30_000, 'the write load');
    const committedBefore = [...acked];
    const backup = await npmRun('backup', ['--dir', dir], source.database);
    const committedAfter = acked.length;
    stop = true;
    await load;
    expect(backup.code, backup.out).to.equal(0);
    expect(backup.out).to.match(
      /Sauvegarde écrite : .*ptce-\d{4}-\d\d-\d\dT[\d-]+Z\.(sqlite|dump) \(\d+ octets\), contrôle d’intégrité : ok\./,
    );
    expect(committedAfter, 'writes went on during the backup').to.be.above(committedBefore.length);
    const files = fs.readdirSync(dir);
    expect(files).to.have.length(1);
    const file = path.join(dir, files[0]);
    // Password hashes, sessions and personal data: readable by the owner alone, whatever the umask.
    expect((fs.statSync(file).mode & 0o777).toString(8)).to.equal('600');

    // Restore into a fresh database.
    const target = await createTestDb({ empty: true });
    dbs.push(target);
    await target.db.destroy();
    let restored = await npmRun('restore', [file], target.database);
    expect(restored.code, restored.out).to.equal(0);
    expect(restored.out).to.contain('Restauration terminée');
    const db = createDb(target.database);
    try {
      if (!onPostgres) expect(await db.raw('PRAGMA integrity_check')).to.deep.equal([{ integrity_check: 'ok' }]);
      const names = new Set((await db('pole_members').where({ pole_id: pole.id }).select('name')).map((r: { name: string }) => r.name));
      const missing = committedBefore.filter((n) => !names.has(n));
      console.log(
        `      [committed before the backup ${committedBefore.length}, during it ${committedAfter - committedBefore.length}, restored ${names.size}, missing ${missing.length}]`,
      );
      expect(missing).to.deep.equal([]);
      // Every restored member has its audit row (the backup is one consistent snapshot).
      const audited = Number((await db('audit_log').where({ entity: 'pole_member' }).count({ n: '*' }).first())!.n);
      expect(audited).to.equal(names.size);
      expect((await db('poles').where({ id: pole.id }).first()).name).to.equal('Pôle Sauvegarde');
    } finally {
      await db.destroy();
    }

    // A target that holds data is refused, unless --force.
    restored = await npmRun('restore', [file], target.database);
    expect(restored.code).to.equal(1);
    expect(restored.out).to.contain('contient déjà des données');
    restored = await npmRun('restore', [file, '--force'], target.database);
    expect(restored.code, restored.out).to.equal(0);
  });

  it('refuses a backup of the other kind and a missing file', async () => {
    const t = await createTestDb();
    dbs.push(t);
    const to = t.database.client === 'pg' ? t.database.url : t.database.filename;
    const run = async (args: string[]) => {
      let out = '';
      const code = await runRestore([...args, '--to', to], { out: (l) => (out += `${l}\n`), err: (l) => (out += `${l}\n`) });
      return { code, out };
    };
    const wrong = path.join(dir, onPostgres ? 'x.sqlite' : 'x.dump');
    fs.writeFileSync(wrong, 'pas une sauvegarde');
    let r = await run([wrong]);
    expect(r.code).to.equal(1);
    expect(r.out).to.contain('ne se restaure pas dans cette base');
    r = await run([path.join(dir, onPostgres ? 'absent.dump' : 'absent.sqlite')]);
    expect(r.code).to.equal(1);
    expect(r.out).to.contain('introuvable');
    r = await run([]);
    expect(r.code).to.equal(1);
    expect(r.out).to.contain('Usage : npm run restore');
  });

  it('leaves no file behind when the backup fails (an empty file would restore as an empty database)', async () => {
    const { backup } = await import('../../server/ops/backup.ts');
    const broken = path.join(dir, 'pas-une-base.sqlite');
    fs.writeFileSync(broken, 'ceci n’est pas une base SQLite, mais un texte assez long pour en avoir l’air.'.repeat(20));
    const out = path.join(dir, 'sauvegardes-ratees');
    let error: unknown = null;
    await backup({ client: 'sqlite3', filename: broken }, out, {}).catch((e: unknown) => (error = e));
    expect(error).to.not.equal(null);
    expect(fs.readdirSync(out)).to.deep.equal([]);
  });

  it('refuses to back up a SQLite file that does not exist (it would create an empty one)', async () => {
    const { backup } = await import('../../server/ops/backup.ts');
    const missing = path.join(dir, 'absente.sqlite');
    let error: unknown = null;
    await backup({ client: 'sqlite3', filename: missing }, dir, {}).catch((e: unknown) => (error = e));
    expect(String(error)).to.contain('introuvable');
    expect(fs.existsSync(missing)).to.equal(false);
  });
});
