import type { Knex } from 'knex';
import { readBool } from '../db/dialect.ts';

export interface GroupSetRow {
  id: number;
  code: string;
  label_fr: string;
  description_fr: string;
  display_order: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PoleGroupRow {
  id: number;
  set_id: number;
  code: string;
  label_fr: string;
  display_order: number;
  active: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

export type GroupSetWrite = Pick<GroupSetRow, 'code' | 'label_fr' | 'description_fr' | 'display_order'>;
export type PoleGroupWrite = Pick<PoleGroupRow, 'code' | 'label_fr' | 'display_order' | 'active'>;

const readSet = (r: GroupSetRow): GroupSetRow => ({ ...r, display_order: Number(r.display_order), version: Number(r.version) });
const readGroup = (r: PoleGroupRow): PoleGroupRow => ({
  ...r,
  set_id: Number(r.set_id),
  display_order: Number(r.display_order),
  version: Number(r.version),
  active: readBool(r.active),
});

const insertedId = (inserted: unknown) => Number(typeof inserted === 'object' && inserted ? (inserted as { id: number }).id : inserted);

/** Group sets and their groups: the only SQL about them. */
export class GroupsRepo {
  async sets(db: Knex): Promise<GroupSetRow[]> {
    return (await db('group_sets').orderBy(['display_order', 'label_fr', 'id'])).map(readSet);
  }

  async set(db: Knex, id: number): Promise<GroupSetRow | undefined> {
    const row = await db('group_sets').where({ id }).first();
    return row ? readSet(row) : undefined;
  }

  async setCodeTaken(db: Knex, code: string): Promise<boolean> {
    return Boolean(await db('group_sets').where({ code }).first('id'));
  }

  async insertSet(trx: Knex.Transaction, row: GroupSetWrite, now: string): Promise<number> {
    const [inserted] = await trx('group_sets')
      .insert({ ...row, version: 1, created_at: now, updated_at: now })
      .returning('id');
    return insertedId(inserted);
  }

  /** Optimistic concurrency: false when the set moved on since `version`. */
  async updateSet(trx: Knex.Transaction, id: number, version: number, row: Partial<GroupSetWrite>, now: string): Promise<boolean> {
    return (
      (await trx('group_sets')
        .where({ id, version })
        .update({ ...row, version: version + 1, updated_at: now })) === 1
    );
  }

  /** Every group (of one set, or of all), in display order. */
  async groups(db: Knex, setId?: number): Promise<PoleGroupRow[]> {
    const q = db('pole_groups').orderBy(['set_id', 'display_order', 'label_fr', 'id']);
    if (setId !== undefined) q.where({ set_id: setId });
    return (await q).map(readGroup);
  }

  async group(db: Knex, setId: number, id: number): Promise<PoleGroupRow | undefined> {
    const row = await db('pole_groups').where({ id, set_id: setId }).first();
    return row ? readGroup(row) : undefined;
  }

  async groupCodeTaken(db: Knex, setId: number, code: string): Promise<boolean> {
    return Boolean(await db('pole_groups').where({ set_id: setId, code }).first('id'));
  }

  async insertGroup(trx: Knex.Transaction, setId: number, row: PoleGroupWrite, now: string): Promise<number> {
    const [inserted] = await trx('pole_groups')
      .insert({ ...row, set_id: setId, version: 1, created_at: now, updated_at: now })
      .returning('id');
    return insertedId(inserted);
  }

  async updateGroup(trx: Knex.Transaction, id: number, version: number, row: Partial<PoleGroupWrite>, now: string): Promise<boolean> {
    return (
      (await trx('pole_groups')
        .where({ id, version })
        .update({ ...row, version: version + 1, updated_at: now })) === 1
    );
  }
}
