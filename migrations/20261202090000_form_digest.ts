import type { Knex } from 'knex';

// What the last form token saved, as a digest of the form's content: the same token posted again is a
// duplicate only when it carries the same content (a corrected form re-posted under the old token is a
// conflict, never « enregistré » with the first values kept). ADD COLUMN: no table rebuild on SQLite.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('quarter_reports', (t) => {
    t.string('last_form_digest', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('quarter_reports', (t) => {
    t.dropColumn('last_form_digest');
  });
}
