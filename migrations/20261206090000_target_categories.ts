import type { Knex } from 'knex';

// A target may aim at one category of an indicator that has them (« 3 collectivités territoriales parmi
// les membres en fin d'année »): `category` is its code, '' for the indicator's total (every target set
// before). A new column with a default and a new unique index: no rebuild of the table on SQLite.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('targets', (t) => {
    t.string('category', 40).notNullable().defaultTo('');
  });
  await knex.schema.alterTable('targets', (t) => {
    t.dropUnique(['pole_id', 'indicator_id', 'first_year', 'last_year']);
    t.unique(['pole_id', 'indicator_id', 'category', 'first_year', 'last_year']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('targets').whereNot('category', '').delete();
  await knex.schema.alterTable('targets', (t) => {
    t.dropUnique(['pole_id', 'indicator_id', 'category', 'first_year', 'last_year']);
    t.unique(['pole_id', 'indicator_id', 'first_year', 'last_year']);
  });
  await knex.schema.alterTable('targets', (t) => {
    t.dropColumn('category');
  });
}
