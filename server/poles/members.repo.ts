import type { Knex } from 'knex';
import type { MemberCategory } from './poles.schema.ts';
import { compareFr } from '../lib/french-order.ts';

export interface MemberRow {
  id: number;
  pole_id: number;
  name: string;
  siren: string | null;
  category: MemberCategory;
  joined_on: string;
  left_on: string | null;
  version: number;
}

export type MemberWrite = Omit<MemberRow, 'id' | 'pole_id' | 'version'>;

/** The SQL about a pole's member register. */
export class MembersRepo {
  async list(db: Knex, poleId: number): Promise<MemberRow[]> {
    const rows: MemberRow[] = await db('pole_members')
      .where({ pole_id: poleId })
      .select('*')
      .orderBy([{ column: 'left_on', order: 'asc', nulls: 'first' }]);
    // Current members first, then by the date they left; each group by name the French way.
    const left = (r: MemberRow) => (r.left_on === null ? '' : String(r.left_on));
    return [...rows].sort((a, b) => (left(a) === left(b) ? compareFr(a.name, b.name) : left(a) < left(b) ? -1 : 1));
  }

  async find(db: Knex, poleId: number, id: number): Promise<MemberRow | undefined> {
    return db('pole_members').where({ pole_id: poleId, id }).first();
  }

  /** Members on a given day: joined on or before it and not yet left. */
  async currentCategories(db: Knex, poleId: number, day: string): Promise<MemberCategory[]> {
    const rows = await db('pole_members')
      .where({ pole_id: poleId })
      .where('joined_on', '<=', day)
      .where((w) => w.whereNull('left_on').orWhere('left_on', '>', day))
      .select('category');
    return rows.map((r: { category: MemberCategory }) => r.category);
  }

  async insert(trx: Knex.Transaction, poleId: number, row: MemberWrite): Promise<number> {
    const [inserted] = await trx('pole_members')
      .insert({ ...row, pole_id: poleId, version: 1 })
      .returning('id');
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  async update(trx: Knex.Transaction, poleId: number, id: number, version: number, row: MemberWrite): Promise<boolean> {
    return (
      (await trx('pole_members')
        .where({ pole_id: poleId, id, version })
        .update({ ...row, version: version + 1 })) === 1
    );
  }
}
