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

/**
 * Validated, submitted or « sans objet » reports of one quarter and status, and how many of them fall in
 * their pole's window (an exempt one is then subtracted from what the quarter expects).
 */
export interface ReportCount {
  area: string;
  index: number;
  status: CountedStatus;
  n: number;
  /** Of those, the reports of poles inside their reporting window that quarter. */
  expected: number;
}

/** The reports of archived poles, per reporting window: closure.ts says which quarters each window expects. */
export interface WindowReportCount extends WindowCount {
  index: number;
  status: CountedStatus;
}

/** The statuses the closure counts: validated and submitted reports, and quarters declared « sans objet ». */
export type CountedStatus = 'validated' | 'submitted' | 'exempt';
const COUNTED: CountedStatus[] = ['validated', 'submitted', 'exempt'];

const FIRST_INDEX = 'p.first_report_year * 4 + p.first_report_quarter - 1';
const INDEX = 'r.year * 4 + r.quarter - 1';

function scoped(q: Knex.QueryBuilder, f: ClosureFilter): Knex.QueryBuilder {
  if (f.regionCodes) q.whereIn('p.region_code', f.regionCodes.length ? f.regionCodes : ['-']);
  if (f.poleIds) q.whereIn('p.id', f.poleIds.length ? f.poleIds : [-1]);
  return q;
}

/**
 * Validated, submitted and exempt reports up to quarter `toIndex`, with their poles. The nation reads the reports
 * first, in index order; a scope (some regions, some poles) and the archived poles start from the poles
 * (a region has about a hundred) and reach their reports by pole: SQLite keeps a CROSS JOIN's order, and
 * without statistics it would read every report before filtering on its pole. PostgreSQL plans a CROSS
 * JOIN … WHERE as the join it is.
 */
function reportsOf(db: Knex, f: ClosureFilter, toIndex: number, fromPoles = Boolean(f.regionCodes || f.poleIds)): Knex.QueryBuilder {
  const q = fromPoles
    ? db('poles as p').joinRaw('cross join quarter_reports as r').where('r.pole_id', db.ref('p.id'))
    : db('quarter_reports as r').join('poles as p', 'p.id', 'r.pole_id');
  return q
    .whereIn('r.status', COUNTED)
    .where('r.year', '<=', Math.floor(toIndex / 4))
    .whereRaw(`${INDEX} <= ?`, [toIndex]);
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
 * quarter (per window for archived poles), and the published national summaries. Grouped in SQL (a few
 * rows per quarter); closure.ts folds the windows into « expected » quarter by quarter.
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

  /**
   * Reports validated or submitted up to quarter `toIndex` of the poles still open, per quarter and status.
   * An open pole is expected from its first quarter on, so `expected` is counted here; grouping by window
   * instead would sort every report (the nation's 77k at 1M values) on each dashboard request.
   */
  async reports(db: Knex, f: ClosureFilter, toIndex: number, split: ClosureSplit = null): Promise<ReportCount[]> {
    const area = areaColumn(split);
    const q = reportsOf(db, f, toIndex)
      .whereNull('p.archived_on')
      .select([...area, 'r.status', 'r.year', 'r.quarter'])
      .count({ n: '*' })
      .select(db.raw(`sum(case when ${INDEX} >= ${FIRST_INDEX} then 1 else 0 end) as expected`))
      // In the order of the (status, year, quarter, pole_id) index, which the nation's count reads alone.
      .groupBy([...area, 'r.status', 'r.year', 'r.quarter']);
    const rows: Record<string, unknown>[] = await scoped(q, f);
    return rows.map((r) => ({
      area: String(areaOf(r)),
      index: Number(r.year) * 4 + Number(r.quarter) - 1,
      status: r.status as CountedStatus,
      n: Number(r.n),
      expected: Number(r.expected),
    }));
  }

  /** The same counts for archived poles (a few), per window: their window ends in the quarter of their archive. */
  async archivedReports(db: Knex, f: ClosureFilter, toIndex: number, split: ClosureSplit = null): Promise<WindowReportCount[]> {
    const area = areaColumn(split);
    const q = reportsOf(db, f, toIndex, true)
      .whereNotNull('p.archived_on')
      .select([...area, 'r.year', 'r.quarter', 'r.status', db.raw(`${FIRST_INDEX} as first_index`), 'p.archived_on'])
      .count({ n: '*' })
      .groupBy([...area, 'r.year', 'r.quarter', 'r.status', db.raw(FIRST_INDEX), 'p.archived_on']);
    const rows: Record<string, unknown>[] = await scoped(q, f);
    return rows.map((r) => ({
      area: String(areaOf(r)),
      index: Number(r.year) * 4 + Number(r.quarter) - 1,
      status: r.status as CountedStatus,
      firstIndex: Number(r.first_index),
      archivedOn: (r.archived_on as string | null) ?? null,
      n: Number(r.n),
    }));
  }

  /**
   * What the counts above depend on, read cheaply: the newest recorded change that can move a figure (a
   * report submitted, returned, validated or reopened records one, in its own transaction; ids only grow),
   * the poles and their versions (their reporting windows), and the publications.
   */
  async changeToken(db: Knex): Promise<string> {
    const dirty = await db('aggregate_dirty').max({ id: 'id' }).first();
    const poles = await db('poles').count({ n: '*' }).sum({ v: 'version' }).first();
    const published = await db('publications').count({ n: '*' }).first();
    return [dirty?.id ?? 0, poles?.n ?? 0, poles?.v ?? 0, published?.n ?? 0].map(String).join('|');
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
