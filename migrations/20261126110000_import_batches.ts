import type { Knex } from 'knex';

// Spreadsheet imports: an uploaded file is parsed and judged once (the preview), kept here, and applied
// only when its author confirms it. The rows are kept so that confirming re-judges exactly what was shown.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('import_batches', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('kind', 10).notNullable(); // quarter (one pole, one quarter) | long (many poles and quarters)
    t.integer('pole_id').nullable().references('id').inTable('poles');
    t.integer('year').nullable();
    t.integer('quarter').nullable();
    t.string('filename', 200).notNullable();
    // The status a long-format import gives the quarters it loads (draft | validated); null: unchanged.
    t.string('import_status', 10).nullable();
    t.text('rows_json').notNullable();
    t.text('problems_json').notNullable();
    // What confirming would change (old → new), as judged at the preview.
    t.text('changes_json').notNullable();
    t.string('status', 10).notNullable(); // preview | applied | discarded
    t.integer('row_count').notNullable();
    t.string('created_at', 30).notNullable();
    t.string('applied_at', 30).nullable();
    t.index(['user_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('import_batches');
}
