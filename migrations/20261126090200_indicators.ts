import type { Knex } from 'knex';

// Bounds are exact decimals stored as scaled integers (value × 10 000), like every indicator value,
// so SQLite and PostgreSQL never drift apart through floating point.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('indicators', (t) => {
    t.increments('id');
    t.string('code', 40).notNullable().unique();
    t.string('label_fr', 200).notNullable();
    t.string('label_en', 200).notNullable();
    t.text('definition_fr').notNullable().defaultTo('');
    t.text('definition_en').notNullable().defaultTo('');
    t.string('unit', 20).notNullable(); // etp | nombre | tonnes | euros | pourcent | score
    t.integer('decimals').notNullable().defaultTo(0);
    t.bigInteger('min_scaled').nullable();
    t.bigInteger('max_scaled').nullable();
    t.string('kind', 10).notNullable(); // flow | stock | ratio | score
    t.integer('numerator_id').nullable().references('id').inTable('indicators');
    t.string('numerator_category', 30).nullable();
    t.integer('denominator_id').nullable().references('id').inTable('indicators');
    t.string('denominator_category', 30).nullable();
    t.string('objectives', 40).notNullable().defaultTo(''); // 'O1,O3'
    t.string('direction', 6).notNullable().defaultTo('up'); // up | down
    t.integer('first_year').nullable();
    t.integer('first_quarter').nullable();
    t.integer('last_year').nullable();
    t.integer('last_quarter').nullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('display_order').notNullable().defaultTo(0);
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
  });
  await knex.schema.createTable('indicator_categories', (t) => {
    t.increments('id');
    t.integer('indicator_id').notNullable().references('id').inTable('indicators');
    t.string('code', 30).notNullable();
    t.string('label_fr', 200).notNullable();
    t.string('label_en', 200).notNullable();
    t.integer('display_order').notNullable().defaultTo(0);
    t.unique(['indicator_id', 'code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('indicator_categories');
  await knex.schema.dropTable('indicators');
}
