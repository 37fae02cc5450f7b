import type { Knex } from 'knex';

// Each aggregate carries its like-for-like comparison with the same period a year earlier (the common
// base of poles and both sides' figures) and the poles expected, and completeness now counts
// pole-quarters for every kind (server/aggregates/semantics.ts). ADD COLUMN: no table rebuild on SQLite
// (nothing cascades). The rows stored before must all be recomputed: a dirty key without a pole makes the
// next refresh a full rebuild, only where aggregates exist (a new installation builds them at start).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('aggregates', (t) => {
    t.integer('poles_expected').notNullable().defaultTo(0);
    t.integer('cmp_poles').notNullable().defaultTo(0);
    t.bigInteger('cmp_cur').nullable();
    t.bigInteger('cmp_prev').nullable();
    t.bigInteger('cmp_cur_den').nullable();
    t.bigInteger('cmp_prev_den').nullable();
  });
  await knex.raw(
    `insert into aggregate_dirty (pole_id, indicator_id, year, quarter, reason, created_at)
     select cast(null as integer), cast(null as integer), cast(null as integer), cast(null as integer), 'rules', ?
     from aggregate_state where generation > 0`,
    [new Date().toISOString()],
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('aggregates', (t) => {
    for (const c of ['poles_expected', 'cmp_poles', 'cmp_cur', 'cmp_prev', 'cmp_cur_den', 'cmp_prev_den']) t.dropColumn(c);
  });
}
