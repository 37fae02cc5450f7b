import type { Knex } from 'knex';

// Ratios now pair their numerator and denominator per pole-quarter (server/aggregates/semantics.ts): the
// aggregates stored under the old rule must all be recomputed, or an incremental refresh would sum newly
// computed poles with stale ones. A dirty key without a pole makes the next refresh a full rebuild. Only
// where aggregates exist: a new installation builds them at start anyway. One statement, a write: on
// SQLite a migration's transaction that reads first cannot become a write once another instance has
// written (SQLITE_BUSY), which left the migration lock taken when instances started together.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `insert into aggregate_dirty (pole_id, indicator_id, year, quarter, reason, created_at)
     select cast(null as integer), cast(null as integer), cast(null as integer), cast(null as integer), 'rules', ?
     from aggregate_state where generation > 0`,
    [new Date().toISOString()],
  );
}

export async function down(): Promise<void> {
  // Nothing to undo: a rebuild changes no data, only recomputes it.
}
