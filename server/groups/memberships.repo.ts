import type { Knex } from 'knex';
import type { CurrentUser } from '../http/current-user.ts';
import { scopePoles } from '../poles/poles.repo.ts';

export interface MembershipRow {
  id: number;
  pole_id: number;
  set_id: number;
  group_id: number;
  from_index: number;
  /** The last quarter in the group, included; null while the pole is still in it. */
  to_index: number | null;
  created_by: number | null;
  created_at: string;
  closed_by: number | null;
  closed_at: string | null;
}

export type MembershipWrite = Pick<
  MembershipRow,
  'pole_id' | 'set_id' | 'group_id' | 'from_index' | 'to_index' | 'created_by' | 'created_at'
>;

/** A pole in a group at some quarter, as the scoped read sees it. */
export interface MemberAtRow {
  set_id: number;
  group_id: number;
  pole_id: number;
  pole_name: string;
  pole_slug: string;
  region_code: string;
}

const read = (r: MembershipRow): MembershipRow => ({
  ...r,
  pole_id: Number(r.pole_id),
  set_id: Number(r.set_id),
  group_id: Number(r.group_id),
  from_index: Number(r.from_index),
  to_index: r.to_index === null ? null : Number(r.to_index),
});

/** Memberships `m` that hold quarter `index` (from ≤ index ≤ to, or still open). */
function holding(q: Knex.QueryBuilder, index: number): Knex.QueryBuilder {
  return q.where('m.from_index', '<=', index).where((w) => w.whereNull('m.to_index').orWhere('m.to_index', '>=', index));
}

/** Poles' memberships of groups over time: the only SQL about them. */
export class MembershipsRepo {
  /**
   * Starts a placement's transaction with a write that changes nothing: it takes the set's row lock on
   * PostgreSQL and the write lock on SQLite, so two placements in one set cannot interleave their checks.
   */
  async lockSet(trx: Knex.Transaction, setId: number): Promise<void> {
    await trx('group_sets')
      .where({ id: setId })
      .update({ id: trx.ref('id') });
  }

  /** A pole's memberships of one set, oldest first. */
  async ofPoleSet(db: Knex, poleId: number, setId: number): Promise<MembershipRow[]> {
    return (await db('pole_group_memberships').where({ pole_id: poleId, set_id: setId }).orderBy('from_index')).map(read);
  }

  /** Every membership of a pole, by set then oldest first. */
  async ofPole(db: Knex, poleId: number): Promise<MembershipRow[]> {
    return (await db('pole_group_memberships').where({ pole_id: poleId }).orderBy(['set_id', 'from_index'])).map(read);
  }

  async insert(trx: Knex.Transaction, row: MembershipWrite): Promise<number> {
    const [inserted] = await trx('pole_group_memberships').insert(row).returning('id');
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  /** Ends an open membership at quarter `toIndex` (included); false when it was no longer open. */
  async close(trx: Knex.Transaction, id: number, toIndex: number, actorId: number | null, now: string): Promise<boolean> {
    const n = await trx('pole_group_memberships')
      .where({ id })
      .whereNull('to_index')
      .update({ to_index: toIndex, closed_by: actorId, closed_at: now });
    return n === 1;
  }

  /** Moves an open membership to another group of its set (a correction from the quarter it started). */
  async regroup(trx: Knex.Transaction, id: number, groupId: number): Promise<boolean> {
    return (await trx('pole_group_memberships').where({ id }).whereNull('to_index').update({ group_id: groupId })) === 1;
  }

  /** Removes a membership that never held a quarter (taken out from the quarter it started). */
  async remove(trx: Knex.Transaction, id: number): Promise<boolean> {
    return (await trx('pole_group_memberships').where({ id }).whereNull('to_index').delete()) === 1;
  }

  /** The poles in each group of a set at quarter `index`: one range query on the members_at index. */
  async membersAt(db: Knex, setId: number, index: number): Promise<{ group_id: number; pole_id: number }[]> {
    const rows = await holding(db('pole_group_memberships as m').where('m.set_id', setId), index)
      .select('m.group_id', 'm.pole_id')
      .orderBy(['m.group_id', 'm.pole_id']);
    return rows.map((r: { group_id: number; pole_id: number }) => ({ group_id: Number(r.group_id), pole_id: Number(r.pole_id) }));
  }

  /** The poles in the user's scope in each group at quarter `index` (scoped in SQL, every set). */
  async visibleMembersAt(db: Knex, user: CurrentUser, index: number): Promise<MemberAtRow[]> {
    const q = holding(db('pole_group_memberships as m').join('poles', 'poles.id', 'm.pole_id'), index).select(
      'm.set_id',
      'm.group_id',
      'm.pole_id',
      'poles.name as pole_name',
      'poles.slug as pole_slug',
      'poles.region_code',
    );
    const rows: MemberAtRow[] = await scopePoles(q, user);
    return rows.map((r) => ({ ...r, set_id: Number(r.set_id), group_id: Number(r.group_id), pole_id: Number(r.pole_id) }));
  }

  /** How many poles each group holds at quarter `index` (the staff list). */
  async countsAt(db: Knex, index: number): Promise<Map<number, number>> {
    const rows = await holding(db('pole_group_memberships as m'), index)
      .groupBy('m.group_id')
      .select('m.group_id', db.raw('count(*) as n'));
    return new Map(rows.map((r: { group_id: number; n: unknown }) => [Number(r.group_id), Number(r.n)]));
  }
}
