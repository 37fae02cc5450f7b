import type { Knex } from 'knex';
import type { CurrentUser } from '../http/current-user.ts';
import { sortFr } from '../lib/french-order.ts';
import type { Quarter } from '../lib/quarters.ts';
import { poleCalendarsByRegion, scopePoles, type PoleCalendarRegionRow } from '../poles/poles.repo.ts';
import type { ReportStatus } from '../reporting/reporting.repo.ts';

export interface ScopePoleStatus extends PoleCalendarRegionRow {
  /** The pole's report for the quarter asked, if there is one. */
  status: ReportStatus | null;
}

/** The funder home's own SQL: every pole in the user's scope (scoped in SQL) with its report status for one quarter. */
export class FunderHomeRepo {
  /** In one query for all the regions of the scope, by region then pole name (compared in French). */
  async polesWithStatus(db: Knex, user: CurrentUser, q: Quarter): Promise<ScopePoleStatus[]> {
    const query = poleCalendarsByRegion(db)
      .leftJoin('quarter_reports as r', (j) => j.on('r.pole_id', 'p.id').andOnVal('r.year', q.year).andOnVal('r.quarter', q.quarter))
      .select('r.status');
    const rows: ScopePoleStatus[] = await scopePoles(query, user, 'p');
    return sortFr(
      rows.map((r) => ({ ...r, id: Number(r.id), status: r.status ?? null })),
      (r) => r.region_name,
      (r) => r.name,
    );
  }
}
