import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('email', 254).notNullable();
    t.string('display_name', 120).notNullable();
    t.string('password_hash', 300).nullable(); // null until an invitation is accepted
    t.string('role', 10).notNullable(); // staff | manager | funder
    t.boolean('active').notNullable().defaultTo(true);
    t.string('last_sign_in_at', 30).nullable();
    // Bumped to end every session of the user (password change, deactivation).
    t.integer('session_generation').notNullable().defaultTo(1);
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
  });
  // Case-insensitive uniqueness, the same expression index on both databases.
  await knex.raw('CREATE UNIQUE INDEX users_email_lower_unique ON users (lower(email))');

  await knex.schema.createTable('user_poles', (t) => {
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.integer('pole_id').notNullable().references('id').inTable('poles');
    t.primary(['user_id', 'pole_id']);
    t.index(['pole_id']);
  });
  await knex.schema.createTable('user_regions', (t) => {
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('region_code', 3).notNullable().references('code').inTable('regions');
    t.primary(['user_id', 'region_code']);
  });
  // Invitation and reset links: 128-bit random tokens, stored as SHA-256, single use, one hour.
  await knex.schema.createTable('user_tokens', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('purpose', 12).notNullable(); // invitation | reset
    t.string('token_hash', 64).notNullable().unique();
    t.string('expires_at', 30).notNullable();
    t.string('used_at', 30).nullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('user_tokens');
  await knex.schema.dropTable('user_regions');
  await knex.schema.dropTable('user_poles');
  await knex.schema.dropTable('users');
}
