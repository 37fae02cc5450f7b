import type { Knex } from 'knex';
import type { CurrentUser } from '../http/current-user.ts';
import { sortFr } from '../lib/french-order.ts';
import type { Quarter } from '../lib/quarters.ts';
import { scopePoles } from '../poles/poles.repo.ts';
import type { ReportStatus } from '../reporting/reporting.repo.ts';

/** One pole's report of a quarter that has something written, with its pole and region. */
export interface NarrativeReportRow {
  poleId: number;
  poleName: string;
  poleSlug: string;
  regionCode: string;
  regionName: string;
  status: ReportStatus;
  highlights: string;
  difficulties: string;
}

export interface NarrativeFilter {
  quarter: Quarter;
  /** The report statuses shown (funders: validated only). */
  statuses: readonly ReportStatus[];
  /** One region's poles only; all the user's poles otherwise. */
  regionCode?: string;
  /** Leave archived poles out (a region's page); an export keeps every pole of its scope, as its figures do. */
  activeOnly?: boolean;
}

/** The narratives' SQL: the scope (the user's poles, a region, the statuses) is applied here, in SQL. */
export class NarrativesRepo {
  /** The reports of one quarter with a « fait marquant » or a « difficulté », of the poles the user may see; by region then pole. */
  async ofQuarter(db: Knex, user: CurrentUser, f: NarrativeFilter): Promise<NarrativeReportRow[]> {
    const q = db('quarter_reports as r')
      .join('poles', 'poles.id', 'r.pole_id')
      .join('regions', 'regions.code', 'poles.region_code')
      .where({ 'r.year': f.quarter.year, 'r.quarter': f.quarter.quarter })
      .whereIn('r.status', [...f.statuses])
      .where((w) => w.whereNot('r.highlights', '').orWhereNot('r.difficulties', ''))
      .select(
        'poles.id as poleId',
        'poles.name as poleName',
        'poles.slug as poleSlug',
        'poles.region_code as regionCode',
        'regions.name as regionName',
        'r.status',
        'r.highlights',
        'r.difficulties',
      );
    if (f.regionCode !== undefined) q.where('poles.region_code', f.regionCode);
    if (f.activeOnly) q.whereNull('poles.archived_on');
    const rows: NarrativeReportRow[] = await scopePoles(q, user);
    return sortFr(
      rows.map((r) => ({ ...r, poleId: Number(r.poleId) })),
      (r) => r.regionName,
      (r) => r.poleName,
    );
  }
}
