import type { Knex } from 'knex';
import { readBool } from '../db/dialect.ts';
import { fromIndex, quarterIndex } from '../lib/quarters.ts';
import type { CellRow, EngineIndicator, EnginePole, Observed } from './engine.ts';
import type { Cell } from './semantics.ts';
import { GRAINS, type Grain } from './periods.ts';

export type Base = 'validated' | 'validated_or_submitted';
export const BASES: Base[] = ['validated', 'validated_or_submitted'];
export const BASE_STATUSES: Record<Base, string[]> = { validated: ['validated'], validated_or_submitted: ['validated', 'submitted'] };
/** Whether a quarter in this status counts in some base: a draft or a returned quarter moves no figure. */
export const countsInABase = (status: string): boolean => BASES.some((b) => BASE_STATUSES[b].includes(status));
/** Whether a write taking a quarter from one status to another (or editing it in place) can move a figure. */
export const movesFigures = (from: string, to: string): boolean => countsInABase(from) || countsInABase(to);

export interface AggregateState {
  generation: number;
  last_closed_year: number | null;
  last_closed_quarter: number | null;
  rebuilt_at: string | null;
  refreshed_at: string | null;
}

export interface DirtyKey {
  id: number;
  pole_id: number | null;
  indicator_id: number | null;
  year: number | null;
  quarter: number | null;
  reason: string;
}

export interface StoredAggregate extends Cell {
  base: Base;
  level: 'pole' | 'region' | 'nation';
  area: string;
  indicatorId: number;
  category: string;
  grain: Grain;
  year: number;
  quarter: number;
  computedAt: string;
}

const INSERT_HEAD =
  'insert into aggregates (generation, base, indicator_id, grain, level, year, quarter, area, category, value_scaled, num_scaled, den_scaled, reported, expected, poles_expected, cmp_poles, cmp_cur, cmp_prev, cmp_cur_den, cmp_prev_den, distribution, computed_at) values';
const COLUMNS = 22;
const valuesClauses = new Map<number, string>();
function valuesClause(n: number): string {
  let v = valuesClauses.get(n);
  if (!v) {
    const row = `(${Array.from({ length: COLUMNS }, () => '?').join(',')})`;
    v = Array.from({ length: n }, () => row).join(',');
    valuesClauses.set(n, v);
  }
  return v;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function toStored(r: Record<string, unknown>): StoredAggregate {
  return {
    base: r.base as Base,
    level: r.level as StoredAggregate['level'],
    area: String(r.area),
    indicatorId: Number(r.indicator_id),
    category: String(r.category),
    grain: r.grain as Grain,
    year: Number(r.year),
    quarter: Number(r.quarter),
    value: num(r.value_scaled),
    num: num(r.num_scaled),
    den: num(r.den_scaled),
    reported: Number(r.reported),
    expected: Number(r.expected),
    polesExpected: Number(r.poles_expected),
    cmp: {
      poles: Number(r.cmp_poles),
      cur: num(r.cmp_cur),
      prev: num(r.cmp_prev),
      curDen: num(r.cmp_cur_den),
      prevDen: num(r.cmp_prev_den),
    },
    distribution: r.distribution ? (JSON.parse(String(r.distribution)) as Record<string, number>) : null,
    computedAt: String(r.computed_at),
  };
}

/** The only SQL of the aggregation: its inputs, its rows, its state and its dirty keys. */
export class AggregatesRepo {
  async state(db: Knex): Promise<AggregateState> {
    return db('aggregate_state').where({ id: 1 }).first();
  }

  async setState(trx: Knex | Knex.Transaction, changes: Partial<AggregateState>): Promise<void> {
    await trx('aggregate_state').where({ id: 1 }).update(changes);
  }

  /**
   * Poles with the quarters they are expected to report, up to `lastIndex` (the last closed quarter), less
   * those declared « sans objet » (a few rows, read through the status index).
   */
  async poles(db: Knex, lastIndex: number, archiveIndex: (archivedOn: string) => number): Promise<EnginePole[]> {
    const rows = await db('poles').select('id', 'region_code', 'first_report_year', 'first_report_quarter', 'archived_on');
    const exempt = new Map<number, Set<number>>();
    const exemptRows: { pole_id: number; year: number; quarter: number }[] = await db('quarter_reports')
      .where('status', 'exempt')
      .select('pole_id', 'year', 'quarter');
    for (const r of exemptRows) {
      const set = exempt.get(r.pole_id) ?? new Set<number>();
      set.add(quarterIndex({ year: r.year, quarter: r.quarter }));
      exempt.set(r.pole_id, set);
    }
    return rows.map(
      (p: { id: number; region_code: string; first_report_year: number; first_report_quarter: number; archived_on: string | null }) => ({
        id: p.id,
        regionCode: p.region_code,
        firstIndex: quarterIndex({ year: p.first_report_year, quarter: p.first_report_quarter }),
        lastIndex: Math.min(lastIndex, p.archived_on ? archiveIndex(p.archived_on) : lastIndex),
        exempt: exempt.get(p.id),
      }),
    );
  }

  async indicators(db: Knex): Promise<EngineIndicator[]> {
    const rows = await db('indicators').select(
      'id',
      'kind',
      'numerator_id',
      'numerator_category',
      'denominator_id',
      'denominator_category',
      'first_year',
      'first_quarter',
      'last_year',
      'last_quarter',
    );
    const cats = await db('indicator_categories').select('indicator_id', 'code').orderBy(['indicator_id', 'display_order']);
    const kindOf = new Map(rows.map((r: { id: number; kind: string }) => [r.id, r.kind]));
    return rows.map(
      (r: {
        id: number;
        kind: EngineIndicator['kind'];
        numerator_id: number | null;
        numerator_category: string | null;
        denominator_id: number | null;
        denominator_category: string | null;
        first_year: number | null;
        first_quarter: number | null;
        last_year: number | null;
        last_quarter: number | null;
      }) => ({
        id: r.id,
        kind: r.kind,
        // The same bounds as appliesIn() (lib/quarters.ts): a year without a quarter opens at T1, closes at T4.
        window: {
          first: r.first_year === null ? -Infinity : quarterIndex({ year: r.first_year, quarter: r.first_quarter ?? 1 }),
          last: r.last_year === null ? Infinity : quarterIndex({ year: r.last_year, quarter: r.last_quarter ?? 4 }),
        },
        categories: ['', ...cats.filter((c: { indicator_id: number }) => c.indicator_id === r.id).map((c: { code: string }) => c.code)],
        ...(r.kind === 'ratio' && r.numerator_id && r.denominator_id
          ? {
              numerator: { id: r.numerator_id, kind: kindOf.get(r.numerator_id) as 'flow' | 'stock', category: r.numerator_category ?? '' },
              denominator: {
                id: r.denominator_id,
                kind: kindOf.get(r.denominator_id) as 'flow' | 'stock',
                category: r.denominator_category ?? '',
              },
            }
          : {}),
      }),
    );
  }

  /**
   * Observations of some indicators under a base: values of reports whose status counts for it, keyed
   * indicator → category → pole → quarter index. Optionally limited to some poles and quarters.
   */
  async observed(db: Knex, base: Base, indicatorIds: number[], limit: { poleIds?: number[]; fromIndex?: number; toIndex?: number } = {}) {
    const q = db('quarter_values as v')
      .join('quarter_reports as r', function () {
        this.on('r.pole_id', 'v.pole_id').andOn('r.year', 'v.year').andOn('r.quarter', 'v.quarter');
      })
      .whereIn('r.status', BASE_STATUSES[base])
      .whereIn('v.indicator_id', indicatorIds)
      .select('v.pole_id', 'v.indicator_id', 'v.category', 'v.year', 'v.quarter', 'v.value_scaled', 'v.not_available');
    if (limit.poleIds) q.whereIn('v.pole_id', limit.poleIds);
    if (limit.fromIndex !== undefined) q.whereRaw('(v.year * 4 + v.quarter - 1) >= ?', [limit.fromIndex]);
    if (limit.toIndex !== undefined) q.whereRaw('(v.year * 4 + v.quarter - 1) <= ?', [limit.toIndex]);
    const out = new Map<number, Map<string, Observed>>();
    for (const r of (await q) as {
      pole_id: number;
      indicator_id: number;
      category: string;
      year: number;
      quarter: number;
      value_scaled: unknown;
      not_available: unknown;
    }[]) {
      let byCat = out.get(r.indicator_id);
      if (!byCat) out.set(r.indicator_id, (byCat = new Map()));
      let byPole = byCat.get(r.category);
      if (!byPole) byCat.set(r.category, (byPole = new Map()));
      let byQuarter = byPole.get(r.pole_id);
      if (!byQuarter) byPole.set(r.pole_id, (byQuarter = new Map()));
      byQuarter.set(r.year * 4 + r.quarter - 1, readBool(r.not_available) ? null : Number(r.value_scaled));
    }
    return out;
  }

  /**
   * Inserts cell rows with raw multi-row VALUES statements: during a rebuild this is the hot path, and
   * building the SQL once per batch size costs half of what the query builder does per batch.
   */
  async insertRows(trx: Knex | Knex.Transaction, generation: number, base: Base, rows: CellRow[], computedAt: string): Promise<void> {
    // 22 columns × 1 400 rows stays under SQLite's 32 766 bound parameters.
    for (let i = 0; i < rows.length; i += 1400) {
      const slice = rows.slice(i, i + 1400);
      const bindings: unknown[] = [];
      for (const r of slice) {
        const q = fromIndex(r.endIndex);
        bindings.push(
          generation,
          base,
          r.indicatorId,
          r.grain,
          r.level,
          q.year,
          q.quarter,
          r.area,
          r.category,
          r.cell.value,
          r.cell.num,
          r.cell.den,
          r.cell.reported,
          r.cell.expected,
          r.cell.polesExpected,
          r.cell.cmp.poles,
          r.cell.cmp.cur,
          r.cell.cmp.prev,
          r.cell.cmp.curDen,
          r.cell.cmp.prevDen,
          r.cell.distribution ? JSON.stringify(r.cell.distribution) : null,
          computedAt,
        );
      }
      await trx.raw(`${INSERT_HEAD} ${valuesClause(slice.length)}`, bindings as Knex.RawBinding[]);
    }
  }

  /**
   * Deletes the rows an incremental refresh is about to replace, for one indicator: one statement per
   * level, each on a prefix of the primary key (grain list, level, year range), then the exact periods.
   */
  async deleteRows(
    trx: Knex.Transaction,
    generation: number,
    base: Base,
    indicatorId: number,
    periods: { grain: Grain; endIndex: number }[],
    areas: { poles: string[]; regions: string[] },
  ): Promise<void> {
    if (!periods.length) return;
    const years = periods.map((p) => Math.floor(p.endIndex / 4));
    const keys = periods.map((p) => `${p.grain}:${p.endIndex}`);
    const scope = (level: string) =>
      trx('aggregates')
        .where({ generation, base, indicator_id: indicatorId, level })
        .whereIn('grain', [...new Set(periods.map((p) => p.grain))])
        .whereBetween('year', [Math.min(...years), Math.max(...years)])
        .whereRaw(`grain || ':' || cast(year * 4 + quarter - 1 as text) in (${keys.map(() => '?').join(',')})`, keys);
    if (areas.poles.length) await scope('pole').whereIn('area', areas.poles).delete();
    if (areas.regions.length) await scope('region').whereIn('area', areas.regions).delete();
    await scope('nation').delete();
  }

  /** Region cells of one indicator for some periods (any grain), for an incremental refresh. */
  async regionCells(
    db: Knex | Knex.Transaction,
    generation: number,
    base: Base,
    indicatorId: number,
    endIndices: number[],
  ): Promise<StoredAggregate[]> {
    if (!endIndices.length) return [];
    const years = endIndices.map((i) => Math.floor(i / 4));
    // Every grain named, and years as a range: the primary key (…, grain, level, year, …) narrows the read.
    const rows = await db('aggregates')
      .where({ generation, base, indicator_id: indicatorId, level: 'region' })
      .whereIn('grain', GRAINS)
      .whereBetween('year', [Math.min(...years), Math.max(...years)]);
    const wanted = new Set(endIndices);
    return rows.map(toStored).filter((r) => wanted.has(r.year * 4 + r.quarter - 1));
  }

  /** Deletes an old generation in slices (indicator × grain), so the one SQLite connection is never held long. */
  async dropGeneration(db: Knex, generation: number, grains: readonly Grain[]): Promise<void> {
    const ids = (await db('aggregates').where({ generation }).distinct('indicator_id')).map(
      (r: { indicator_id: number }) => r.indicator_id,
    );
    for (const id of ids) for (const grain of grains) await db('aggregates').where({ generation, indicator_id: id, grain }).delete();
  }

  async dirty(db: Knex, upTo?: number): Promise<DirtyKey[]> {
    const q = db('aggregate_dirty').orderBy('id');
    if (upTo !== undefined) q.where('id', '<=', upTo);
    return q;
  }

  async dirtyCount(db: Knex): Promise<number> {
    return Number((await db('aggregate_dirty').count({ n: '*' }).first())?.n ?? 0);
  }

  async clearDirty(trx: Knex | Knex.Transaction, upTo: number): Promise<void> {
    await trx('aggregate_dirty').where('id', '<=', upTo).delete();
  }

  /** Records that a write made some figures stale (in the write's transaction). NULL means « all ». */
  async markDirty(trx: Knex | Knex.Transaction, keys: Omit<DirtyKey, 'id'>[], at: string): Promise<void> {
    if (keys.length) await trx('aggregate_dirty').insert(keys.map((k) => ({ ...k, created_at: at })));
  }

  async countRows(db: Knex, generation: number): Promise<number> {
    return Number((await db('aggregates').where({ generation }).count({ n: '*' }).first())?.n ?? 0);
  }
}

/** Pole cells already stored for some poles, one indicator and some periods (for an incremental refresh). */
export async function storedPoleCells(
  db: Knex | Knex.Transaction,
  generation: number,
  base: Base,
  indicatorId: number,
  poleIds: number[],
  endIndices: number[],
): Promise<StoredAggregate[]> {
  if (!poleIds.length || !endIndices.length) return [];
  const years = endIndices.map((i) => Math.floor(i / 4));
  const rows = await db('aggregates')
    .where({ generation, base, level: 'pole', indicator_id: indicatorId })
    .whereIn('grain', GRAINS)
    .whereBetween('year', [Math.min(...years), Math.max(...years)])
    .whereIn('area', poleIds.map(String));
  const wanted = new Set(endIndices);
  return rows.map(toStored).filter((r) => wanted.has(r.year * 4 + r.quarter - 1));
}
