import type { Knex } from 'knex';
import type { Quarter } from '../lib/quarters.ts';
import type { ReportStatus } from './reporting.repo.ts';
import { poleCalendarsByRegion, type PoleCalendarRegionRow } from '../poles/poles.repo.ts';
import { sortFr } from '../lib/french-order.ts';

export interface QueueFilter {
  status?: ReportStatus;
  region?: string;
  q?: Quarter;
}

/** One quarter in the staff queue, with its pole, region and who submitted it. */
export interface QueueRow {
  id: number;
  year: number;
  quarter: number;
  status: ReportStatus;
  submitted_at: string | null;
  updated_at: string;
  pole_name: string;
  pole_slug: string;
  region_code: string;
  region_name: string;
  submitted_by_name: string | null;
}

/** A pole as the completeness page needs it, with its report for the quarter when there is one. */
export interface CompletenessPoleRow extends PoleCalendarRegionRow {
  status: ReportStatus | null;
  submitted_at: string | null;
}

/** The SQL of the staff review: the queue, completeness, and the names shown beside decisions. */
export class ReviewRepo {
  /** Reports matching the filter, oldest submission first (never-submitted ones last, by last change). */
  async queue(db: Knex, filter: QueueFilter, limit: number): Promise<QueueRow[]> {
    const query = db('quarter_reports as r')
      .join('poles as p', 'p.id', 'r.pole_id')
      .join('regions as g', 'g.code', 'p.region_code')
      .leftJoin('users as u', 'u.id', 'r.submitted_by')
      .select(
        'r.id',
        'r.year',
        'r.quarter',
        'r.status',
        'r.submitted_at',
        'r.updated_at',
        'p.name as pole_name',
        'p.slug as pole_slug',
        'p.region_code',
        'g.name as region_name',
        'u.display_name as submitted_by_name',
      )
      // SQLite sorts NULL first and PostgreSQL last: say where they go, the same on both.
      .orderByRaw('case when r.submitted_at is null then 1 else 0 end')
      .orderBy([{ column: 'r.submitted_at' }, { column: 'r.updated_at' }, { column: 'r.id' }])
      .limit(limit);
    if (filter.status) query.where('r.status', filter.status);
    if (filter.region) query.where('p.region_code', filter.region);
    if (filter.q) query.where({ 'r.year': filter.q.year, 'r.quarter': filter.q.quarter });
    return query;
  }

  /**
   * Poles whose first reporting quarter is not after `q`, with their report for `q` if any. Whether a
   * pole archived since is still expected is decided by the service (quarter arithmetic in one place).
   */
  async polesForQuarter(db: Knex, q: Quarter, region?: string): Promise<CompletenessPoleRow[]> {
    const query = poleCalendarsByRegion(db)
      .leftJoin('quarter_reports as r', (j) => j.on('r.pole_id', 'p.id').andOnVal('r.year', q.year).andOnVal('r.quarter', q.quarter))
      .whereRaw('(p.first_report_year * 4 + p.first_report_quarter) <= ?', [q.year * 4 + q.quarter])
      .select('r.status', 'r.submitted_at');
    if (region) query.where('p.region_code', region);
    return sortFr(
      (await query) as CompletenessPoleRow[],
      (r) => r.region_name,
      (r) => r.name,
    );
  }

  /** Display names of users, by id (the submitter and the reviewer of a quarter). */
  async displayNames(db: Knex, ids: (number | null)[]): Promise<Map<number, string>> {
    const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
    if (!wanted.length) return new Map();
    const rows: { id: number; display_name: string }[] = await db('users').whereIn('id', wanted).select('id', 'display_name');
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }
}
