import type { Knex } from 'knex';
import { toStored, type Base, type StoredAggregate } from './aggregates.repo.ts';
import type { Grain } from './periods.ts';

export interface AggregateFilter {
  base: Base;
  level: 'pole' | 'region' | 'nation';
  /** Areas to read (pole ids as strings, region codes, 'FR'); the caller passes only those in scope. */
  areas?: string[];
  indicatorIds?: number[];
  category?: string;
  grain: Grain;
  /** Period range, as quarter indices (year × 4 + quarter − 1), both included. */
  fromIndex?: number;
  toIndex?: number;
  /** Paging (the API): `limit` rows from `offset`, in an order made total by indicator and category. */
  limit?: number;
  offset?: number;
}

/**
 * Reads the current generation of aggregates: the one source of every published figure (dashboards,
 * exports and the API all come through here). Scope is applied in SQL through `areas`.
 */
export class AggregatesReadRepo {
  async read(db: Knex, f: AggregateFilter): Promise<StoredAggregate[]> {
    const q = db('aggregates as a')
      .join('aggregate_state as s', 's.generation', 'a.generation')
      .where({ 'a.base': f.base, 'a.level': f.level, 'a.grain': f.grain })
      .select('a.*')
      .orderBy([{ column: 'a.year' }, { column: 'a.quarter' }, { column: 'a.area' }]);
    if (f.areas) q.whereIn('a.area', f.areas.length ? f.areas : ['-']);
    if (f.indicatorIds) q.whereIn('a.indicator_id', f.indicatorIds.length ? f.indicatorIds : [-1]);
    if (f.category !== undefined) q.where('a.category', f.category);
    // Plain comparisons on year and quarter first, so the primary key (…, level, year, quarter, area)
    // narrows the read; the exact bound on the quarter index follows.
    if (f.fromIndex !== undefined && f.fromIndex === f.toIndex) {
      q.where({ 'a.year': Math.floor(f.fromIndex / 4), 'a.quarter': (f.fromIndex % 4) + 1 });
    } else {
      if (f.fromIndex !== undefined)
        q.where('a.year', '>=', Math.floor(f.fromIndex / 4)).whereRaw('(a.year * 4 + a.quarter - 1) >= ?', [f.fromIndex]);
      if (f.toIndex !== undefined)
        q.where('a.year', '<=', Math.floor(f.toIndex / 4)).whereRaw('(a.year * 4 + a.quarter - 1) <= ?', [f.toIndex]);
    }
    if (f.limit !== undefined)
      q.orderBy([{ column: 'a.indicator_id' }, { column: 'a.category' }])
        .limit(f.limit)
        .offset(f.offset ?? 0);
    return (await q).map(toStored);
  }

  /** When the current aggregates were computed, how many changes wait for the next refresh, and the last closed quarter. */
  async freshness(db: Knex): Promise<{
    generation: number;
    refreshedAt: string | null;
    rebuiltAt: string | null;
    pending: number;
    lastClosed: { year: number; quarter: number } | null;
  }> {
    const s = await db('aggregate_state').where({ id: 1 }).first();
    const pending = Number((await db('aggregate_dirty').count({ n: '*' }).first())?.n ?? 0);
    return {
      generation: Number(s.generation),
      refreshedAt: s.refreshed_at,
      rebuiltAt: s.rebuilt_at,
      pending,
      lastClosed: s.last_closed_year ? { year: Number(s.last_closed_year), quarter: Number(s.last_closed_quarter) } : null,
    };
  }
}
