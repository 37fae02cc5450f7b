import type { Knex } from 'knex';

// Regions and départements: INSEE codes (COG). Filled from @etalab/decoupage-administratif at start.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('regions', (t) => {
    t.string('code', 3).primary();
    t.string('name', 100).notNullable();
    t.string('zone', 10).notNullable(); // metro | drom
  });
  await knex.schema.createTable('departements', (t) => {
    t.string('code', 3).primary();
    t.string('name', 100).notNullable();
    t.string('region_code', 3).notNullable().references('code').inTable('regions');
    t.string('zone', 10).notNullable();
    t.index(['region_code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('departements');
  await knex.schema.dropTable('regions');
}
