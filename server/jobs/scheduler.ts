import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { RefreshService } from '../aggregates/refresh.service.ts';
import type { AggregatesRepo } from '../aggregates/aggregates.repo.ts';
import type { Knex } from 'knex';
import { ZONE } from '../lib/clock.ts';
import type { JobRunner, JobWork, RunResult } from './job-runner.ts';

export type JobName = 'refresh' | 'rebuild' | 'reminders' | 'digest' | 'outbox';
export const JOB_NAMES: readonly JobName[] = ['refresh', 'rebuild', 'reminders', 'digest', 'outbox'];

export interface JobDefinition {
  name: JobName;
  cron: string;
  work: JobWork;
  /** The lease the job runs under: jobs writing the same data share one (see JobRunner.run). */
  lease: string;
  /** False: listed and runnable on demand, but not scheduled (the outbox sender without a mail server). */
  scheduled?: boolean;
}

/** The typed list of scheduled jobs, their node-cron tasks, and « run now ». Nothing runs on import. */
export class Scheduler {
  private tasks = new Map<JobName, ScheduledTask>();
  private inFlight = new Set<Promise<unknown>>();
  readonly jobs: JobDefinition[];

  constructor(
    private readonly db: Knex,
    private readonly runner: JobRunner,
    refresh: RefreshService,
    private readonly aggregates: AggregatesRepo,
    crons: { refresh: string; rebuild: string },
    private readonly logger: Logger,
    /** Jobs of other features (reminders, digest, outbox), each with its own lease. */
    more: JobDefinition[] = [],
  ) {
    this.jobs = [
      // A refresh that falls back to a full rebuild reports its steps too: it is as long as the nightly one.
      { name: 'refresh', cron: crons.refresh, lease: 'aggregates', work: (progress) => refresh.incremental((done, total) => progress(`${done}/${total}`)).then((r) => ({ keys: r.keys, rows: r.rows })) },
      { name: 'rebuild', cron: crons.rebuild, lease: 'aggregates', work: (progress) => refresh.rebuild((done, total) => progress(`${done}/${total}`)).then((r) => ({ keys: r.keys, rows: r.rows })) },
      ...more,
    ];
  }

  private definition(name: JobName): JobDefinition {
    return this.jobs.find((j) => j.name === name)!;
  }

  /** Runs a job now and waits for it. */
  run(name: JobName): Promise<RunResult> {
    const def = this.definition(name);
    const sharing = this.jobs.filter((j) => j.lease === def.lease).map((j) => j.name);
    return this.track(this.runner.run(name, def.work, def.lease, sharing));
  }

  /** Work that stop() waits for. */
  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    return p.finally(() => this.inFlight.delete(p));
  }

  /**
   * A scheduled tick: every instance's timer fires it, the first to claim it in the database runs the job
   * and the others stand down, so each tick runs the job once across instances.
   */
  async runTick(name: JobName, scheduledAt: Date): Promise<RunResult | { ran: false; reason: 'tick-taken' }> {
    const tick = new Date(Math.floor(scheduledAt.getTime() / 1000) * 1000);
    const forgetBefore = new Date(tick.getTime() - 7 * 24 * 3600 * 1000).toISOString();
    if (!(await this.runner.claimTick(name, tick.toISOString(), forgetBefore))) return { ran: false, reason: 'tick-taken' };
    return this.run(name);
  }

  /** Starts a job without waiting (the « Recalculer maintenant » button). */
  runInBackground(name: JobName): void {
    this.run(name).catch((err: unknown) => this.logger.error({ err, name }, 'background job crashed'));
  }

  isRunning(name: JobName): boolean {
    return this.runner.isBusy(name);
  }

  /** True while another job under the same lease runs in this process: `name` would not start now. */
  isBlocked(name: JobName): boolean {
    return !this.isRunning(name) && this.runner.isLeaseBusy(this.definition(name).lease);
  }

  nextRun(name: JobName): Date | null {
    return this.tasks.get(name)?.getNextRun() ?? null;
  }

  get started(): boolean {
    return this.tasks.size > 0;
  }

  /** Schedules every job (Paris time); an installation without aggregates gets a rebuild at once. */
  async start(): Promise<void> {
    await this.runner.reclaimLeasesOfDeadProcesses();
    for (const job of this.jobs) {
      if (job.scheduled === false) continue;
      const task = cron.schedule(
        job.cron,
        // Tracked from the claim on: a shutdown waits for it, and the run it leads to then does not start.
        (ctx) => this.track(this.runTick(job.name, ctx.date)).catch((err: unknown) => this.logger.error({ err, name: job.name }, 'scheduled job crashed')),
        { name: job.name, timezone: ZONE, noOverlap: true },
      );
      this.tasks.set(job.name, task);
    }
    const state = await this.aggregates.state(this.db);
    if (state.generation === 0) this.runInBackground('rebuild');
  }

  /** Stops the schedule and waits for the runs in progress (graceful shutdown). */
  async stop(): Promise<void> {
    // Runs in progress stop at their next progress point (a long rebuild does not hold the shutdown).
    this.runner.requestStop();
    for (const task of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    await Promise.allSettled([...this.inFlight]);
    this.runner.resume();
  }
}
