import type { Knex } from 'knex';
import { dropAppendOnly, makeAppendOnly } from '../server/db/dialect.ts';

// The quarterly cycle: one report per pole and quarter, its values, and the append-only history of both.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('quarter_reports', (t) => {
    t.increments('id');
    t.integer('pole_id').notNullable().references('id').inTable('poles');
    t.integer('year').notNullable();
    t.integer('quarter').notNullable();
    t.string('status', 10).notNullable(); // draft | submitted | validated | returned
    t.text('highlights').notNullable().defaultTo(''); // « faits marquants »
    t.text('difficulties').notNullable().defaultTo('');
    t.integer('submitted_by').nullable().references('id').inTable('users');
    t.string('submitted_at', 30).nullable();
    t.integer('reviewed_by').nullable().references('id').inTable('users');
    t.string('reviewed_at', 30).nullable();
    t.text('reason').nullable(); // why it was returned or reopened
    t.integer('version').notNullable().defaultTo(1);
    // The nonce of the last form applied: a double click re-sends it and is recognised, not re-applied.
    t.string('last_form_token', 64).nullable();
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.unique(['pole_id', 'year', 'quarter']);
    t.index(['status', 'year', 'quarter']);
  });
  await knex.schema.createTable('quarter_values', (t) => {
    t.increments('id');
    t.integer('pole_id').notNullable().references('id').inTable('poles');
    t.integer('indicator_id').notNullable().references('id').inTable('indicators');
    t.string('category', 30).notNullable().defaultTo(''); // '' for the total / an indicator without parts
    t.integer('year').notNullable();
    t.integer('quarter').notNullable();
    t.bigInteger('value_scaled').nullable(); // exact decimal × 10 000; null when not available
    t.boolean('not_available').notNullable().defaultTo(false);
    t.text('na_reason').notNullable().defaultTo('');
    t.text('comment').notNullable().defaultTo('');
    // A stock prefilled from the previous quarter that the manager has not confirmed yet.
    t.boolean('carried_over').notNullable().defaultTo(false);
    t.integer('updated_by').nullable().references('id').inTable('users');
    t.string('updated_at', 30).notNullable();
    t.unique(['pole_id', 'indicator_id', 'category', 'year', 'quarter']);
    t.index(['indicator_id', 'year', 'quarter']);
    t.index(['pole_id', 'year', 'quarter']);
  });
  await knex.schema.createTable('value_revisions', (t) => {
    t.increments('id');
    t.integer('pole_id').notNullable().references('id').inTable('poles');
    t.integer('year').notNullable();
    t.integer('quarter').notNullable();
    // A value change names its indicator; a report change (submit, validate…) has none.
    t.integer('indicator_id').nullable().references('id').inTable('indicators');
    t.string('category', 30).notNullable().defaultTo('');
    t.string('action', 12).notNullable(); // create | update | import | submit | validate | return | reopen
    t.bigInteger('old_value_scaled').nullable();
    t.bigInteger('new_value_scaled').nullable();
    t.boolean('old_not_available').nullable();
    t.boolean('new_not_available').nullable();
    t.text('old_comment').nullable();
    t.text('new_comment').nullable();
    t.text('old_na_reason').nullable();
    t.text('new_na_reason').nullable();
    t.string('old_status', 10).nullable();
    t.string('new_status', 10).nullable();
    t.text('reason').nullable();
    t.integer('actor_id').nullable().references('id').inTable('users');
    t.string('request_id', 64).nullable();
    t.string('created_at', 30).notNullable();
    t.index(['pole_id', 'year', 'quarter']);
    t.index(['indicator_id']);
  });
  await makeAppendOnly(knex, 'value_revisions');
}

export async function down(knex: Knex): Promise<void> {
  await dropAppendOnly(knex, 'value_revisions');
  await knex.schema.dropTable('value_revisions');
  await knex.schema.dropTable('quarter_values');
  await knex.schema.dropTable('quarter_reports');
}
