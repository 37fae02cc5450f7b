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

/** What a page shows, for the changes that wait for it: the nation, some regions, or some poles. */
export type PendingScope = { level: 'nation' } | { level: 'region'; codes: string[] } | { level: 'pole'; ids: number[] };

/** Changes waiting for the next refresh, per region where they would show; `everywhere`: those of no one pole. */
export interface Pending {
  count: number;
  regions: { code: string; name: string; count: number }[];
  everywhere: number;
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

  /**
   * The dirty keys that would move a figure of `scope` at the next refresh, scoped in SQL. Every key
   * recorded can move a figure (a draft or a returned quarter records none); a key of no one pole (a
   * definition changed) moves every page.
   */
  async pending(db: Knex, scope: PendingScope): Promise<Pending> {
    const q = db('aggregate_dirty as d')
      .leftJoin('poles as p', 'p.id', 'd.pole_id')
      .leftJoin('regions as r', 'r.code', 'p.region_code')
      .groupBy('p.region_code', 'r.name')
      .select('p.region_code as code', 'r.name as name')
      .count({ n: '*' });
    if (scope.level === 'region')
      q.where((w) => w.whereNull('d.pole_id').orWhereIn('p.region_code', scope.codes.length ? scope.codes : ['-']));
    if (scope.level === 'pole') q.where((w) => w.whereNull('d.pole_id').orWhereIn('d.pole_id', scope.ids.length ? scope.ids : [-1]));
    const rows = (await q) as { code: string | null; name: string | null; n: number | string }[];
    const regions = rows
      .filter((r) => r.code !== null)
      .map((r) => ({ code: String(r.code), name: String(r.name ?? r.code), count: Number(r.n) }))
      // Most changes first, then by name in French (both databases collate accents differently).
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'fr'));
    const everywhere = rows.filter((r) => r.code === null).reduce((n, r) => n + Number(r.n), 0);
    return { count: everywhere + regions.reduce((n, r) => n + r.count, 0), regions, everywhere };
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
