import type { Knex } from 'knex';

export interface JobRunRow {
  id: number;
  job: string;
  instance: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'success' | 'failure';
  keys_recomputed: number;
  rows_written: number;
  error: string | null;
  progress: string | null;
}

/** The only SQL about scheduled jobs: their leases and their runs. */
export class JobsRepo {
  /**
   * Takes or renews the lease of a job, atomically: free, expired, or already ours. Returns whether
   * this instance holds it now. One statement each, so two instances can never both win.
   */
  async acquire(db: Knex, job: string, holder: string, now: string, expiresAt: string): Promise<boolean> {
    const taken = await db('job_leases')
      .where({ job })
      .andWhere((w) => w.where('expires_at', '<', now).orWhere('holder', holder))
      .update({ holder, expires_at: expiresAt });
    if (taken === 1) return true;
    try {
      await db('job_leases').insert({ job, holder, expires_at: expiresAt });
      return true;
    } catch {
      return false; // somebody else holds a live lease
    }
  }

  /**
   * Takes one scheduled tick of a job for this instance: true for the first instance to ask, false for
   * the others (the primary key decides). Ticks older than `forgetBefore` are forgotten on the way.
   */
  async claimTick(db: Knex, job: string, tickAt: string, instance: string, forgetBefore: string): Promise<boolean> {
    await db('job_ticks').where('tick_at', '<', forgetBefore).delete();
    const inserted = await db('job_ticks')
      .insert({ job, tick_at: tickAt, instance })
      .onConflict(['job', 'tick_at'])
      .ignore()
      .returning('job');
    return inserted.length === 1;
  }

  async release(db: Knex, job: string, holder: string): Promise<void> {
    await db('job_leases').where({ job, holder }).delete();
  }

  async leases(db: Knex): Promise<{ job: string; holder: string; expires_at: string }[]> {
    return db('job_leases').select('job', 'holder', 'expires_at');
  }

  /** Ends a lease now, if `holder` still holds it (the normal takeover then closes its runs). */
  async expire(db: Knex, job: string, holder: string, at: string): Promise<boolean> {
    return (await db('job_leases').where({ job, holder }).update({ expires_at: at })) === 1;
  }

  async lease(db: Knex, job: string): Promise<{ holder: string; expires_at: string } | undefined> {
    return db('job_leases').where({ job }).first();
  }

  async startRun(db: Knex, job: string, instance: string, at: string): Promise<number> {
    const [row] = await db('job_runs').insert({ job, instance, started_at: at, status: 'running' }).returning('id');
    return Number(typeof row === 'object' ? row.id : row);
  }

  async progress(db: Knex, id: number, text: string): Promise<void> {
    await db('job_runs').where({ id }).update({ progress: text });
  }

  async finishRun(
    db: Knex,
    id: number,
    changes: Pick<JobRunRow, 'status' | 'finished_at' | 'keys_recomputed' | 'rows_written' | 'error'>,
  ): Promise<void> {
    await db('job_runs')
      .where({ id })
      .update({ ...changes, progress: null });
  }

  /**
   * The last successful run of any of `jobs` (when it started and finished). One indexed read per job
   * (job, id): the history holds a run a minute of the outbox sender.
   */
  async lastSuccess(db: Knex, jobs: readonly string[]): Promise<{ startedAt: string; finishedAt: string } | null> {
    let last: { startedAt: string; finishedAt: string } | null = null;
    for (const job of jobs) {
      const row = await db('job_runs').where({ job, status: 'success' }).orderBy('id', 'desc').first('started_at', 'finished_at');
      if (row && (!last || String(row.finished_at) > last.finishedAt))
        last = { startedAt: String(row.started_at), finishedAt: String(row.finished_at) };
    }
    return last;
  }

  async runs(db: Knex, limit = 50): Promise<JobRunRow[]> {
    return db('job_runs').orderBy('id', 'desc').limit(limit);
  }

  async running(db: Knex): Promise<JobRunRow[]> {
    return db('job_runs').where({ status: 'running' }).orderBy('id', 'desc');
  }

  /** Forgets finished runs started before `before` (a run still marked running is kept). */
  async prune(db: Knex, before: string): Promise<number> {
    return db('job_runs').whereNot({ status: 'running' }).where('started_at', '<', before).delete();
  }

  /** Runs left « running » by a process that died: marked as failures so the page tells the truth. */
  async abandon(db: Knex, instance: string, at: string, jobs?: readonly string[]): Promise<void> {
    const q = db('job_runs').where({ status: 'running', instance });
    if (jobs) q.whereIn('job', jobs);
    await q.update({ status: 'failure', finished_at: at, error: 'Processus arrêté pendant l’exécution' });
  }
}
