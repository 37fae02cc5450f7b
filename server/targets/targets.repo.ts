import type { Knex } from 'knex';
import { readScaled } from '../lib/decimal.ts';

export type TargetStatus = 'proposed' | 'validated';

export interface TargetRow {
  id: number;
  pole_id: number;
  indicator_id: number;
  /** A category's code where the target aims at one; '' for the indicator's total. */
  category: string;
  first_year: number;
  last_year: number;
  value_scaled: number;
  status: TargetStatus;
  proposed_by: number | null;
  proposed_at: string | null;
  validated_by: number | null;
  validated_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

const read = (r: TargetRow): TargetRow => ({
  ...r,
  value_scaled: readScaled(r.value_scaled)!,
  version: Number(r.version),
  first_year: Number(r.first_year),
  last_year: Number(r.last_year),
});

export class TargetsRepo {
  /** A pole's targets that bear on the given years: the years' own and the spans that hold any of them. */
  async ofPole(db: Knex, poleId: number, years: number[]): Promise<TargetRow[]> {
    if (!years.length) return [];
    const rows = await db('targets')
      .where('pole_id', poleId)
      .where('first_year', '<=', Math.max(...years))
      .where('last_year', '>=', Math.min(...years))
      .orderBy(['indicator_id', 'category', 'first_year', 'last_year']);
    return rows.map(read);
  }

  /**
   * The validated annual targets of `year` for the given poles, on the indicators' totals (the areas'
   * progress, the API and the files read them); `all`: the proposals and the categories' too (the
   * import's template lists every target).
   */
  async validatedOfYear(db: Knex, poleIds: number[], year: number, all = false): Promise<TargetRow[]> {
    if (!poleIds.length) return [];
    const rows = await db('targets')
      .whereIn('pole_id', poleIds)
      .where({ first_year: year, last_year: year })
      .modify((q) => (all ? q : q.where({ status: 'validated', category: '' })))
      .orderBy(['pole_id', 'indicator_id', 'category']);
    return rows.map(read);
  }

  /** The validated conventions (multi-year targets) of the given poles whose span holds `year`, on totals. */
  async validatedSpansHolding(db: Knex, poleIds: number[], year: number): Promise<TargetRow[]> {
    if (!poleIds.length) return [];
    const rows = await db('targets')
      .whereIn('pole_id', poleIds)
      .where({ status: 'validated', category: '' })
      .where('first_year', '<=', year)
      .where('last_year', '>=', year)
      .whereRaw('first_year <> last_year')
      .orderBy(['pole_id', 'indicator_id', 'first_year']);
    return rows.map(read);
  }

  async insert(trx: Knex.Transaction, row: Omit<TargetRow, 'id'>): Promise<number> {
    const [inserted] = await trx('targets').insert(row).returning('id');
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  /** Optimistic concurrency: false when the target moved on since `version`. */
  async update(trx: Knex.Transaction, id: number, version: number, changes: Partial<TargetRow>): Promise<boolean> {
    return (
      (await trx('targets')
        .where({ id, version })
        .update({ ...changes, version: version + 1 })) === 1
    );
  }

  async remove(trx: Knex.Transaction, id: number, version: number): Promise<boolean> {
    return (await trx('targets').where({ id, version }).delete()) === 1;
  }
}
