import type { Knex } from 'knex';
import { dropAppendOnly, makeAppendOnly } from '../server/db/dialect.ts';

// Every staff change, append-only: the database itself refuses UPDATE and DELETE.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.increments('id');
    t.integer('actor_id').nullable().references('id').inTable('users');
    t.string('action', 40).notNullable();
    t.string('entity', 40).notNullable();
    t.string('entity_id', 40).notNullable();
    t.text('before_json').nullable();
    t.text('after_json').nullable();
    t.string('request_id', 64).nullable();
    t.string('created_at', 30).notNullable();
    t.index(['entity', 'entity_id']);
  });
  await makeAppendOnly(knex, 'audit_log');
}

export async function down(knex: Knex): Promise<void> {
  await dropAppendOnly(knex, 'audit_log');
  await knex.schema.dropTable('audit_log');
}
