// Several app processes on one database, as an installation behind a reverse proxy runs them: start-up
// migrations at once, a write through one seen through the other, one refresh per scheduled tick, and a
// dead lease holder replaced once its lease expires. Real processes (server/main.ts), real database.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { createTestDb, onPostgres, type TestDb } from '../support/test-db.ts';
import { killAllApps, prepareInstallation, signInOverHttp, startApp, type AppProcess, type Installation } from '../support/app-process.ts';
import { csrfFrom } from '../support/test-app.ts';
import { completeBody } from '../support/reporting.ts';
import { generateBenchData } from '../../bench/generate.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { systemClock } from '../../server/lib/clock.ts';
import { buildServices } from '../../server/services.ts';
import { migrationsDirectory } from '../../server/db/connection.ts';

const LEASE_SECONDS = 10;
const ENV = {
  // A tick every second, so that the test sees many ticks; the nightly rebuild stays out of the way.
  REFRESH_CRON: '* * * * * *',
  REBUILD_CRON: '0 3 * * *',
  JOB_LEASE_SECONDS: String(LEASE_SECONDS),
  SESSION_SECRET: 'plusieurs-instances-secret-de-session-0123456789',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The instance name a process's runner writes in job_runs (host:pid:random). */
const instanceOf = (app: AppProcess) => new RegExp(`:${app.child.pid}:`);

describe(`several instances on one ${onPostgres ? 'PostgreSQL' : 'SQLite'} database`, function () {
  this.timeout(240_000);
  const dbs: TestDb[] = [];
  after(async () => {
    await killAllApps();
    for (const d of dbs) await d.destroy();
  });

  it('start at once on an empty database: the migrations run once and both instances answer', async () => {
    const tdb = await createTestDb({ empty: true });
    dbs.push(tdb);
    const [a, b] = await Promise.all([startApp({ database: tdb.database, env: ENV }), startApp({ database: tdb.database, env: ENV })]);
    const names: string[] = await tdb.db('knex_migrations').orderBy('id').pluck('name');
    const files = fs
      .readdirSync(migrationsDirectory)
      .filter((f) => f.endsWith('.ts'))
      .sort();
    expect(names, 'each migration recorded once').to.deep.equal(files.map((f) => path.basename(f)));
    expect(Number((await tdb.db('regions').count({ n: '*' }).first())!.n)).to.equal(18);
    for (const app of [a, b]) expect((await fetch(`${app.url}/connexion`)).status).to.equal(200);
    expect(await a.stop()).to.equal(0);
    expect(await b.stop()).to.equal(0);
  });

  it("starts although a failed or killed migrator left knex's migration lock set", async () => {
    // What a migrator that met SQLITE_BUSY while freeing the lock, or was killed mid-migration, leaves behind:
    // before the start-up lock, every later start waited on that row and then gave up.
    const tdb = await createTestDb({ empty: true });
    dbs.push(tdb);
    const first = await startApp({ database: tdb.database, env: ENV });
    expect(await first.stop()).to.equal(0);
    await tdb.db('knex_migrations_lock').update({ is_locked: 1 });
    const app = await startApp({ database: tdb.database, env: ENV });
    expect((await fetch(`${app.url}/connexion`)).status).to.equal(200);
    expect(Number((await tdb.db('knex_migrations_lock').first())!.is_locked)).to.equal(0);
    expect(await app.stop()).to.equal(0);
  });

  describe('on an installation with data', () => {
    let tdb: TestDb;
    let inst: Installation;
    let a: AppProcess;
    let b: AppProcess;

    before(async () => {
      tdb = await createTestDb({ empty: true });
      dbs.push(tdb);
      // ~58 poles × 40 quarters: enough for the first rebuild to take a few seconds.
      await generateBenchData(
        tdb.database.client === 'pg'
          ? { file: 'not-used.sqlite', databaseUrl: tdb.database.url, values: 30_000, progress: false }
          : { file: tdb.database.filename, values: 30_000, progress: false },
      );
      inst = await prepareInstallation(tdb.database);
    });

    it('lets the next instance of this host take over at once the lease of a killed holder', async () => {
      // A starts alone; a database without aggregates gets a full rebuild at start, under the lease.
      a = await startApp({ database: tdb.database, env: ENV });
      const running = await until('A’s first rebuild', async () => {
        const run = await tdb.db('job_runs').where({ job: 'rebuild', status: 'running' }).first();
        return run && instanceOf(a).test(run.instance) ? run : undefined;
      });
      await a.kill();
      const lease = await tdb.db('job_leases').where({ job: 'aggregates' }).first();
      expect(lease?.holder, 'the dead instance still holds the lease').to.equal(running.instance);

      b = await startApp({ database: tdb.database, env: ENV });
      // The dead holder was a process of this host: B ends its lease at start instead of waiting for it to expire.
      expect(await b.waitForLog(/leases of a dead process of this host ended at start/)).to.contain('aggregates');
      const taken = await until(
        'B’s first run',
        async () =>
          (await tdb
            .db('job_runs')
            .where('started_at', '>', running.started_at)
            .whereNot({ instance: running.instance })
            .orderBy('id')
            .first()) ?? undefined,
        LEASE_SECONDS * 1000 + 60_000,
      );
      expect(instanceOf(b).test(taken.instance)).to.equal(true);
      await until(
        'B’s run to finish',
        async () => (await tdb.db('job_runs').where({ id: taken.id }).whereNot({ status: 'running' }).first()) ?? undefined,
        120_000,
      );
      expect((await tdb.db('job_runs').where({ id: taken.id }).first()).status).to.equal('success');
      expect((await tdb.db('aggregate_state').first()).generation).to.be.greaterThan(0);
      const dead = await tdb.db('job_runs').where({ id: running.id }).first();
      expect(dead.status, 'the dead run is closed as a failure').to.equal('failure');
    });

    it('shows through one instance a quarter submitted and validated through the other', async () => {
      a = await startApp({ database: tdb.database, env: ENV });
      const s = buildServices({ config: loadConfig({ NODE_ENV: 'test' }), db: tdb.db, clock: systemClock, logger: createLogger('silent') });
      const q = { year: 2026, quarter: 3 };
      const manager = await signInOverHttp(a.url, inst.manager.email, inst.password);
      const formPath = `/mon-pole/${inst.pole.slug}/trimestres/2026-T3`;
      const form = await manager.get(formPath).expect(200);
      const version = /name="version" value="(\d+)"/.exec(form.text)![1];
      const token = /name="form_token" value="([^"]+)"/.exec(form.text)![1];
      const body = await completeBody(s, q, { 'v.EMP_CREES': '12,5' });
      const saved = await manager
        .post(formPath)
        .type('form')
        .send({ ...body, _csrf: csrfFrom(form.text), version, form_token: token, action: 'soumettre' });
      expect(saved.status, saved.text.slice(0, 400)).to.equal(303);

      const staff = await signInOverHttp(b.url, inst.staff.email, inst.password);
      const review = await staff.get(`/admin/trimestres/${inst.pole.slug}/2026-T3`).expect(200);
      expect(review.text).to.contain('12,5');
      const validated = await staff
        .post(`/admin/trimestres/${inst.pole.slug}/2026-T3/valider`)
        .type('form')
        .send({ _csrf: csrfFrom(review.text), version: /name="version" value="(\d+)"/.exec(review.text)![1], reason: '' });
      expect(validated.status, validated.text.slice(0, 400)).to.equal(303);
      const decidedAt = new Date().toISOString();

      // After a refresh (either instance's), the figure is in the aggregates both serve.
      await until(
        'a refresh after the validation',
        async () =>
          (await tdb.db('job_runs').where({ job: 'refresh', status: 'success' }).where('started_at', '>', decidedAt).first()) ?? undefined,
        30_000,
      );
      const cell = await tdb
        .db('aggregates as g')
        .join('aggregate_state as st', 'st.generation', 'g.generation')
        .join('indicators as i', 'i.id', 'g.indicator_id')
        .where({
          'g.level': 'pole',
          'g.area': String(inst.pole.id),
          'i.code': 'EMP_CREES',
          'g.grain': 'quarter',
          'g.year': 2026,
          'g.quarter': 3,
          'g.base': 'validated',
          'g.category': '',
        })
        .first('g.value_scaled');
      expect(Number(cell?.value_scaled)).to.equal(125_000);
      for (const app of [a, b]) {
        const agent = app === b ? staff : await signInOverHttp(a.url, inst.staff.email, inst.password);
        const page = await agent.get(`/poles/${inst.pole.slug}`).expect(200);
        expect(page.text, `pole page on ${app.url}`).to.contain('12,5');
      }
    });

    it('runs the refresh once per scheduled tick across both instances', async () => {
      const from = new Date().toISOString();
      await sleep(8_000);
      const to = new Date().toISOString();
      const runs = await tdb
        .db('job_runs')
        .where({ job: 'refresh' })
        .where('started_at', '>=', from)
        .where('started_at', '<', to)
        .orderBy('started_at');
      const ticks = await tdb.db('job_ticks').where({ job: 'refresh' }).where('tick_at', '>=', from).where('tick_at', '<', to);
      // 8 seconds: about 8 ticks; without the tick claim both instances would run most of them (≈ 16 runs).
      expect(runs.length, 'runs in 8 s').to.be.within(4, 9);
      expect(runs.length, 'never more runs than ticks').to.be.at.most(ticks.length);
      const perSecond = new Map<string, number>();
      for (const r of runs) perSecond.set(r.started_at.slice(0, 19), (perSecond.get(r.started_at.slice(0, 19)) ?? 0) + 1);
      expect(
        [...perSecond.values()].every((n) => n === 1),
        JSON.stringify([...perSecond]),
      ).to.equal(true);
      // Never two at once.
      for (let i = 1; i < runs.length; i++) expect(Date.parse(runs[i].started_at)).to.be.at.least(Date.parse(runs[i - 1].finished_at));
      expect(await a.stop()).to.equal(0);
      expect(await b.stop()).to.equal(0);
    });
  });
});
