import type { Knex } from 'knex';

// Notices (what happened to a pole's quarter: returned, validated, reopened, or a reminder) and the
// outbox of messages they produce. Both live in the database so any instance can serve any request,
// and a sender claims outbox rows before sending so two instances never send the same message.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notices', (t) => {
    t.increments('id');
    t.integer('pole_id').notNullable().references('id').inTable('poles');
    t.string('kind', 12).notNullable(); // returned | validated | reopened | reminder
    t.integer('year').notNullable();
    t.integer('quarter').notNullable();
    t.string('step', 12).nullable(); // reminders only: due_in_7 | due_today | late_7
    t.text('reason').nullable();
    t.integer('actor_id').nullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.index(['pole_id', 'created_at']);
    // Each reminder exists once per pole, quarter and step. Decision notices have no step, and NULLs
    // never collide in a unique index (on both databases), so they are not constrained.
    t.unique(['pole_id', 'year', 'quarter', 'step'], { indexName: 'notices_reminder_unique' });
  });

  await knex.schema.createTable('outbox', (t) => {
    t.increments('id');
    t.string('recipient_email', 254).notNullable();
    t.integer('recipient_user_id').nullable().references('id').inTable('users');
    t.string('subject', 200).notNullable();
    t.text('body').notNullable();
    t.string('kind', 12).notNullable(); // returned | validated | reopened | reminder | digest
    t.integer('notice_id').nullable().references('id').inTable('notices');
    // One message per notice (or digest week) and recipient, whoever writes it and however often.
    t.string('dedupe_key', 120).nullable().unique();
    t.string('status', 10).notNullable().defaultTo('queued'); // queued | sending | sent | failed
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('next_attempt_at', 30).notNullable();
    t.string('claimed_by', 120).nullable();
    t.string('claimed_until', 30).nullable();
    t.string('sent_at', 30).nullable();
    t.text('last_error').nullable();
    t.string('created_at', 30).notNullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['claimed_by']);
    t.index(['kind', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox');
  await knex.schema.dropTable('notices');
}
