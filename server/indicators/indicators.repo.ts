import type { Knex } from 'knex';
import { readBool } from '../db/dialect.ts';
import { parseDecimal } from '../lib/decimal.ts';
import type { CatalogueEntry } from '../../seeds/indicator-catalogue.ts';

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
  async list(db: Knex, opts: { activeOnly?: boolean } = {}): Promise<IndicatorRow[]> {
    const q = db('indicators').select('*').orderBy([{ column: 'display_order' }, { column: 'code' }]);
    if (opts.activeOnly) q.where('active', true);
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
    const q = db('indicator_categories').select('*').orderBy([{ column: 'indicator_id' }, { column: 'display_order' }]);
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
            e.categories.map((c, i) => ({ indicator_id: id, code: c.code, label_fr: c.labelFr, label_en: c.labelEn, display_order: i + 1 })),
          );
        }
        added.push(e.code);
      }
      return added;
    });
  }
}
