import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { nowTimestamp, writeTimestamp } from '../db/dialect.ts';
import type { Clock } from '../lib/clock.ts';
import type { JobsRepo } from './jobs.repo.ts';

export interface JobOutcome {
  keys: number;
  rows: number;
}

export type JobWork = (progress: (text: string) => Promise<void>) => Promise<JobOutcome>;

export type RunResult =
  | { ran: true; status: 'success' | 'failure'; outcome?: JobOutcome; error?: string }
  | { ran: false; reason: 'busy' | 'leased' | 'stopping' };

/** Thrown at a progress point once the process is stopping. */
export class JobInterrupted extends Error {
  constructor() {
    super('Interrompu par l’arrêt du processus ; les agrégats en place sont inchangés');
  }
}

/** How long the history of finished runs is kept (« Tâches planifiées », /readyz's last success). */
export const RUN_HISTORY_DAYS = 90;

/** Whether a process with this id exists on this host (signal 0 checks without sending anything). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface JobRunnerDeps {
  db: Knex;
  clock: Clock;
  repo: JobsRepo;
  /** How long a lease lasts without progress: a dead holder's lease is taken over after it. */
  leaseSeconds: number;
  logger: Logger;
}

/**
 * Runs a job at most once at a time: never twice in this process, and on one instance only when
 * several share the database (a lease row that expires if its holder dies). Records every run.
 */
export class JobRunner {
  readonly instance = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly busy = new Set<string>();
  /** Leases a run of this process holds: the lease row says « this instance », not « this run ». */
  private readonly busyLeases = new Set<string>();
  private stopRequested = false;
  /** When this process last pruned the run history (ms); at most once an hour. */
  private prunedAt = 0;

  private readonly db: Knex;
  private readonly clock: Clock;
  private readonly repo: JobsRepo;
  private readonly leaseSeconds: number;
  private readonly logger: Logger;

  constructor(deps: JobRunnerDeps) {
    ({ db: this.db, clock: this.clock, repo: this.repo, leaseSeconds: this.leaseSeconds, logger: this.logger } = deps);
  }

  isBusy(job: string): boolean {
    return this.busy.has(job);
  }

  /** True while a run of this process holds `lease` (another job under it would be refused as busy). */
  isLeaseBusy(lease: string): boolean {
    return this.busyLeases.has(lease);
  }

  /**
   * Finished runs older than RUN_HISTORY_DAYS are forgotten (the outbox sender alone records a run a
   * minute); at most once an hour per process, under the lease the run already holds.
   */
  private async pruneHistory(): Promise<void> {
    const now = this.clock.now();
    if (now.toMillis() - this.prunedAt < 3_600_000) return;
    this.prunedAt = now.toMillis();
    await this.repo.prune(this.db, writeTimestamp(now.minus({ days: RUN_HISTORY_DAYS })));
  }

  private expiry(): string {
    return writeTimestamp(this.clock.now().plus({ seconds: this.leaseSeconds }));
  }

  /**
   * At start: a lease held by a process of this very host that no longer exists (killed, crashed) is
   * ended at once, instead of making the jobs wait up to the lease's length while changes pile up. Only
   * this host's processes can be checked; another host's dead instance still waits for its lease to expire.
   * Returns the leases ended.
   */
  async reclaimLeasesOfDeadProcesses(isAlive: (pid: number) => boolean = processExists): Promise<string[]> {
    const host = os.hostname();
    const ended: string[] = [];
    for (const lease of await this.repo.leases(this.db)) {
      const [holderHost, pid] = lease.holder.split(':');
      if (holderHost !== host || !/^\d+$/.test(pid ?? '') || Number(pid) === process.pid || isAlive(Number(pid))) continue;
      // Expired a second ago: a later `acquire` takes it and closes the dead holder's runs as it would.
      if (await this.repo.expire(this.db, lease.job, lease.holder, writeTimestamp(this.clock.now().minus({ seconds: 1 }))))
        ended.push(lease.job);
    }
    if (ended.length) this.logger.warn({ leases: ended }, 'leases of a dead process of this host ended at start');
    return ended;
  }

  /** Claims one scheduled tick of a job for this instance (see Scheduler.runTick). */
  claimTick(job: string, tickAt: string, forgetBefore: string): Promise<boolean> {
    return this.repo.claimTick(this.db, job, tickAt, this.instance, forgetBefore);
  }

  /**
   * Graceful shutdown: until resume(), no new run starts, and a run in progress stops at its next progress
   * point, recorded as a failure that says so (a rebuild then leaves the current aggregates as they were).
   */
  requestStop(): void {
    this.stopRequested = true;
  }

  resume(): void {
    this.stopRequested = false;
  }

  /**
   * Runs `work` as `job` under the lease named `lease`. Jobs that write the same data share a lease (the
   * refresh and the rebuild share 'aggregates'); others take their own, so they never wait for a rebuild.
   * `leaseJobs` names every job under that lease: when the lease is taken over from a dead instance, its
   * runs of those jobs (and only those) are closed as failures.
   */
  async run(job: string, work: JobWork, lease = 'aggregates', leaseJobs: readonly string[] = [job]): Promise<RunResult> {
    if (this.stopRequested) return { ran: false, reason: 'stopping' };
    // Another job under the same lease in this process (the 03:00 refresh tick during the nightly rebuild):
    // the lease row would let it in, and its release would free the lease under the running job.
    if (this.busy.has(job) || this.busyLeases.has(lease)) return { ran: false, reason: 'busy' };
    this.busy.add(job);
    this.busyLeases.add(lease);
    try {
      const previous = await this.repo.lease(this.db, lease);
      if (!(await this.repo.acquire(this.db, lease, this.instance, nowTimestamp(this.clock), this.expiry())))
        return { ran: false, reason: 'leased' };
      // Taken over from an instance whose lease expired: it died mid-run, and its run will never finish.
      if (previous && previous.holder !== this.instance)
        await this.repo.abandon(this.db, previous.holder, nowTimestamp(this.clock), leaseJobs);
      const runId = await this.repo.startRun(this.db, job, this.instance, nowTimestamp(this.clock));
      await this.pruneHistory();
      try {
        const outcome = await work(async (text) => {
          if (this.stopRequested) throw new JobInterrupted();
          await this.repo.progress(this.db, runId, text);
          // A long run keeps its lease alive while it makes progress.
          await this.repo.acquire(this.db, lease, this.instance, nowTimestamp(this.clock), this.expiry());
        });
        await this.repo.finishRun(this.db, runId, {
          status: 'success',
          finished_at: nowTimestamp(this.clock),
          keys_recomputed: outcome.keys,
          rows_written: outcome.rows,
          error: null,
        });
        return { ran: true, status: 'success', outcome };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (err instanceof JobInterrupted) this.logger.warn({ job }, 'job interrupted by the shutdown');
        else this.logger.error({ err, job }, 'job failed');
        await this.repo.finishRun(this.db, runId, {
          status: 'failure',
          finished_at: nowTimestamp(this.clock),
          keys_recomputed: 0,
          rows_written: 0,
          error: message.slice(0, 2000),
        });
        return { ran: true, status: 'failure', error: message };
      } finally {
        await this.repo.release(this.db, lease, this.instance);
      }
    } finally {
      this.busy.delete(job);
      this.busyLeases.delete(lease);
    }
  }
}
