// What the page « Comment ce chiffre est calculé » reads besides the aggregates it explains: which poles
// of the zone the user may see, their reports' statuses, and the values declared « non disponible » with
// their reason. Nothing here computes a figure.
import type { Knex } from 'knex';
import type { CurrentUser } from '../http/current-user.ts';
import { readBool } from '../db/dialect.ts';
import { sortFr } from '../lib/french-order.ts';
import { scopePoles } from '../poles/poles.repo.ts';
import type { ReportStatus } from '../reporting/reporting.repo.ts';

export interface ZonePole {
  id: number;
  name: string;
  slug: string;
  regionCode: string;
  regionName: string;
}

export interface Unavailable {
  poleId: number;
  indicatorId: number;
  index: number;
  reason: string;
}

const quarterIndexSql = '(year * 4 + quarter - 1)';

export class ProvenanceRepo {
  /** The poles of some regions (all of them: `null`) that the user may see, in French order. */
  async zonePoles(db: Knex, user: CurrentUser, regionCodes: string[] | null): Promise<ZonePole[]> {
    const q = db('poles')
      .join('regions', 'regions.code', 'poles.region_code')
      .select('poles.id', 'poles.name', 'poles.slug', 'poles.region_code', 'regions.name as region_name');
    if (regionCodes) q.whereIn('poles.region_code', regionCodes.length ? regionCodes : ['-']);
    const rows = (await scopePoles(q, user)) as { id: number; name: string; slug: string; region_code: string; region_name: string }[];
    return sortFr(
      rows.map((r) => ({ id: Number(r.id), name: r.name, slug: r.slug, regionCode: String(r.region_code), regionName: r.region_name })),
      (p) => p.name,
    );
  }

  /** Each report's status, keyed `poleId|quarterIndex`, for some poles over a range of quarters. */
  async statuses(db: Knex, poleIds: number[], fromIndex: number, toIndex: number): Promise<Map<string, ReportStatus>> {
    if (!poleIds.length) return new Map();
    const rows = (await db('quarter_reports')
      .whereIn('pole_id', poleIds)
      .whereRaw(`${quarterIndexSql} between ? and ?`, [fromIndex, toIndex])
      .select('pole_id', 'year', 'quarter', 'status')) as { pole_id: number; year: number; quarter: number; status: ReportStatus }[];
    return new Map(rows.map((r) => [`${Number(r.pole_id)}|${Number(r.year) * 4 + Number(r.quarter) - 1}`, r.status]));
  }

  /**
   * The values of some indicators (their totals) declared « non disponible » in reports of the given
   * statuses: what the base counts as declared but without a value.
   */
  async unavailable(
    db: Knex,
    o: { poleIds: number[]; indicatorIds: number[]; fromIndex: number; toIndex: number; statuses: string[] },
  ): Promise<Unavailable[]> {
    if (!o.poleIds.length) return [];
    const rows = (await db('quarter_values as v')
      .join('quarter_reports as r', (j) => j.on('r.pole_id', 'v.pole_id').andOn('r.year', 'v.year').andOn('r.quarter', 'v.quarter'))
      .whereIn('v.pole_id', o.poleIds)
      .whereIn('v.indicator_id', o.indicatorIds)
      .where('v.category', '')
      .whereIn('r.status', o.statuses)
      .where('v.not_available', true)
      .whereRaw('(v.year * 4 + v.quarter - 1) between ? and ?', [o.fromIndex, o.toIndex])
      .select('v.pole_id', 'v.indicator_id', 'v.year', 'v.quarter', 'v.na_reason', 'v.not_available')) as Record<string, unknown>[];
    return rows
      .filter((r) => readBool(r.not_available))
      .map((r) => ({
        poleId: Number(r.pole_id),
        indicatorId: Number(r.indicator_id),
        index: Number(r.year) * 4 + Number(r.quarter) - 1,
        reason: String(r.na_reason ?? ''),
      }));
  }
}
