import type { Knex } from 'knex';

// Pole groups (issue #15, « analyse des financeurs »): staff define group sets (« Filière », « Territoire »,
// « Programme »), their groups, and place each pole in at most one group of each set over time. A
// membership runs from one quarter (from_index = year × 4 + quarter − 1) to another, included, or stays
// open (to_index null). « Which poles are in group G of set S at quarter Q » is one indexed range query.
// At most one open membership per pole and set: a partial unique index (both databases have them); no
// overlapping intervals: the service checks it in the transaction that writes. New tables only.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('group_sets', (t) => {
    t.increments('id');
    t.string('code', 40).notNullable().unique();
    t.string('label_fr', 200).notNullable();
    t.text('description_fr').notNullable().defaultTo('');
    t.integer('display_order').notNullable().defaultTo(0);
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
  });
  await knex.schema.createTable('pole_groups', (t) => {
    t.increments('id');
    t.integer('set_id').notNullable().references('id').inTable('group_sets');
    t.string('code', 40).notNullable();
    t.string('label_fr', 200).notNullable();
    t.integer('display_order').notNullable().defaultTo(0);
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.unique(['set_id', 'code']);
    // The target of the memberships' (group_id, set_id) foreign key: a membership's group is of its set.
    t.unique(['id', 'set_id']);
  });
  await knex.schema.createTable('pole_group_memberships', (t) => {
    t.increments('id');
    t.integer('pole_id').notNullable().references('id').inTable('poles');
    t.integer('set_id').notNullable().references('id').inTable('group_sets');
    t.integer('group_id').notNullable();
    t.integer('from_index').notNullable();
    t.integer('to_index').nullable(); // the last quarter in the group, included; null: still in it
    t.integer('created_by').nullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.integer('closed_by').nullable().references('id').inTable('users');
    t.string('closed_at', 30).nullable();
    t.foreign(['group_id', 'set_id']).references(['id', 'set_id']).inTable('pole_groups');
    t.unique(['pole_id', 'set_id', 'from_index']);
    t.index(['set_id', 'group_id', 'from_index', 'to_index'], 'pole_group_memberships_members_at');
    t.check('to_index is null or to_index >= from_index', [], 'pole_group_memberships_interval');
  });
  await knex.raw('create unique index pole_group_memberships_one_open on pole_group_memberships (pole_id, set_id) where to_index is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('pole_group_memberships');
  await knex.schema.dropTable('pole_groups');
  await knex.schema.dropTable('group_sets');
}
