import type { Knex } from 'knex';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { JobsRepo } from './jobs.repo.ts';

/** What « Tâches planifiées » reads: the recorded runs and how fresh the aggregates are. */
export class JobHistoryService {
  constructor(
    private readonly db: Knex,
    private readonly repos: { jobs: JobsRepo; aggregatesRead: AggregatesReadRepo },
  ) {}

  /** The last runs, newest first. */
  runs(limit: number) {
    return this.repos.jobs.runs(this.db, limit);
  }

  /** The jobs whose latest finished run failed, one line each (the staff home lists them). */
  async latestFailures() {
    const latest = new Map<string, Awaited<ReturnType<JobsRepo['runs']>>[number]>();
    for (const r of await this.repos.jobs.runs(this.db, 200)) if (r.status !== 'running' && !latest.has(r.job)) latest.set(r.job, r);
    return [...latest.values()].filter((r) => r.status === 'failure');
  }

  /** The aggregates' generation, last refresh and rebuild, and the changes not yet in them. */
  freshness() {
    return this.repos.aggregatesRead.freshness(this.db);
  }
}
