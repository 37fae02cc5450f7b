import type { Knex } from 'knex';

// Targets (objectifs): what a pole's agreement sets for one indicator over one calendar year, or over a
// span of years (a convention 2024–2026, compared with the cumulative flow over the span or the stock at
// its end, never with the sum of annual targets). A manager proposes, staff validate or change: `status`
// says which, with the author of each. New table only: no rebuild of an existing table on SQLite.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('targets', (t) => {
    t.increments('id');
    t.integer('pole_id').notNullable().references('id').inTable('poles');
    t.integer('indicator_id').notNullable().references('id').inTable('indicators');
    t.integer('first_year').notNullable();
    t.integer('last_year').notNullable(); // = first_year for a year's target
    t.bigInteger('value_scaled').notNullable();
    t.string('status', 10).notNullable(); // proposed | validated
    t.integer('proposed_by').nullable().references('id').inTable('users');
    t.string('proposed_at', 30).nullable();
    t.integer('validated_by').nullable().references('id').inTable('users');
    t.string('validated_at', 30).nullable();
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.unique(['pole_id', 'indicator_id', 'first_year', 'last_year']);
    t.index(['first_year', 'last_year']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('targets');
}
