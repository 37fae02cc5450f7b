import type { Knex } from 'knex';

// Personal API tokens (only their SHA-256 is stored) and the rate-limit counters that must hold across
// instances (sign-in throttle, API limits): both in the database, so any instance can serve any request.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_tokens', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('name', 80).notNullable();
    t.string('token_hash', 64).notNullable().unique(); // sha256 hex of the token
    t.string('created_at', 30).notNullable();
    t.string('last_used_at', 30).nullable();
    t.string('revoked_at', 30).nullable();
    t.index(['user_id']);
  });
  // One row per limited key ('login:a:<email>', 'login:i:<ip>', 'api:t:<token id>'…). Times in ms since
  // the epoch, so the limiter's arithmetic is the same on both databases.
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 200).primary();
    t.bigInteger('window_start').notNullable();
    t.integer('count').notNullable();
    t.bigInteger('blocked_until').notNullable().defaultTo(0);
    // After this instant the row means nothing any more and may be deleted.
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
  await knex.schema.dropTable('api_tokens');
}
