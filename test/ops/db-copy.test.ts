// npm run db:copy: a SQLite installation filled by the demo moves to an empty PostgreSQL database, row for
// row, and the app then runs on it (sequences past the copied ids). Needs PostgreSQL: runs in `npm run test:pg`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createDb } from '../../server/db/connection.ts';
import { createLogger } from '../../server/logger.ts';
import { systemClock } from '../../server/lib/clock.ts';
import { buildServices } from '../../server/services.ts';
import { prepareDatabase } from '../../server/bootstrap.ts';
import { copyDatabase, foreignKeyOrder, normalise, verifyCopy } from '../../server/ops/db-copy.ts';
import { makePole } from '../support/factories.ts';
import { DEMO_PASSWORD, loadDemoData } from '../../seeds/demo.ts';
import { createTestDb, onPostgres, type TestDb } from '../support/test-db.ts';
import { csrfFrom } from '../support/test-app.ts';
import { killAllApps, signInOverHttp, startApp } from '../support/app-process.ts';
import { npmRun } from './support.ts';

describe('db:copy helpers', () => {
  it('orders tables after the tables they reference, and refuses a cycle', () => {
    expect(foreignKeyOrder(['values', 'poles', 'regions', 'users'], [['values', 'poles'], ['poles', 'regions'], ['users', 'users']])).to.deep.equal(['regions', 'users', 'poles', 'values']);
    expect(() => foreignKeyOrder(['a', 'b'], [['a', 'b'], ['b', 'a']])).to.throw(/circulaires/);
  });

  it('writes a value the same way whichever database it comes from', () => {
    expect(normalise(1, 'boolean')).to.equal(normalise(true, 'boolean'));
    expect(normalise('{"b":1,"a":[1,{"d":2,"c":3}]}', 'jsonb')).to.equal(normalise({ a: [1, { c: 3, d: 2 }], b: 1 }, 'jsonb'));
    expect(normalise(1795700000000, 'timestamp with time zone')).to.equal(normalise(new Date(1795700000000), 'timestamp with time zone'));
    expect(normalise('2026-11-26 10:00:00', 'timestamp with time zone')).to.equal(normalise(new Date('2026-11-26T10:00:00Z'), 'timestamp with time zone'));
    expect(normalise('12.50', 'numeric')).to.equal(normalise(12.5, 'numeric'));
    expect(normalise(12345678901234, 'bigint')).to.equal(normalise('12345678901234', 'bigint'));
    expect(normalise(null, 'text')).not.to.equal(normalise('', 'text'));
  });
});

(onPostgres ? describe : describe.skip)('npm run db:copy -- --to postgres://… (SQLite → PostgreSQL)', function () {
  this.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptce-copy-'));
  const source = { client: 'sqlite3' as const, filename: path.join(dir, 'source.sqlite') };
  let target: TestDb;
  after(async () => {
    await killAllApps();
    await target?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table, verifies counts and checksums, resets sequences, and refuses a non-empty target', async () => {
    // The source: the demo data set (two regions) on SQLite, aggregates rebuilt, one open session.
    const db = createDb(source);
    const s = buildServices({ config: loadConfig({ NODE_ENV: 'test' }), db, clock: systemClock, logger: createLogger('silent') });
    await prepareDatabase(s);
    await loadDemoData(s, { regions: 2 });
    await s.refresh.rebuild();
    const app = createApp(s);
    const agent = request.agent(app);
    const page = await agent.get('/connexion');
    await agent.post('/connexion').type('form').send({ _csrf: csrfFrom(page.text), email: 'manager.a@demo.ptce-impact.fr', password: DEMO_PASSWORD }).expect(303);
    await app.ready;
    const counts = async (table: string) => Number((await db(table).count({ n: '*' }).first())!.n);
    expect(await counts('sessions')).to.be.above(0);
    expect(await counts('audit_log')).to.be.above(0);
    await db.destroy();

    target = await createTestDb({ empty: true });
    const url = (target.database as { url: string }).url;
    const copy = await npmRun('db:copy', ['--to', url], source);
    expect(copy.code, copy.out).to.equal(0);
    expect(copy.out).to.match(/Copie vérifiée : \d+ tables, \d+ lignes, \d+ séquences remises à niveau\./);
    for (const table of ['users', 'poles', 'quarter_values', 'value_revisions', 'audit_log', 'aggregates', 'sessions']) {
      expect(copy.out).to.match(new RegExp(`^${table}\\s+\\d+\\s+\\d+\\s+identique$`, 'm'));
    }
    console.log(copy.out.split('\n').filter((l) => /Copie vérifiée/.test(l)).map((l) => `      [${l}]`).join('\n'));

    // The app runs on the copy: a demo account signs in, and a save gets new ids (sequences moved on).
    const running = await startApp({ database: target.database });
    const manager = await signInOverHttp(running.url, 'manager.a@demo.ptce-impact.fr', DEMO_PASSWORD);
    const home = await manager.get('/mon-pole').redirects(1).expect(200);
    const slug = /href="\/mon-pole\/([^/"]+)\/trimestres\/\d{4}-T\d"/.exec(home.text)?.[1];
    expect(slug, 'a pole of manager A').to.be.a('string');
    const before = Number((await target.db('audit_log').max({ id: 'id' }).first())!.id);
    const profile = await manager.get('/profil').expect(200);
    const version = /name="version" value="(\d+)"/.exec(profile.text)![1];
    await manager.post('/profil').type('form').send({ _csrf: csrfFrom(profile.text), version, display_name: 'Gestionnaire A copiée' }).expect(303);
    // The audit row of that change took the next id after the copied ones.
    expect(Number((await target.db('audit_log').max({ id: 'id' }).first())!.id)).to.equal(before + 1);
    expect(await running.stop()).to.equal(0);

    // The verification sees what changed since (the sign-in, the profile change), and only that.
    const src = createDb(source);
    try {
      expect((await verifyCopy(src, target.db)).filter((r) => !r.ok).map((r) => r.table)).to.deep.equal(['audit_log', 'sessions', 'users']);
      const { id, ...was } = await src('users').where({ email: 'manager.a@demo.ptce-impact.fr' }).first();
      await target.db('users').where({ id }).update({ ...was, active: Boolean(was.active) });
      expect((await verifyCopy(src, target.db)).filter((r) => !r.ok).map((r) => r.table)).to.deep.equal(['audit_log', 'sessions']);
    } finally {
      await src.destroy();
    }

    // A second copy finds data there and refuses.
    const again = await npmRun('db:copy', ['--to', url], source);
    expect(again.code).to.equal(1);
    expect(again.out).to.contain('La base cible contient déjà des données');
  });
});

(onPostgres ? describe : describe.skip)('db:copy after a copy that failed', function () {
  this.timeout(60_000);

  it('runs again on the target a failed copy left migrated (rows the migrations seed are not data), and still refuses data', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptce-copy-again-'));
    const source = createDb({ client: 'sqlite3', filename: path.join(dir, 'source.sqlite') });
    const target = await createTestDb({ empty: true });
    try {
      const s = buildServices({ config: loadConfig({ NODE_ENV: 'test' }), db: source, clock: systemClock, logger: createLogger('silent') });
      await prepareDatabase(s);
      await makePole(s, { name: 'Pôle Recopié' });
      // What a copy whose transaction failed leaves behind: the target migrated, its seeded rows, no data.
      await target.db.migrate.latest();
      const report = await copyDatabase(source, target.db);
      expect(report.ok).to.equal(true);
      expect(await target.db('poles').pluck('name')).to.deep.equal(['Pôle Recopié']);
      let error: unknown = null;
      await copyDatabase(source, target.db).catch((e: unknown) => (error = e));
      expect(String(error)).to.contain('La base cible contient déjà des données');
    } finally {
      await source.destroy();
      await target.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
