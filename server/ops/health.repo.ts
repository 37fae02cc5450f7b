import type { Knex } from 'knex';

/** The only SQL of the readiness probe. */
export class HealthRepo {
  /** A round trip to the database. */
  async ping(db: Knex): Promise<void> {
    await db.raw('select 1 as ok');
  }

  /**
   * When the newest successful run of one of `jobs` finished (ISO), or null. Read newest first on the key,
   * so the probe stays cheap however long the history.
   */
  async lastSuccess(db: Knex, jobs: readonly string[]): Promise<string | null> {
    const row: { finished_at: string | null } | undefined = await db('job_runs')
      .whereIn('job', jobs)
      .andWhere({ status: 'success' })
      .orderBy('id', 'desc')
      .first('finished_at');
    return row?.finished_at ?? null;
  }

  /** Names of the migrations the database has applied (knex's own table), or null before the first one. */
  async appliedMigrations(db: Knex): Promise<string[] | null> {
    if (!(await db.schema.hasTable('knex_migrations'))) return null;
    const rows: { name: string }[] = await db('knex_migrations').select('name').orderBy('id');
    return rows.map((r) => r.name);
  }
}
