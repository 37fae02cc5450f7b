import type { Knex } from 'knex';

// Pre-computed aggregates, read by every dashboard, export and API answer; the keys that changed since
// the last refresh; and the scheduled jobs' runs and leases.
export async function up(knex: Knex): Promise<void> {
  // The primary key is ordered the way readers filter (generation, base, indicator, grain, level, then
  // the period and the area): it is the only index. On SQLite the table is that index (WITHOUT ROWID),
  // which halves the work of every insert during a rebuild.
  const columns = (t: Knex.CreateTableBuilder) => {
    // A full rebuild writes a new generation beside the current one, then readers switch to it.
    t.integer('generation').notNullable();
    t.string('base', 24).notNullable(); // validated | validated_or_submitted
    t.integer('indicator_id').notNullable();
    t.string('grain', 10).notNullable(); // quarter | year | ytd | rolling4
    t.string('level', 8).notNullable(); // pole | region | nation
    t.integer('year').notNullable();
    t.integer('quarter').notNullable(); // the period's last quarter (4 for a year)
    t.string('area', 20).notNullable(); // pole id, INSEE region code, or FR
    t.string('category', 30).notNullable();
    t.bigInteger('value_scaled').nullable();
    t.bigInteger('num_scaled').nullable();
    t.bigInteger('den_scaled').nullable();
    t.integer('reported').notNullable();
    t.integer('expected').notNullable();
    t.text('distribution').nullable();
    t.string('computed_at', 30).notNullable();
    t.primary(['generation', 'base', 'indicator_id', 'grain', 'level', 'year', 'quarter', 'area', 'category']);
  };
  if (knex.client.config.client === 'pg') {
    await knex.schema.createTable('aggregates', columns);
  } else {
    const sql = knex.schema.createTable('aggregates', columns).toString();
    await knex.raw(`${sql} WITHOUT ROWID`);
  }
  await knex.schema.createTable('aggregate_state', (t) => {
    t.integer('id').primary(); // always 1
    t.integer('generation').notNullable();
    t.integer('last_closed_year').nullable();
    t.integer('last_closed_quarter').nullable();
    t.string('rebuilt_at', 30).nullable();
    t.string('refreshed_at', 30).nullable();
  });
  await knex('aggregate_state').insert({ id: 1, generation: 0 });
  // Keys a write has made stale, recorded in the write's own transaction. NULL means « all ».
  await knex.schema.createTable('aggregate_dirty', (t) => {
    t.increments('id');
    t.integer('pole_id').nullable();
    t.integer('indicator_id').nullable();
    t.integer('year').nullable();
    t.integer('quarter').nullable();
    t.string('reason', 40).notNullable();
    t.string('created_at', 30).notNullable();
  });
  await knex.schema.createTable('job_runs', (t) => {
    t.increments('id');
    t.string('job', 40).notNullable();
    t.string('instance', 80).notNullable();
    t.string('started_at', 30).notNullable();
    t.string('finished_at', 30).nullable();
    t.string('status', 12).notNullable(); // running | success | failure | skipped
    t.integer('keys_recomputed').notNullable().defaultTo(0);
    t.integer('rows_written').notNullable().defaultTo(0);
    t.text('error').nullable();
    t.text('progress').nullable();
    t.index(['job', 'id']);
  });
  // One runner per job across instances: a lease with an expiry, taken and renewed with conditional writes.
  await knex.schema.createTable('job_leases', (t) => {
    t.string('job', 40).primary();
    t.string('holder', 80).notNullable();
    t.string('expires_at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_leases');
  await knex.schema.dropTable('job_runs');
  await knex.schema.dropTable('aggregate_dirty');
  await knex.schema.dropTable('aggregate_state');
  await knex.schema.dropTable('aggregates');
}
