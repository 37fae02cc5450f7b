import type { Knex } from 'knex';

// Ratios now pair their numerator and denominator per pole-quarter (server/aggregates/semantics.ts): the
// aggregates stored under the old rule must all be recomputed, or an incremental refresh would sum newly
// computed poles with stale ones. A dirty key without a pole makes the next refresh a full rebuild. Only
// where aggregates exist: a new installation builds them at start anyway.
export async function up(knex: Knex): Promise<void> {
  const state = await knex('aggregate_state').where('generation', '>', 0).first();
  if (!state) return;
  await knex('aggregate_dirty').insert({
    pole_id: null,
    indicator_id: null,
    year: null,
    quarter: null,
    reason: 'rules',
    created_at: new Date().toISOString(),
  });
}

export async function down(): Promise<void> {
  // Nothing to undo: a rebuild changes no data, only recomputes it.
}
