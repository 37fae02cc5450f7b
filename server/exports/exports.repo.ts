import type { Knex } from 'knex';
import type { CurrentUser } from '../http/current-user.ts';
import { scopePoles } from '../poles/poles.repo.ts';
import { sortFr } from '../lib/french-order.ts';

export interface ExportPole {
  id: number;
  slug: string;
  name: string;
  region_code: string;
  region_name: string;
}

export interface ExportRegion {
  code: string;
  name: string;
}

/** The raw values export's filters; every list is optional (absent = no restriction). */
export interface RawFilter {
  regionCodes?: string[];
  poleIds?: number[];
  indicatorIds?: number[];
  /** Quarter indices (year × 4 + quarter − 1), both included. */
  fromIndex?: number;
  toIndex?: number;
  statuses?: string[];
}

/** One raw value as the export writes it (value_scaled as stored; the caller scales it). */
export interface RawRow {
  pole_slug: string;
  pole_name: string;
  region_code: string;
  region_name: string;
  indicator_code: string;
  category: string;
  year: number;
  quarter: number;
  status: string;
  value_scaled: number | string | null;
  not_available: number | boolean;
  unit: string;
  decimals: number;
  updated_at: string;
}

/** The exports' own SQL: poles and regions in a user's scope, and the raw values as a stream. */
export class ExportsRepo {
  /** Poles with their region, in the user's scope (every pole without a user), by region then name. */
  async poles(db: Knex, user?: CurrentUser): Promise<ExportPole[]> {
    const q = db('poles')
      .join('regions', 'regions.code', 'poles.region_code')
      .select('poles.id', 'poles.slug', 'poles.name', 'poles.region_code', 'regions.name as region_name')
      .orderBy([{ column: 'regions.name' }, { column: 'poles.name' }]);
    const rows: ExportPole[] = await (user ? scopePoles(q, user) : q);
    return sortFr(
      rows.map((r) => ({ ...r, id: Number(r.id) })),
      (r) => r.region_name,
      (r) => r.name,
    );
  }

  /** Regions that have at least one pole, in the user's scope, by name. */
  async regionsWithPoles(db: Knex, user?: CurrentUser): Promise<ExportRegion[]> {
    const poles = db('poles').select('poles.region_code');
    const q = db('regions')
      .whereIn('regions.code', user ? scopePoles(poles, user) : poles)
      .select('regions.code', 'regions.name')
      .orderBy('regions.name');
    return sortFr(await q, (r: ExportRegion) => r.name);
  }

  /** Every region (for the raw export's filter). */
  async regions(db: Knex): Promise<ExportRegion[]> {
    return sortFr(await db('regions').select('code', 'name'), (r: ExportRegion) => r.name);
  }

  /**
   * The raw values matching the filter, in batches read one after the other (keyset on the values' id),
   * so memory stays flat whatever the size and a slow reader slows the reading. knex `.stream()` is not
   * used: on sqlite3 it loads every row before writing the first, and on pg it needs pg-query-stream.
   */
  async *rawRows(db: Knex, f: RawFilter, batchSize = 2000): AsyncGenerator<RawRow> {
    let after = 0;
    for (;;) {
      const batch: (RawRow & { id: number })[] = await this.rawQuery(db, f).where('v.id', '>', after).orderBy('v.id').limit(batchSize);
      for (const row of batch) yield row;
      if (batch.length < batchSize) return;
      after = Number(batch[batch.length - 1].id);
    }
  }

  private rawQuery(db: Knex, f: RawFilter): Knex.QueryBuilder {
    const q = db('quarter_values as v')
      .join('poles as p', 'p.id', 'v.pole_id')
      .join('regions as g', 'g.code', 'p.region_code')
      .join('indicators as i', 'i.id', 'v.indicator_id')
      .join('quarter_reports as r', (j) => j.on('r.pole_id', 'v.pole_id').andOn('r.year', 'v.year').andOn('r.quarter', 'v.quarter'))
      .select(
        'v.id',
        'p.slug as pole_slug',
        'p.name as pole_name',
        'p.region_code',
        'g.name as region_name',
        'i.code as indicator_code',
        'v.category',
        'v.year',
        'v.quarter',
        'r.status',
        'v.value_scaled',
        'v.not_available',
        'i.unit',
        'i.decimals',
        'v.updated_at',
      );
    if (f.regionCodes) q.whereIn('p.region_code', f.regionCodes.length ? f.regionCodes : ['-']);
    if (f.poleIds) q.whereIn('v.pole_id', f.poleIds.length ? f.poleIds : [-1]);
    if (f.indicatorIds) q.whereIn('v.indicator_id', f.indicatorIds.length ? f.indicatorIds : [-1]);
    if (f.statuses) q.whereIn('r.status', f.statuses.length ? f.statuses : ['-']);
    if (f.fromIndex !== undefined) q.whereRaw('(v.year * 4 + v.quarter - 1) >= ?', [f.fromIndex]);
    if (f.toIndex !== undefined) q.whereRaw('(v.year * 4 + v.quarter - 1) <= ?', [f.toIndex]);
    return q;
  }
}
