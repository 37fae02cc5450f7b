import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { expect } from 'chai';
import { writeTimestamp } from '../../server/db/dialect.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { heldRebuild } from '../support/jobs.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { JobRunner } from '../../server/jobs/job-runner.ts';
import { jobDefinitions } from '../../server/jobs/job-definitions.ts';
import { AggregatesRepo } from '../../server/aggregates/aggregates.repo.ts';
import { RefreshService } from '../../server/aggregates/refresh.service.ts';
import { createLogger } from '../../server/logger.ts';
import { field } from '../../server/reporting/entry-rules.ts';
import type { CellRow } from '../../server/aggregates/engine.ts';
import type { Knex } from 'knex';

const silent = createLogger('silent');

async function snapshotAggregates(ctx: TestContext) {
  const state = await ctx.db('aggregate_state').first();
  const rows = await ctx
    .db('aggregates')
    .where({ generation: state.generation })
    .orderBy(['base', 'level', 'area', 'indicator_id', 'category', 'grain', 'year', 'quarter']);
  return JSON.stringify({ state, rows });
}

describe('scheduled jobs and the aggregate refresh', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let poleId: number;
  let managerId: number;

  beforeEach(async () => {
    ctx = await createTestApp();
    const pole = await makePole(ctx.s, { name: 'Pôle Tâches' });
    poleId = pole.id;
    managerId = (await makeUser(ctx.s, 'manager', { poleIds: [pole.id] })).id;
    for (const q of [
      { year: 2026, quarter: 2 },
      { year: 2026, quarter: 3 },
    ]) {
      const outcome = await ctx.s.reporting.save(pole, q, { ...(await completeBody(ctx.s, q)), version: '0' }, true, { userId: managerId });
      expect(outcome.kind).to.equal('saved');
    }
  });
  afterEach(() => ctx.close());

  /** The registry's two aggregate jobs (refresh on `refreshCron`, rebuild at 03:00), for a second scheduler. */
  const aggregateJobs = (runner: JobRunner, refreshCron: string) =>
    jobDefinitions({
      config: { ...ctx.config, refreshCron, rebuildCron: '0 3 * * *' },
      refresh: ctx.s.refresh,
      reminders: ctx.s.reminders,
      outbox: ctx.s.outbox,
      runner,
    }).filter((j) => j.lease === 'aggregates');

  it('ends at start the lease of a killed process of this host, and closes its run; a live or remote holder keeps its lease', async () => {
    // A real process that held the lease, then died (as under kill -9): its pid no longer exists.
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = child.pid!;
    await once(child, 'exit');
    const future = writeTimestamp(ctx.clock.now().plus({ minutes: 10 }));
    const dead = `${os.hostname()}:${deadPid}:deadbeef`;
    await ctx.db('job_leases').insert([
      { job: 'aggregates', holder: dead, expires_at: future },
      { job: 'reminders', holder: `${os.hostname()}:${process.ppid}:cafe0001`, expires_at: future }, // alive
      { job: 'digest', holder: `un-autre-hote:${deadPid}:cafe0002`, expires_at: future }, // cannot be checked from here
    ]);
    await ctx.db('job_runs').insert({ job: 'rebuild', instance: dead, started_at: writeTimestamp(ctx.clock.now()), status: 'running' });
    expect(await ctx.s.runner.run('refresh', async () => ({ keys: 0, rows: 0 }))).to.deep.equal({ ran: false, reason: 'leased' });

    expect(await ctx.s.runner.reclaimLeasesOfDeadProcesses()).to.deep.equal(['aggregates']);
    expect(await ctx.s.runner.run('refresh', async () => ({ keys: 0, rows: 0 }), 'aggregates', ['refresh', 'rebuild'])).to.deep.include({
      ran: true,
      status: 'success',
    });
    const closed = await ctx.db('job_runs').where({ instance: dead }).first();
    expect(closed.status).to.equal('failure');
    const kept = await ctx.db('job_leases').whereIn('job', ['reminders', 'digest']).orderBy('job');
    expect(kept.map((l) => l.expires_at)).to.deep.equal([future, future]);
  });

  it('records the keys a write dirties in the same transaction, and the incremental job clears them', async () => {
    const dirty = await ctx.db('aggregate_dirty').select('pole_id', 'year', 'quarter', 'indicator_id', 'reason');
    expect(dirty.length).to.be.greaterThan(0);
    expect(dirty.every((d) => d.pole_id === poleId)).to.equal(true);
    expect(dirty.some((d) => d.reason === 'status' && d.indicator_id === null && d.quarter === 3)).to.equal(true);
    const first = await ctx.s.scheduler.run('refresh'); // no aggregates yet: a rebuild
    expect(first).to.deep.include({ ran: true, status: 'success' });
    expect(Number((await ctx.db('aggregate_dirty').count({ n: '*' }).first())!.n)).to.equal(0);
    expect((await ctx.db('aggregate_state').first()).generation).to.equal(1);

    const pole = (await ctx.s.repos.poles.findById(ctx.db, poleId))!;
    const report = (await ctx.s.repos.reporting.report(ctx.db, poleId, { year: 2026, quarter: 3 }))!;
    await ctx.s.review.decide(report, 'validate', report.version, '', { userId: managerId });
    expect(Number((await ctx.db('aggregate_dirty').count({ n: '*' }).first())!.n), 'a validation dirties its quarter').to.be.greaterThan(0);
    const second = await ctx.s.scheduler.run('refresh');
    expect(second).to.deep.include({ ran: true, status: 'success' });
    const runs = await ctx.db('job_runs').orderBy('id');
    expect(runs.map((r) => `${r.job}:${r.status}`)).to.deep.equal(['refresh:success', 'refresh:success']);
    expect(runs[1].keys_recomputed).to.be.greaterThan(0);
    expect(runs[1].rows_written).to.be.greaterThan(0);
    const validated = await ctx
      .db('aggregates')
      .where({ generation: 1, base: 'validated', level: 'nation', grain: 'quarter', year: 2026, quarter: 3 })
      .first();
    expect(validated, 'the validated quarter now counts').to.not.equal(undefined);
    void pole;
  });

  it('never runs twice at once in a process, and one instance only across instances (lease)', async () => {
    const other = new JobRunner({ db: ctx.db, clock: ctx.clock, repo: ctx.s.repos.jobs, leaseSeconds: 600, logger: silent });
    const long = heldRebuild(ctx.s.runner);
    await new Promise((r) => setTimeout(r, 50));
    expect(await ctx.s.runner.run('rebuild', async () => ({ keys: 0, rows: 0 }))).to.deep.equal({ ran: false, reason: 'busy' });
    expect(await other.run('refresh', async () => ({ keys: 0, rows: 0 }))).to.deep.equal({ ran: false, reason: 'leased' });
    long.release();
    expect(await long.done).to.deep.include({ ran: true, status: 'success' });
    expect(await other.run('refresh', async () => ({ keys: 1, rows: 2 }))).to.deep.include({ ran: true, status: 'success' });
  });

  it('never runs two jobs of one lease at once in a process, and keeps the lease until the long one ends', async () => {
    // The nightly rebuild and the refresh tick fire at the same minute (03:00) in the same instance.
    const other = new JobRunner({ db: ctx.db, clock: ctx.clock, repo: ctx.s.repos.jobs, leaseSeconds: 600, logger: silent });
    const rebuild = heldRebuild(ctx.s.runner);
    await new Promise((r) => setTimeout(r, 50));
    expect(await ctx.s.scheduler.run('refresh'), 'the refresh waits for the rebuild of the same process').to.deep.equal({
      ran: false,
      reason: 'busy',
    });
    expect((await ctx.db('job_leases').where({ job: 'aggregates' }).first())?.holder, 'the rebuild still holds the lease').to.equal(
      ctx.s.runner.instance,
    );
    expect(await other.run('refresh', async () => ({ keys: 0, rows: 0 })), 'no other instance runs under it meanwhile').to.deep.equal({
      ran: false,
      reason: 'leased',
    });
    rebuild.release();
    expect(await rebuild.done).to.deep.include({ ran: true, status: 'success' });
    expect(await ctx.db('job_runs').orderBy('id').pluck('job')).to.deep.equal(['rebuild']);
  });

  it('runs each scheduled tick once across instances, even when the first run ends before the other timer fires', async () => {
    const { Scheduler } = await import('../../server/jobs/scheduler.ts');
    const otherRunner = new JobRunner({ db: ctx.db, clock: ctx.clock, repo: ctx.s.repos.jobs, leaseSeconds: 600, logger: silent });
    const other = new Scheduler({
      db: ctx.db,
      runner: otherRunner,
      jobs: aggregateJobs(otherRunner, '* * * * *'),
      aggregates: ctx.s.repos.aggregates,
      logger: silent,
    });
    const tick = new Date('2026-11-26T09:05:00.250Z');
    const first = await ctx.s.scheduler.runTick('refresh', tick);
    expect(first).to.deep.include({ ran: true, status: 'success' });
    // The other instance's timer fires late, for the same tick: the lease is free again, the tick is not.
    expect(await other.runTick('refresh', new Date('2026-11-26T09:05:00.900Z'))).to.deep.equal({ ran: false, reason: 'tick-taken' });
    expect(await other.runTick('refresh', new Date('2026-11-26T09:06:00.000Z'))).to.deep.include({ ran: true, status: 'success' });
    const runs = await ctx.db('job_runs').orderBy('id').select('instance');
    expect(runs.map((r) => r.instance)).to.deep.equal([ctx.s.runner.instance, otherRunner.instance]);
    expect(await ctx.db('job_ticks').orderBy('tick_at').pluck('tick_at')).to.deep.equal([
      '2026-11-26T09:05:00.000Z',
      '2026-11-26T09:06:00.000Z',
    ]);
  });

  it('forgets finished runs older than 90 days, at most once an hour, and keeps a run still marked running', async () => {
    const old = '2026-08-01T00:00:00.000Z'; // 117 days before the frozen clock
    const finished = await ctx.s.repos.jobs.startRun(ctx.db, 'outbox', 'instance-ancienne', old);
    await ctx.s.repos.jobs.finishRun(ctx.db, finished, {
      status: 'success',
      finished_at: old,
      keys_recomputed: 0,
      rows_written: 0,
      error: null,
    });
    const stuck = await ctx.s.repos.jobs.startRun(ctx.db, 'rebuild', 'instance-ancienne', old);
    const recent = await ctx.s.repos.jobs.startRun(ctx.db, 'outbox', 'instance-ancienne', '2026-10-01T00:00:00.000Z');
    await ctx.s.repos.jobs.finishRun(ctx.db, recent, {
      status: 'failure',
      finished_at: '2026-10-01T00:00:01.000Z',
      keys_recomputed: 0,
      rows_written: 0,
      error: 'x',
    });
    expect(await ctx.s.runner.run('refresh', async () => ({ keys: 0, rows: 0 }))).to.deep.include({ ran: true, status: 'success' });
    const ids = async () => (await ctx.db('job_runs').orderBy('id').pluck('id')).map(Number);
    expect(await ids())
      .to.include.members([stuck, recent])
      .and.not.include(finished);
    // Within the hour, no second prune: a run made old meanwhile stays until the next one.
    const later = await ctx.s.repos.jobs.startRun(ctx.db, 'outbox', 'instance-ancienne', old);
    await ctx.s.repos.jobs.finishRun(ctx.db, later, {
      status: 'success',
      finished_at: old,
      keys_recomputed: 0,
      rows_written: 0,
      error: null,
    });
    await ctx.s.runner.run('refresh', async () => ({ keys: 0, rows: 0 }));
    expect(await ids()).to.include(later);
    ctx.clock.advance({ minutes: 61 });
    await ctx.s.runner.run('refresh', async () => ({ keys: 0, rows: 0 }));
    expect(await ids()).to.not.include(later);
  });

  it('lets another instance take over once a dead holder’s lease expires', async () => {
    await ctx.s.repos.jobs.acquire(ctx.db, 'aggregates', 'instance-morte', '2026-11-26T09:00:00.000Z', '2026-11-26T09:10:00.000Z');
    await ctx.s.repos.jobs.startRun(ctx.db, 'rebuild', 'instance-morte', '2026-11-26T09:00:00.000Z');
    // The frozen clock says 10:00 Paris = 09:00 UTC: the dead holder's lease still runs until 09:10.
    expect(await ctx.s.runner.run('refresh', async () => ({ keys: 0, rows: 0 }))).to.deep.equal({ ran: false, reason: 'leased' });
    await ctx.s.repos.jobs.startRun(ctx.db, 'outbox', 'instance-morte', '2026-11-26T09:00:00.000Z');
    ctx.clock.advance({ minutes: 11 });
    expect(await ctx.s.runner.run('refresh', async () => ({ keys: 0, rows: 0 }), 'aggregates', ['refresh', 'rebuild'])).to.deep.include({
      ran: true,
      status: 'success',
    });
    const other = await ctx.db('job_runs').where({ instance: 'instance-morte', job: 'outbox' }).first();
    expect(other.status, 'a run under another lease is not touched').to.equal('running');
    const dead = await ctx.db('job_runs').where({ instance: 'instance-morte', job: 'rebuild' }).first();
    expect(dead.status, 'the dead holder’s run is closed as a failure when its lease is taken over').to.equal('failure');
  });

  it('keeps the lease alive and stops at a shutdown when the refresh falls back to a full rebuild', async () => {
    // No aggregates yet: the refresh job rebuilds everything, a run as long as the nightly rebuild.
    const jobs = ctx.s.repos.jobs;
    const progress = jobs.progress.bind(jobs);
    let steps = 0;
    jobs.progress = async (db, id, text) => {
      // The shutdown arrives after the first step.
      if (++steps === 1) ctx.s.runner.requestStop();
      return progress(db, id, text);
    };
    try {
      const result = await ctx.s.scheduler.run('refresh');
      expect(steps, 'the rebuild inside the refresh reports its steps (each one renews the lease)').to.equal(1);
      expect(result).to.deep.include({ ran: true, status: 'failure' });
      expect((await ctx.db('job_runs').first()).error).to.contain('Interrompu');
      expect((await ctx.db('aggregate_state').first()).generation, 'the current aggregates stay as they were').to.equal(0);
    } finally {
      jobs.progress = progress;
      ctx.s.runner.resume();
    }
  });

  it('records a failure with its error and leaves the current aggregates untouched (rebuild and incremental)', async () => {
    await ctx.s.refresh.rebuild();
    const before = await snapshotAggregates(ctx);
    // Lets `allowed` inserts through, then fails: half-way through a rebuild or a refresh.
    class Failing extends AggregatesRepo {
      calls = 0;
      constructor(private readonly allowed = 3) {
        super();
      }
      override async insertRows(
        trx: Knex | Knex.Transaction,
        generation: number,
        base: 'validated' | 'validated_or_submitted',
        rows: CellRow[],
        at: string,
      ) {
        if (++this.calls > this.allowed) throw new Error('disque plein (simulé)');
        return super.insertRows(trx, generation, base, rows, at);
      }
    }
    const failing = new RefreshService(ctx.db, ctx.clock, new Failing(), silent);
    const runner = new JobRunner({ db: ctx.db, clock: ctx.clock, repo: ctx.s.repos.jobs, leaseSeconds: 600, logger: silent });
    const result = await runner.run('rebuild', () => failing.rebuild().then((r) => ({ keys: r.keys, rows: r.rows })));
    expect(result).to.deep.include({ ran: true, status: 'failure', error: 'disque plein (simulé)' });
    expect(await snapshotAggregates(ctx)).to.equal(before);
    const run = await ctx.db('job_runs').orderBy('id', 'desc').first();
    expect(run).to.include({ job: 'rebuild', status: 'failure', error: 'disque plein (simulé)' });
    expect(run.finished_at).to.be.a('string');

    // An incremental refresh that fails half-way rolls back too, and keeps its dirty keys.
    const pole = (await ctx.s.repos.poles.findById(ctx.db, poleId))!;
    const q = { year: 2026, quarter: 2 };
    const report = (await ctx.s.repos.reporting.report(ctx.db, poleId, q))!;
    await ctx.s.review.decide(report, 'validate', report.version, '', { userId: managerId });
    const dirtyBefore = Number((await ctx.db('aggregate_dirty').count({ n: '*' }).first())!.n);
    // The refresh deletes the rows it replaces, inserts the first base's rows, then fails on the second.
    const failingIncremental = new RefreshService(ctx.db, ctx.clock, new Failing(1), silent);
    let error: unknown = null;
    await failingIncremental.incremental().catch((e: unknown) => (error = e));
    expect(String(error)).to.contain('disque plein');
    expect(await snapshotAggregates(ctx)).to.equal(before);
    expect(Number((await ctx.db('aggregate_dirty').count({ n: '*' }).first())!.n)).to.equal(dirtyBefore);
    // And the next good run picks them up.
    expect((await ctx.s.refresh.incremental()).kind).to.equal('incremental');
    void pole;
    void field;
  });

  it('waits, when stopping, for a scheduled tick still being claimed, which then starts nothing', async () => {
    const { Scheduler } = await import('../../server/jobs/scheduler.ts');
    await ctx.s.refresh.rebuild(); // aggregates exist: start() schedules, and rebuilds nothing
    const runner = new JobRunner({ db: ctx.db, clock: ctx.clock, repo: ctx.s.repos.jobs, leaseSeconds: 600, logger: silent });
    const scheduler = new Scheduler({
      db: ctx.db,
      runner,
      jobs: aggregateJobs(runner, '* * * * * *'),
      aggregates: ctx.s.repos.aggregates,
      logger: silent,
    });
    let claiming!: () => void;
    const claimed = new Promise<void>((r) => (claiming = r));
    const claim = runner.claimTick.bind(runner);
    runner.claimTick = async (job, tickAt, forgetBefore) => {
      claiming();
      await new Promise((r) => setTimeout(r, 300)); // a slow database
      return claim(job, tickAt, forgetBefore);
    };
    await scheduler.start();
    await claimed;
    await scheduler.stop();
    await new Promise((r) => setTimeout(r, 500));
    expect(await ctx.db('job_runs').pluck('job'), 'no run starts once the scheduler has stopped').to.deep.equal([]);
  });

  it('rebuilds at start when the aggregates are empty, and schedules both jobs in Paris time', async () => {
    await ctx.s.scheduler.start();
    try {
      expect(ctx.s.scheduler.nextRun('refresh')).to.be.instanceOf(Date);
      const nightly = ctx.s.scheduler.nextRun('rebuild')!;
      expect(new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(nightly)).to.equal(
        '03:00',
      );
      for (let i = 0; i < 100 && (await ctx.db('aggregate_state').first()).generation === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect((await ctx.db('aggregate_state').first()).generation).to.equal(1);
      // Recorded like every run: « Tâches planifiées » and the dashboards' « mis à jour le » read it.
      const recorded = () => ctx.db('job_runs').where({ job: 'rebuild', status: 'success' }).pluck('id');
      for (let i = 0; i < 100 && !(await recorded()).length; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await recorded(), 'the start rebuild is in the job history').to.have.length(1);
    } finally {
      await ctx.s.scheduler.stop();
    }
  });
});
