// The pole groups' tables hold their rules on their own: one open membership per pole and set (a partial
// unique index), no interval ending before it starts (a check), a membership's group of its own set (a
// composite foreign key), and the migration rolls back and forward on a fresh database.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createTestDb, onPostgres, type TestDb } from '../support/test-db.ts';

describe(`migration: pole groups (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestDb;
  let db: Knex;
  const now = '2026-11-26T10:00:00.000Z';
  const ids = { pole: 0, filiere: 0, territoire: 0, bois: 0, rural: 0 };
  const refused = async (row: Record<string, unknown>) => {
    let error: unknown = null;
    await db('pole_group_memberships')
      .insert({ created_at: now, ...row })
      .catch((e: unknown) => (error = e));
    return error !== null;
  };

  before(async () => {
    t = await createTestDb();
    db = t.db;
    const id = async (q: Promise<unknown[]>) => {
      const [r] = (await q) as ({ id: number } | number)[];
      return Number(typeof r === 'object' ? r.id : r);
    };
    ids.pole = await id(
      db('poles')
        .insert({
          name: 'P',
          slug: 'p',
          region_code: '76',
          departement_code: '31',
          creation_year: 2015,
          first_report_year: 2024,
          first_report_quarter: 1,
          legal_form: '',
          description: '',
          contact_email: '',
          website: '',
          founding_wave: 'autre',
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .returning('id'),
    );
    const set = (code: string) => db('group_sets').insert({ code, label_fr: code, created_at: now, updated_at: now }).returning('id');
    ids.filiere = await id(set('filiere'));
    ids.territoire = await id(set('territoire'));
    const group = (setId: number, code: string) =>
      db('pole_groups').insert({ set_id: setId, code, label_fr: code, created_at: now, updated_at: now }).returning('id');
    ids.bois = await id(group(ids.filiere, 'bois'));
    ids.rural = await id(group(ids.territoire, 'rural'));
  });
  after(() => t.destroy());

  it('allows one open membership per pole and set, refuses a second', async () => {
    const base = { pole_id: ids.pole, set_id: ids.filiere, group_id: ids.bois };
    await db('pole_group_memberships').insert({ ...base, from_index: 8000, to_index: 8010, created_at: now });
    await db('pole_group_memberships').insert({ ...base, from_index: 8011, to_index: null, created_at: now });
    expect(await refused({ ...base, from_index: 8020, to_index: null })).to.equal(true);
    // Another set: its own open membership.
    await db('pole_group_memberships').insert({
      pole_id: ids.pole,
      set_id: ids.territoire,
      group_id: ids.rural,
      from_index: 8000,
      to_index: null,
      created_at: now,
    });
  });

  it('refuses an interval ending before it starts, a second start the same quarter, and a group of another set', async () => {
    expect(await refused({ pole_id: ids.pole, set_id: ids.filiere, group_id: ids.bois, from_index: 7000, to_index: 6999 })).to.equal(true);
    expect(await refused({ pole_id: ids.pole, set_id: ids.filiere, group_id: ids.bois, from_index: 8000, to_index: 8000 })).to.equal(true);
    expect(await refused({ pole_id: ids.pole, set_id: ids.filiere, group_id: ids.rural, from_index: 7000, to_index: 7001 })).to.equal(true);
    expect(Number((await db('pole_group_memberships').count({ n: '*' }).first())!.n)).to.equal(3);
  });

  it('rolls back and forward', async () => {
    const e = await createTestDb({ empty: true });
    try {
      await e.db.migrate.latest();
      await e.db.migrate.down({ name: '20261208090000_pole_groups.ts' });
      expect(await e.db.schema.hasTable('pole_group_memberships')).to.equal(false);
      expect(await e.db.schema.hasTable('poles')).to.equal(true);
      await e.db.migrate.latest();
      expect(await e.db.schema.hasTable('pole_group_memberships')).to.equal(true);
    } finally {
      await e.destroy();
    }
  });
});
