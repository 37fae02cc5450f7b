import type { Knex } from 'knex';

// One row per scheduled tick that some instance took: with several instances, each node-cron fires the
// same tick; the first to insert it runs the job, the others see the row and stand down. (The lease
// alone is not enough: a refresh that ends in 50 ms frees it before a slower instance's timer fires.)
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_ticks', (t) => {
    t.string('job', 40).notNullable();
    /** The tick's scheduled time (node-cron's TaskContext.date), ISO in UTC to the second. */
    t.string('tick_at', 30).notNullable();
    t.string('instance', 80).notNullable();
    t.primary(['job', 'tick_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_ticks');
}
