import type { Knex } from 'knex';
import type { CurrentUser } from '../http/current-user.ts';
import type { Quarter } from '../lib/quarters.ts';
import { scopePoles, scopeRegions } from '../poles/poles.repo.ts';
import type { ReportStatus } from '../reporting/reporting.repo.ts';
import type { PoleCalendarRow } from '../poles/poles.repo.ts';
import { sortFr } from '../lib/french-order.ts';

export interface ScopeRegion {
  code: string;
  name: string;
}

export interface RegionPole extends PoleCalendarRow {
  /** The pole's report for the quarter asked, if there is one. */
  status: ReportStatus | null;
}

export interface NarrativeRow {
  year: number;
  quarter: number;
  status: ReportStatus;
  highlights: string;
  difficulties: string;
}

/** The dashboards' own SQL: what is in the user's scope (applied in SQL), report statuses and narratives. */
export class DashboardsRepo {
  /** The regions the user may see, by name. */
  async regionsInScope(db: Knex, user: CurrentUser): Promise<ScopeRegion[]> {
    const q = db('regions').select('regions.code', 'regions.name').orderBy('regions.name');
    return sortFr(await scopeRegions(db, q, user), (r: ScopeRegion) => r.name);
  }

  /** The poles of one region that the user may see, each with its report status for quarter `q`. */
  async polesOfRegion(db: Knex, user: CurrentUser, regionCode: string, q: Quarter): Promise<RegionPole[]> {
    const query = db('poles')
      .leftJoin('quarter_reports as r', (j) => j.on('r.pole_id', 'poles.id').andOnVal('r.year', q.year).andOnVal('r.quarter', q.quarter))
      .where('poles.region_code', regionCode)
      .select(
        'poles.id',
        'poles.name',
        'poles.slug',
        'poles.first_report_year',
        'poles.first_report_quarter',
        'poles.archived_on',
        'r.status',
      )
      .orderBy('poles.name');
    const rows: RegionPole[] = await scopePoles(query, user);
    return sortFr(
      rows.map((r) => ({ ...r, id: Number(r.id), status: r.status ?? null })),
      (r) => r.name,
    );
  }

  /** A pole's narratives in a range of quarters, for reports whose status counts for the base; newest first. */
  async narratives(db: Knex, poleId: number, statuses: string[], fromIndex: number, toIndex: number): Promise<NarrativeRow[]> {
    return db('quarter_reports')
      .where('pole_id', poleId)
      .whereIn('status', statuses)
      .whereRaw('(year * 4 + quarter - 1) between ? and ?', [fromIndex, toIndex])
      .where((w) => w.whereNot('highlights', '').orWhereNot('difficulties', ''))
      .select('year', 'quarter', 'status', 'highlights', 'difficulties')
      .orderBy([
        { column: 'year', order: 'desc' },
        { column: 'quarter', order: 'desc' },
      ]);
  }
}
