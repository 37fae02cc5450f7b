import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('poles', (t) => {
    t.increments('id');
    t.string('name', 200).notNullable();
    t.string('slug', 120).notNullable().unique();
    t.string('region_code', 3).notNullable().references('code').inTable('regions');
    t.string('departement_code', 3).notNullable().references('code').inTable('departements');
    t.integer('creation_year').notNullable();
    t.integer('first_report_year').notNullable();
    t.integer('first_report_quarter').notNullable();
    t.date('archived_on').nullable();
    t.string('legal_form', 100).notNullable().defaultTo('');
    t.text('description').notNullable().defaultTo('');
    t.string('contact_email', 254).notNullable().defaultTo('');
    t.string('website', 300).notNullable().defaultTo('');
    t.string('founding_wave', 20).notNullable(); // aap_2013 | aap_2015 | ami_2021_2023 | autre
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['region_code']);
  });
  // A pole's territory: EPCI and/or départements, validated against the same reference package.
  await knex.schema.createTable('pole_territories', (t) => {
    t.increments('id');
    t.integer('pole_id').notNullable().references('id').inTable('poles');
    t.string('kind', 12).notNullable(); // epci | departement
    t.string('code', 12).notNullable();
    t.string('name', 200).notNullable();
    t.unique(['pole_id', 'kind', 'code']);
  });
  await knex.schema.createTable('pole_members', (t) => {
    t.increments('id');
    t.integer('pole_id').notNullable().references('id').inTable('poles');
    t.string('name', 200).notNullable();
    t.string('siren', 9).nullable();
    t.string('category', 20).notNullable(); // ess | non_ess | collectivite | recherche | formation | autre
    t.date('joined_on').notNullable();
    t.date('left_on').nullable();
    t.integer('version').notNullable().defaultTo(1);
    t.index(['pole_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('pole_members');
  await knex.schema.dropTable('pole_territories');
  await knex.schema.dropTable('poles');
}
