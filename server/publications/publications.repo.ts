import type { Knex } from 'knex';
import type { NationalSummary, SummaryPeriod } from '../exports/summary.types.ts';
import { periodColumns } from './publication-period.ts';

/** One publication without its frozen summary (lists). */
export interface PublicationHead {
  id: number;
  period: SummaryPeriod;
  version: number;
  reason: string;
  authorId: number;
  authorName: string | null;
  publishedAt: string;
}

export interface Publication extends PublicationHead {
  summary: NationalSummary;
}

export interface PublicationWrite {
  period: SummaryPeriod;
  summary: NationalSummary;
  reason: string;
  authorId: number;
  publishedAt: string;
}

interface Row {
  id: number | string;
  period_kind: string;
  year: number | string;
  quarter: number | string | null;
  version: number | string;
  reason: string;
  author_id: number | string;
  author_name?: string | null;
  published_at: string;
  summary_json?: string;
}

const HEAD_COLUMNS = [
  'p.id',
  'p.period_kind',
  'p.year',
  'p.quarter',
  'p.version',
  'p.reason',
  'p.author_id',
  'p.published_at',
  'u.display_name as author_name',
];

function toHead(r: Row): PublicationHead {
  const year = Number(r.year);
  return {
    id: Number(r.id),
    period: r.period_kind === 'quarter' ? { kind: 'quarter', year, quarter: Number(r.quarter) } : { kind: 'year', year },
    version: Number(r.version),
    reason: r.reason,
    authorId: Number(r.author_id),
    authorName: r.author_name ?? null,
    publishedAt: r.published_at,
  };
}

function toPublication(r: Row): Publication {
  return { ...toHead(r), summary: JSON.parse(r.summary_json!) as NationalSummary };
}

/** Narrows a query to one period (a year's quarter is NULL). */
function wherePeriod(q: Knex.QueryBuilder, p: SummaryPeriod, alias = 'p'): Knex.QueryBuilder {
  const c = periodColumns(p);
  q.where({ [`${alias}.period_kind`]: c.period_kind, [`${alias}.year`]: c.year });
  return c.quarter === null ? q.whereNull(`${alias}.quarter`) : q.where(`${alias}.quarter`, c.quarter);
}

/** Publications: append-only rows, each a frozen national summary. The only SQL of the feature. */
export class PublicationsRepo {
  /**
   * Inserts the next version of a period (the highest + 1, computed in the INSERT itself, so the
   * transaction starts with its write). Two concurrent inserts get the same number: the unique key
   * (period, version) refuses the second. Returns the new row's id and version.
   */
  async insertNext(trx: Knex.Transaction, w: PublicationWrite): Promise<{ id: number; version: number }> {
    const c = periodColumns(w.period);
    const next = trx.raw(
      '(SELECT COALESCE(MAX(version), 0) + 1 FROM publications WHERE period_kind = ? AND year = ? AND COALESCE(quarter, 0) = ?)',
      [c.period_kind, c.year, c.quarter ?? 0],
    );
    const [row] = await trx('publications')
      .insert({
        ...c,
        version: next,
        summary_json: JSON.stringify(w.summary),
        reason: w.reason,
        author_id: w.authorId,
        published_at: w.publishedAt,
      })
      .returning('id');
    const id = Number(typeof row === 'object' ? row.id : row);
    const inserted = await trx('publications').where({ id }).first('version');
    return { id, version: Number(inserted.version) };
  }

  /** The highest version published for a period, 0 when none. */
  async latestVersion(db: Knex | Knex.Transaction, p: SummaryPeriod): Promise<number> {
    const row = await wherePeriod(db('publications as p').max({ v: 'p.version' }), p).first();
    return Number(row?.v ?? 0);
  }

  /** Every version of every period: newest period first, then newest version. */
  async list(db: Knex): Promise<PublicationHead[]> {
    const rows: Row[] = await db('publications as p')
      .leftJoin('users as u', 'u.id', 'p.author_id')
      .select(HEAD_COLUMNS)
      .orderBy([
        { column: 'p.year', order: 'desc' },
        { column: 'p.period_kind', order: 'asc' },
        { column: 'p.quarter', order: 'desc' },
        { column: 'p.version', order: 'desc' },
      ]);
    return rows.map(toHead);
  }

  /** Every version of one period, newest first, without their summaries. */
  async versionsOf(db: Knex, p: SummaryPeriod): Promise<PublicationHead[]> {
    const rows: Row[] = await wherePeriod(
      db('publications as p').leftJoin('users as u', 'u.id', 'p.author_id').select(HEAD_COLUMNS),
      p,
    ).orderBy('p.version', 'desc');
    return rows.map(toHead);
  }

  /** One version of a period, with its frozen summary. */
  async find(db: Knex, p: SummaryPeriod, version: number): Promise<Publication | undefined> {
    const row: Row | undefined = await wherePeriod(
      db('publications as p')
        .leftJoin('users as u', 'u.id', 'p.author_id')
        .select([...HEAD_COLUMNS, 'p.summary_json']),
      p,
    )
      .where('p.version', version)
      .first();
    return row ? toPublication(row) : undefined;
  }

  /** The latest version of every period, with their summaries (open data). */
  async latestOfEach(db: Knex): Promise<Publication[]> {
    const latest = db('publications as l')
      .select('l.period_kind', 'l.year')
      .select(db.raw('COALESCE(l.quarter, 0) as q'))
      .max({ v: 'l.version' })
      .groupBy('l.period_kind', 'l.year', db.raw('COALESCE(l.quarter, 0)'))
      .as('m');
    const rows: Row[] = await db('publications as p')
      .join(latest, function () {
        this.on('m.period_kind', 'p.period_kind')
          .andOn('m.year', 'p.year')
          .andOn('m.v', 'p.version')
          .andOn(db.raw('COALESCE(p.quarter, 0) = m.q'));
      })
      .leftJoin('users as u', 'u.id', 'p.author_id')
      .select([...HEAD_COLUMNS, 'p.summary_json'])
      .orderBy([
        { column: 'p.year', order: 'desc' },
        { column: 'p.period_kind', order: 'asc' },
        { column: 'p.quarter', order: 'desc' },
      ]);
    return rows.map(toPublication);
  }
}
