import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-db.ts';

describe('the probes: /healthz and /readyz', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestApp();
  });
  afterEach(() => ctx.close());

  it('/healthz says the process answers', async () => {
    const res = await request(ctx.app).get('/healthz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok' });
  });

  it('/readyz reports the database, the migrations and the age of the aggregates, without secrets', async () => {
    let res = await request(ctx.app)
      .get('/readyz')
      .expect(200)
      .expect('Content-Type', /json/)
      .expect('Cache-Control', /no-store/);
    expect(res.body.status).to.equal('ok');
    expect(res.body.database).to.equal('ok');
    expect(res.body.migrations.pending).to.equal(0);
    expect(res.body.migrations.current).to.match(/^\d{14}_.+\.ts$/);
    expect(res.body.lastRefresh).to.deep.equal({ at: null, ageSeconds: null, pendingChanges: 0 });

    await ctx.s.refresh.rebuild();
    ctx.clock.advance({ minutes: 2 });
    res = await request(ctx.app).get('/readyz').expect(200);
    expect(res.body.lastRefresh.ageSeconds).to.equal(120);
    expect(res.body.lastRefresh.at).to.equal('2026-11-26T09:00:00.000Z');

    // Nothing about where the database is or who connects to it.
    const where = ctx.testDb.database.client === 'pg' ? new URL(ctx.testDb.database.url) : null;
    const text = res.text;
    if (where) expect(text).not.to.contain(where.hostname).and.not.to.contain(where.password).and.not.to.contain(where.pathname.slice(1));
    else expect(text).not.to.contain('sqlite');
    expect(Object.keys(res.body).sort()).to.deep.equal(['database', 'lastRefresh', 'migrations', 'status']);
  });

  it('counts the age from the last successful refresh, even one that found nothing to do', async () => {
    await ctx.s.refresh.rebuild();
    ctx.clock.advance({ hours: 3 });
    // A quiet night: the refresh runs on schedule and finds no change; the aggregates are current.
    expect(await ctx.s.scheduler.run('refresh')).to.deep.include({ ran: true, status: 'success', outcome: { keys: 0, rows: 0 } });
    ctx.clock.advance({ seconds: 30 });
    const res = await request(ctx.app).get('/readyz').expect(200);
    expect(res.body.lastRefresh).to.deep.equal({ at: '2026-11-26T12:00:00.000Z', ageSeconds: 30, pendingChanges: 0 });
  });

  it('answers 503 while a migration is pending', async () => {
    const last = await ctx.db('knex_migrations').orderBy('id', 'desc').first();
    // knex_migrations is knex's own table: removing the row stands for code newer than the database.
    await ctx.db('knex_migrations').where({ id: last.id }).delete();
    const res = await request(ctx.app).get('/readyz').expect(503);
    expect(res.body).to.include({ status: 'unavailable', database: 'ok' });
    expect(res.body.migrations).to.deep.equal({ current: res.body.migrations.current, pending: 1, unknown: 0 });
    expect(res.body.lastRefresh).to.equal(null);
    await ctx.db('knex_migrations').insert({ name: last.name, batch: last.batch, migration_time: last.migration_time });
    await request(ctx.app).get('/readyz').expect(200);
  });

  it('answers 503 when the database is unreachable, and while the process stops', async () => {
    ctx.s.health.markStopping();
    let res = await request(ctx.app).get('/readyz').expect(503);
    expect(res.body.status).to.equal('stopping');
    // A closed pool stands for a database that went away.
    await ctx.db.destroy();
    res = await request(ctx.app).get('/readyz').expect(503);
    expect(res.body).to.deep.equal({ status: 'unavailable', database: 'unreachable', migrations: null, lastRefresh: null });
    await request(ctx.app).get('/healthz').expect(200);
  });

  if (onPostgres) {
    it('answers 503 in bounded time when PostgreSQL does not answer', async () => {
      // A port where nothing listens: the connection is refused at once; the probe must not hang.
      const { HealthService } = await import('../../server/ops/health.service.ts');
      const { createDb } = await import('../../server/db/connection.ts');
      const u = new URL((ctx.testDb.database as { url: string }).url);
      u.port = '1';
      const dead = createDb({ client: 'pg', url: u.toString() });
      const health = new HealthService({
        db: dead,
        clock: ctx.clock,
        repos: ctx.s.repos,
        migrationsDirectory: 'migrations',
        logger: ctx.s.logger,
        timeoutMs: 1000,
      });
      const started = Date.now();
      const r = await health.readiness();
      expect(r.status).to.equal('unavailable');
      expect(['unreachable', 'timeout']).to.include(r.database);
      expect(Date.now() - started).to.be.below(5000);
      await dead.destroy();
    });
  }
});
