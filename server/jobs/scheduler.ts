import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { AggregatesRepo } from '../aggregates/aggregates.repo.ts';
import type { Knex } from 'knex';
import { ZONE } from '../lib/clock.ts';
import type { JobDefinition, JobName } from './job-definitions.ts';
import type { JobRunner, RunResult } from './job-runner.ts';

export interface SchedulerDeps {
  db: Knex;
  runner: JobRunner;
  /** What runs and when: see job-definitions.ts. */
  jobs: JobDefinition[];
  /** Read at start: an installation without aggregates gets a rebuild at once. */
  aggregates: Pick<AggregatesRepo, 'state'>;
  logger: Logger;
}

/** Schedules a list of jobs as node-cron tasks, and « run now ». Nothing runs on import. */
export class Scheduler {
  private tasks = new Map<JobName, ScheduledTask>();
  private inFlight = new Set<Promise<unknown>>();
  readonly jobs: readonly JobDefinition[];
  private readonly db: Knex;
  private readonly runner: JobRunner;
  private readonly aggregates: Pick<AggregatesRepo, 'state'>;
  private readonly logger: Logger;

  constructor(deps: SchedulerDeps) {
    ({ db: this.db, runner: this.runner, jobs: this.jobs, aggregates: this.aggregates, logger: this.logger } = deps);
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
      if (!job.scheduled) continue;
      const task = cron.schedule(
        job.cron,
        // Tracked from the claim on: a shutdown waits for it, and the run it leads to then does not start.
        (ctx) =>
          this.track(this.runTick(job.name, ctx.date)).catch((err: unknown) =>
            this.logger.error({ err, name: job.name }, 'scheduled job crashed'),
          ),
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
