import type { Knex } from 'knex';
import { dropAppendOnly, makeAppendOnly } from '../server/db/dialect.ts';

// Publications: the national summary of a quarter or a year, frozen as JSON when staff publish it.
// A correction is a new version, never an edit: the table is append-only, and one number per version.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('publications', (t) => {
    t.increments('id');
    t.string('period_kind', 10).notNullable(); // quarter | year
    t.integer('year').notNullable();
    t.integer('quarter').nullable(); // null for a year
    t.integer('version').notNullable();
    t.text('summary_json').notNullable();
    t.text('reason').notNullable(); // '' allowed for version 1
    t.integer('author_id').notNullable().references('id').inTable('users');
    t.string('published_at', 30).notNullable();
    t.index(['period_kind', 'year', 'quarter']);
  });
  // NULL quarters are distinct in a plain unique key: fold them to 0 so two « version 2 » of one year clash.
  await knex.raw('CREATE UNIQUE INDEX publications_period_version ON publications (period_kind, year, COALESCE(quarter, 0), version)');
  await makeAppendOnly(knex, 'publications');
}

export async function down(knex: Knex): Promise<void> {
  await dropAppendOnly(knex, 'publications');
  await knex.raw('DROP INDEX IF EXISTS publications_period_version');
  await knex.schema.dropTable('publications');
}
