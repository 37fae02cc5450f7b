import type { Knex } from 'knex';

/** Which poles an area covers: every pole (the nation), some regions' poles, or some poles. */
export interface ClosureFilter {
  regionCodes?: string[];
  poleIds?: number[];
}

/** Counts split per region or per pole (the API's items), or for the area as a whole. */
export type ClosureSplit = 'region' | 'pole' | null;

export interface WindowCount {
  /** The region code or pole id (as text) under a split; '' for the whole area. */
  area: string;
  firstIndex: number;
  archivedOn: string | null;
  n: number;
}

export interface ReportCount extends WindowCount {
  index: number;
  status: 'validated' | 'submitted';
}

const FIRST_INDEX = 'p.first_report_year * 4 + p.first_report_quarter - 1';

function scoped(q: Knex.QueryBuilder, f: ClosureFilter): Knex.QueryBuilder {
  if (f.regionCodes) q.whereIn('p.region_code', f.regionCodes.length ? f.regionCodes : ['-']);
  if (f.poleIds) q.whereIn('p.id', f.poleIds.length ? f.poleIds : [-1]);
  return q;
}

/** The split's column, selected as `area` and grouped by (nothing to group by for the whole area). */
function areaColumn(split: ClosureSplit): string[] {
  if (split === 'region') return ['p.region_code'];
  if (split === 'pole') return ['p.id'];
  return [];
}
const areaOf = (r: Record<string, unknown>) => (r.region_code ?? r.id ?? '') as string | number;

/**
 * The counts that close a quarter: poles per reporting window, validated and submitted reports per
 * quarter and window, and the published national summaries. Grouped in SQL (a few rows per quarter);
 * closure.ts folds the windows into « expected » quarter by quarter.
 */
export class ClosureRepo {
  async windows(db: Knex, f: ClosureFilter, split: ClosureSplit = null): Promise<WindowCount[]> {
    const area = areaColumn(split);
    const q = db('poles as p')
      .select([...area, db.raw(`${FIRST_INDEX} as first_index`), 'p.archived_on'])
      .count({ n: '*' })
      .groupBy([...area, db.raw(FIRST_INDEX), 'p.archived_on']);
    const rows: Record<string, unknown>[] = await scoped(q, f);
    return rows.map((r) => ({
      area: String(areaOf(r)),
      firstIndex: Number(r.first_index),
      archivedOn: (r.archived_on as string | null) ?? null,
      n: Number(r.n),
    }));
  }

  /** Reports validated or submitted up to quarter `toIndex`, counted per quarter, status and window. */
  async reports(db: Knex, f: ClosureFilter, toIndex: number, split: ClosureSplit = null): Promise<ReportCount[]> {
    const area = areaColumn(split);
    const q = db('quarter_reports as r')
      .join('poles as p', 'p.id', 'r.pole_id')
      .whereIn('r.status', ['validated', 'submitted'])
      .whereRaw('r.year * 4 + r.quarter - 1 <= ?', [toIndex])
      .select([...area, 'r.year', 'r.quarter', 'r.status', db.raw(`${FIRST_INDEX} as first_index`), 'p.archived_on'])
      .count({ n: '*' })
      .groupBy([...area, 'r.year', 'r.quarter', 'r.status', db.raw(FIRST_INDEX), 'p.archived_on']);
    const rows: Record<string, unknown>[] = await scoped(q, f);
    return rows.map((r) => ({
      area: String(areaOf(r)),
      index: Number(r.year) * 4 + Number(r.quarter) - 1,
      status: r.status as 'validated' | 'submitted',
      firstIndex: Number(r.first_index),
      archivedOn: (r.archived_on as string | null) ?? null,
      n: Number(r.n),
    }));
  }

  /** The quarters (as indices) that a published national summary covers: its quarter, or its year's four. */
  async publishedQuarters(db: Knex): Promise<Set<number>> {
    const rows: { period_kind: string; year: number | string; quarter: number | string | null }[] = await db('publications').distinct(
      'period_kind',
      'year',
      'quarter',
    );
    const out = new Set<number>();
    for (const r of rows) {
      const year = Number(r.year);
      if (r.period_kind === 'quarter') out.add(year * 4 + Number(r.quarter) - 1);
      else for (let q = 0; q < 4; q++) out.add(year * 4 + q);
    }
    return out;
  }
}
