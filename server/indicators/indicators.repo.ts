import type { Knex } from 'knex';
import { readBool } from '../db/dialect.ts';
import { parseDecimal } from '../lib/decimal.ts';
import type { CatalogueEntry } from './catalogue.ts';

/** The columns staff write through the catalogue form (everything but id, version and timestamps). */
export type IndicatorWrite = Omit<IndicatorRow, 'id' | 'version' | 'created_at' | 'updated_at'>;

export interface IndicatorRow {
  id: number;
  code: string;
  label_fr: string;
  label_en: string;
  definition_fr: string;
  definition_en: string;
  unit: string;
  decimals: number;
  min_scaled: number | null;
  max_scaled: number | null;
  kind: 'flow' | 'stock' | 'ratio' | 'score';
  numerator_id: number | null;
  numerator_category: string | null;
  denominator_id: number | null;
  denominator_category: string | null;
  objectives: string;
  direction: 'up' | 'down';
  first_year: number | null;
  first_quarter: number | null;
  last_year: number | null;
  last_quarter: number | null;
  active: boolean;
  display_order: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface IndicatorCategoryRow {
  id: number;
  indicator_id: number;
  code: string;
  label_fr: string;
  label_en: string;
  display_order: number;
}

function toIndicator(row: Record<string, unknown>): IndicatorRow {
  const r = row as unknown as IndicatorRow;
  return {
    ...r,
    active: readBool(row.active),
    min_scaled: row.min_scaled === null ? null : Number(row.min_scaled),
    max_scaled: row.max_scaled === null ? null : Number(row.max_scaled),
  };
}

function scaledOrNull(v: string | null): number | null {
  if (v === null) return null;
  const p = parseDecimal(v);
  if (!p.ok) throw new Error(`invalid bound ${v}`);
  return p.scaled;
}

/** The SQL about the indicator catalogue. */
export class IndicatorsRepo {
  async list(db: Knex, opts: { activeOnly?: boolean; active?: boolean; objective?: string } = {}): Promise<IndicatorRow[]> {
    const q = db('indicators')
      .select('*')
      .orderBy([{ column: 'display_order' }, { column: 'code' }]);
    if (opts.activeOnly) q.where('active', true);
    if (opts.active !== undefined) q.where('active', opts.active);
    // Objectives are stored as 'O1,O3'; each code is unique as a substring, so LIKE is exact enough.
    if (opts.objective) q.where('objectives', 'like', `%${opts.objective}%`);
    return (await q).map(toIndicator);
  }

  async findByCode(db: Knex, code: string): Promise<IndicatorRow | undefined> {
    const row = await db('indicators').where({ code }).first();
    return row ? toIndicator(row) : undefined;
  }

  async findById(db: Knex, id: number): Promise<IndicatorRow | undefined> {
    const row = await db('indicators').where({ id }).first();
    return row ? toIndicator(row) : undefined;
  }

  async categories(db: Knex, indicatorId?: number): Promise<IndicatorCategoryRow[]> {
    const q = db('indicator_categories')
      .select('*')
      .orderBy([{ column: 'indicator_id' }, { column: 'display_order' }]);
    if (indicatorId !== undefined) q.where({ indicator_id: indicatorId });
    return q;
  }

  /** Inserts the catalogue codes that are missing; never touches an existing row. Returns the codes added. */
  async insertMissing(db: Knex, catalogue: CatalogueEntry[], now: string): Promise<string[]> {
    return db.transaction(async (trx) => {
      const existing = new Set((await trx('indicators').select('code')).map((r: { code: string }) => r.code));
      const added: string[] = [];
      // Components first, so a ratio can point at them.
      const ordered = [...catalogue].sort((a, b) => Number(a.kind === 'ratio') - Number(b.kind === 'ratio'));
      for (const e of ordered) {
        if (existing.has(e.code)) continue;
        const idOf = async (code: string | undefined) =>
          code === undefined ? null : Number((await trx('indicators').where({ code }).first('id'))?.id ?? null) || null;
        const [inserted] = await trx('indicators')
          .insert({
            code: e.code,
            label_fr: e.labelFr,
            label_en: e.labelEn,
            definition_fr: e.definitionFr,
            definition_en: e.definitionEn,
            unit: e.unit,
            decimals: e.decimals,
            min_scaled: scaledOrNull(e.min),
            max_scaled: scaledOrNull(e.max),
            kind: e.kind,
            numerator_id: await idOf(e.numerator?.code),
            numerator_category: e.numerator?.category ?? null,
            denominator_id: await idOf(e.denominator?.code),
            denominator_category: e.denominator?.category ?? null,
            objectives: e.objectives.join(','),
            direction: e.direction,
            active: true,
            display_order: (catalogue.indexOf(e) + 1) * 10,
            created_at: now,
            updated_at: now,
          })
          .returning('id');
        const id = Number(typeof inserted === 'object' ? inserted.id : inserted);
        if (e.categories?.length) {
          await trx('indicator_categories').insert(
            e.categories.map((c, i) => ({
              indicator_id: id,
              code: c.code,
              label_fr: c.labelFr,
              label_en: c.labelEn,
              display_order: i + 1,
            })),
          );
        }
        added.push(e.code);
      }
      return added;
    });
  }

  async maxDisplayOrder(db: Knex): Promise<number> {
    const row = await db('indicators').max({ m: 'display_order' }).first();
    return Number(row?.m ?? 0);
  }

  async insert(trx: Knex.Transaction, row: IndicatorWrite, now: string): Promise<number> {
    const [inserted] = await trx('indicators')
      .insert({ ...row, version: 1, created_at: now, updated_at: now })
      .returning('id');
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  /** Optimistic concurrency: false when the row's version moved on since the form was loaded. */
  async update(trx: Knex.Transaction, id: number, version: number, row: Partial<IndicatorWrite>, now: string): Promise<boolean> {
    const n = await trx('indicators')
      .where({ id, version })
      .update({ ...row, version: version + 1, updated_at: now });
    return n === 1;
  }

  /**
   * A write that changes nothing: true when the row still has `version`. Run first in an update's
   * transaction, it takes the write lock (SQLite) or the row lock (PostgreSQL) before any rule is read.
   */
  async claim(trx: Knex.Transaction, id: number, version: number): Promise<boolean> {
    const n = await trx('indicators').where({ id, version }).update({ version });
    return n === 1;
  }

  /**
   * Whether quarterly values were entered for the indicator. The quarter_values table arrives with
   * the reporting feature: until it exists, no indicator can have values.
   */
  async hasValues(db: Knex, indicatorId: number): Promise<boolean> {
    const row = await db('quarter_values').where({ indicator_id: indicatorId }).count({ n: '*' }).first();
    return Number(row?.n ?? 0) > 0;
  }

  /** Codes of the active ratios (other than `indicatorId` itself) that use it as numerator or denominator. */
  async activeRatiosUsing(db: Knex, indicatorId: number): Promise<string[]> {
    const rows = await db('indicators')
      .where({ kind: 'ratio', active: true })
      .whereNot('id', indicatorId)
      .where((w) => w.where('numerator_id', indicatorId).orWhere('denominator_id', indicatorId))
      .orderBy('code')
      .select('code');
    return rows.map((r: { code: string }) => r.code);
  }
}
