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
    expect(
      foreignKeyOrder(
        ['values', 'poles', 'regions', 'users'],
        [
          ['values', 'poles'],
          ['poles', 'regions'],
          ['users', 'users'],
        ],
      ),
    ).to.deep.equal(['regions', 'users', 'poles', 'values']);
    expect(() =>
      foreignKeyOrder(
        ['a', 'b'],
        [
          ['a', 'b'],
          ['b', 'a'],
        ],
      ),
    ).to.throw(/circulaires/);
  });

  it('writes a value the same way whichever database it comes from', () => {
    expect(normalise(1, 'boolean')).to.equal(normalise(true, 'boolean'));
    expect(normalise('{"b":1,"a":[1,{"d":2,"c":3}]}', 'jsonb')).to.equal(normalise({ a: [1, { c: 3, d: 2 }], b: 1 }, 'jsonb'));
    expect(normalise(1795700000000, 'timestamp with time zone')).to.equal(normalise(new Date(1795700000000), 'timestamp with time zone'));
    expect(normalise('2026-11-26 10:00:00', 'timestamp with time zone')).to.equal(
      normalise(new Date('2026-11-26T10:00:00Z'), 'timestamp with time zone'),
    );
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
    await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: 'manager.a@demo.ptce-impact.fr', password: DEMO_PASSWORD })
      .expect(303);
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
    console.log(
      copy.out
        .split('\n')
        .filter((l) => /Copie vérifiée/.test(l))
        .map((l) => `      [${l}]`)
        .join('\n'),
    );

    // The app runs on the copy: a demo account signs in, and a save gets new ids (sequences moved on).
    // No scheduled job may run meanwhile (a refresh every 5 minutes would write job_runs on the copy, and
    // the check below would depend on the time of day): every schedule set to 29 February at 04:00.
    const never = '0 4 29 2 *';
    const running = await startApp({
      database: target.database,
      env: { REFRESH_CRON: never, REBUILD_CRON: never, REMINDER_CRON: never, DIGEST_CRON: never, OUTBOX_CRON: never },
    });
    const manager = await signInOverHttp(running.url, 'manager.a@demo.ptce-impact.fr', DEMO_PASSWORD);
    const home = await manager.get('/mon-pole').redirects(1).expect(200);
    const slug = /href="\/mon-pole\/([^/"]+)\/trimestres\/\d{4}-T\d"/.exec(home.text)?.[1];
    expect(slug, 'a pole of manager A').to.be.a('string');
    const before = Number((await target.db('audit_log').max({ id: 'id' }).first())!.id);
    const profile = await manager.get('/profil').expect(200);
    const version = /name="version" value="(\d+)"/.exec(profile.text)![1];
    await manager
      .post('/profil')
      .type('form')
      .send({ _csrf: csrfFrom(profile.text), version, display_name: 'Gestionnaire A copiée' })
      .expect(303);
    // The audit row of that change took the next id after the copied ones.
    expect(Number((await target.db('audit_log').max({ id: 'id' }).first())!.id)).to.equal(before + 1);
    expect(await running.stop()).to.equal(0);

    // The verification sees what changed since (the sign-in, the profile change), and only that.
    const src = createDb(source);
    try {
      expect((await verifyCopy(src, target.db)).filter((r) => !r.ok).map((r) => r.table)).to.deep.equal(['audit_log', 'sessions', 'users']);
      const { id, ...was } = await src('users').where({ email: 'manager.a@demo.ptce-impact.fr' }).first();
      await target
        .db('users')
        .where({ id })
        .update({ ...was, active: Boolean(was.active) });
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

(onPostgres ? describe : describe.skip)('db:copy never leaves a half-copied target', function () {
  this.timeout(120_000);
  let dir = '';
  let source: ReturnType<typeof createDb>;
  let sourceFile = '';
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptce-copy-safe-'));
    sourceFile = path.join(dir, 'source.sqlite');
    source = createDb({ client: 'sqlite3', filename: sourceFile });
    const s = buildServices({ config: loadConfig({ NODE_ENV: 'test' }), db: source, clock: systemClock, logger: createLogger('silent') });
    await prepareDatabase(s);
    const pole = await makePole(s, { name: 'Pôle Source' });
    const staff = await s.users.createUser(
      { email: 'copie@test.fr', displayName: 'Copie', role: 'staff', poleIds: [], regionCodes: [], password: 'une phrase de passe solide' },
      { userId: null },
    );
    const saved = await s.reporting.save(pole, { year: 2025, quarter: 2 }, { 'v.EMP_CREES': '2', 'c.EMP_CREES': 'propre' }, false, {
      userId: staff.id,
    });
    expect(saved.kind).to.equal('saved');
  });
  afterEach(async () => {
    await source.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** What a target holds: its tables and the row count of each. */
  async function state(db: ReturnType<typeof createDb>) {
    const tables = (
      await db.raw(`select table_name as name from information_schema.tables where table_schema = current_schema() order by 1`)
    ).rows.map((r: { name: string }) => r.name);
    const out: Record<string, number> = {};
    for (const table of tables) out[table] = Number((await db(table).count({ n: '*' }).first())!.n);
    return out;
  }

  it('refuses a source holding a NUL before writing anything, naming table, column and row', async () => {
    // How the XLSX `_x0000_` once got in: straight into the comment, and into the append-only history.
    const value = await source('quarter_values').whereNot({ comment: '' }).first();
    await source('quarter_values').where({ id: value.id }).update({ comment: 'avant\u0000après' });
    const { id: _id, ...revision } = await source('value_revisions').whereNotNull('new_comment').orderBy('id', 'desc').first();
    const [revisionId] = await source('value_revisions')
      .insert({ ...revision, new_comment: 'avant\u0000après' })
      .returning('id');
    expect((await source('quarter_values').where({ id: value.id }).first()).comment).to.contain('\u0000');
    const target = await createTestDb({ empty: true });
    try {
      const copy = await npmRun('db:copy', ['--to', (target.database as { url: string }).url], { client: 'sqlite3', filename: sourceFile });
      expect(copy.code, copy.out).to.equal(1);
      expect(copy.out).to.contain('Copie refusée avant toute écriture (la base cible n’a pas été touchée) : 2 textes');
      expect(copy.out).to.contain(`quarter_values.comment, ligne ${value.id} : U+0000`);
      expect(copy.out).to.contain(
        `value_revisions.new_comment, ligne ${typeof revisionId === 'object' ? revisionId.id : revisionId} : U+0000`,
      );
      expect(await state(target.db)).to.deep.equal({});
    } finally {
      await target.destroy();
    }
  });

  it('a failure in the middle of the copy rolls it all back: an empty target stays empty, a migrated one stays as it was', async () => {
    // sessions is copied after regions (its tables come in foreign-key order, then by name); PostgreSQL
    // refuses this `sess` (not JSON), SQLite took it.
    await source('sessions').insert({ sid: 'cassée', sess: 'pas du JSON', expired: Date.now() + 3_600_000 });
    for (const migrated of [false, true]) {
      const target = await createTestDb({ empty: true });
      try {
        if (migrated) await target.db.migrate.latest();
        const before = await state(target.db);
        let error: unknown = null;
        const logged: string[] = [];
        await copyDatabase(source, target.db, (line) => logged.push(line)).catch((e: unknown) => (error = e));
        expect(String(error)).to.contain(
          'La copie a échoué et a été annulée : la base cible est laissée telle qu’elle était. Cause : table sessions',
        );
        expect(logged.join('\n'), 'tables were copied before the failure').to.match(/regions : [1-9]\d*/);
        expect(await state(target.db)).to.deep.equal(before);
        if (!migrated) expect(before).to.deep.equal({});
      } finally {
        await target.destroy();
      }
    }
    // Once the source is fixed, the copy goes through on the same kind of target.
    await source('sessions').where({ sid: 'cassée' }).delete();
    const target = await createTestDb({ empty: true });
    try {
      expect((await copyDatabase(source, target.db)).ok).to.equal(true);
      expect(await target.db('poles').pluck('name')).to.deep.equal(['Pôle Source']);
    } finally {
      await target.destroy();
    }
  });
});
