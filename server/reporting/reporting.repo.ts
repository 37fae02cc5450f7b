import type { Knex } from 'knex';
import { readBool } from '../db/dialect.ts';
import { readScaled } from '../lib/decimal.ts';
import type { Quarter } from '../lib/quarters.ts';
import type { Actor } from '../lib/actor.ts';

/** `exempt`: declared « sans objet » by staff (exemption.service.ts): not expected, locked to entry. */
export type ReportStatus = 'draft' | 'submitted' | 'validated' | 'returned' | 'exempt';

export interface ReportRow {
  id: number;
  pole_id: number;
  year: number;
  quarter: number;
  status: ReportStatus;
  highlights: string;
  difficulties: string;
  submitted_by: number | null;
  submitted_at: string | null;
  reviewed_by: number | null;
  reviewed_at: string | null;
  reason: string | null;
  version: number;
  last_form_token: string | null;
  /** SHA-256 of the content that token saved (see ReportingService.prepare). */
  last_form_digest: string | null;
  created_at: string;
  updated_at: string;
}

export interface ValueRow {
  id: number;
  pole_id: number;
  indicator_id: number;
  category: string;
  year: number;
  quarter: number;
  value_scaled: number | null;
  not_available: boolean;
  na_reason: string;
  comment: string;
  carried_over: boolean;
  updated_by: number | null;
  updated_at: string;
}

export interface RevisionRow {
  id: number;
  pole_id: number;
  year: number;
  quarter: number;
  indicator_id: number | null;
  category: string;
  action: string;
  old_value_scaled: number | null;
  new_value_scaled: number | null;
  old_not_available: boolean | null;
  new_not_available: boolean | null;
  old_comment: string | null;
  new_comment: string | null;
  old_na_reason: string | null;
  new_na_reason: string | null;
  old_status: string | null;
  new_status: string | null;
  reason: string | null;
  actor_id: number | null;
  request_id: string | null;
  created_at: string;
}

export type NewRevision = Omit<RevisionRow, 'id'>;

/** What every revision of one save or decision shares: the quarter, who made the change, in which request, when. */
export type RevisionBase = Pick<NewRevision, 'pole_id' | 'year' | 'quarter' | 'actor_id' | 'request_id' | 'created_at'>;

/** The RevisionBase of a change to `poleId`'s quarter `q` by `actor` at `now`. */
export function revisionBase(poleId: number, q: Quarter, actor: Actor, now: string): RevisionBase {
  return {
    pole_id: poleId,
    year: q.year,
    quarter: q.quarter,
    actor_id: actor.userId,
    request_id: actor.requestId ?? null,
    created_at: now,
  };
}

/** A revision: `base`, then `r`, every field `r` leaves out empty (no indicator, no category, an update). */
export function revisionRow(base: RevisionBase, r: Partial<NewRevision>): NewRevision {
  return {
    ...base,
    indicator_id: null,
    category: '',
    action: 'update',
    old_value_scaled: null,
    new_value_scaled: null,
    old_not_available: null,
    new_not_available: null,
    old_comment: null,
    new_comment: null,
    old_na_reason: null,
    new_na_reason: null,
    old_status: null,
    new_status: null,
    reason: null,
    ...r,
  };
}

function toValue(r: Record<string, unknown>): ValueRow {
  return {
    ...(r as unknown as ValueRow),
    value_scaled: readScaled(r.value_scaled),
    not_available: readBool(r.not_available),
    carried_over: readBool(r.carried_over),
  };
}

function toRevision(r: Record<string, unknown>): RevisionRow {
  const nb = (v: unknown) => (v === null || v === undefined ? null : readBool(v));
  return {
    ...(r as unknown as RevisionRow),
    old_value_scaled: readScaled(r.old_value_scaled),
    new_value_scaled: readScaled(r.new_value_scaled),
    old_not_available: nb(r.old_not_available),
    new_not_available: nb(r.new_not_available),
  };
}

/** The only SQL about quarterly reports, their values and their revisions. */
export class ReportingRepo {
  async report(db: Knex, poleId: number, q: Quarter): Promise<ReportRow | undefined> {
    return db('quarter_reports').where({ pole_id: poleId, year: q.year, quarter: q.quarter }).first();
  }

  async reportById(db: Knex, id: number): Promise<ReportRow | undefined> {
    return db('quarter_reports').where({ id }).first();
  }

  async reportsOfPole(db: Knex, poleId: number): Promise<ReportRow[]> {
    return db('quarter_reports')
      .where({ pole_id: poleId })
      .orderBy([
        { column: 'year', order: 'desc' },
        { column: 'quarter', order: 'desc' },
      ]);
  }

  async insertReport(trx: Knex.Transaction, row: Omit<ReportRow, 'id'>): Promise<number> {
    const [inserted] = await trx('quarter_reports').insert(row).returning('id');
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  /** Optimistic concurrency: false when the report moved on since `version`. */
  async updateReport(trx: Knex.Transaction, id: number, version: number, changes: Partial<ReportRow>): Promise<boolean> {
    return (
      (await trx('quarter_reports')
        .where({ id, version })
        .update({ ...changes, version: version + 1 })) === 1
    );
  }

  async values(db: Knex, poleId: number, q: Quarter): Promise<ValueRow[]> {
    return (await db('quarter_values').where({ pole_id: poleId, year: q.year, quarter: q.quarter })).map(toValue);
  }

  /** Values of several quarters of one pole (for the previous quarter, last year, past maxima). */
  async valuesBetween(db: Knex, poleId: number, from: Quarter, to: Quarter): Promise<ValueRow[]> {
    const rows = await db('quarter_values')
      .where({ pole_id: poleId })
      .whereRaw('(year * 4 + quarter) between ? and ?', [from.year * 4 + from.quarter, to.year * 4 + to.quarter]);
    return rows.map(toValue);
  }

  /** How many quarters before `q` the pole has a report for. */
  async pastReportCount(db: Knex, poleId: number, q: Quarter): Promise<number> {
    const row = await db('quarter_reports')
      .where({ pole_id: poleId })
      .whereRaw('(year * 4 + quarter) < ?', [q.year * 4 + q.quarter])
      .count({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  }

  async insertValues(trx: Knex.Transaction, rows: Omit<ValueRow, 'id'>[]): Promise<void> {
    // 14 columns: 1 000 rows stay under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 1000) await trx('quarter_values').insert(rows.slice(i, i + 1000));
  }

  async updateValue(trx: Knex.Transaction, id: number, changes: Partial<ValueRow>): Promise<void> {
    await trx('quarter_values').where({ id }).update(changes);
  }

  async deleteValue(trx: Knex.Transaction, id: number): Promise<void> {
    await trx('quarter_values').where({ id }).delete();
  }

  async addRevisions(trx: Knex.Transaction, rows: NewRevision[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await trx('value_revisions').insert(rows.slice(i, i + 200));
  }

  async revisions(
    db: Knex,
    filter: { poleId: number; q?: Quarter; indicatorId?: number },
  ): Promise<(RevisionRow & { actor_name: string | null })[]> {
    const query = db('value_revisions as r')
      .leftJoin('users as u', 'u.id', 'r.actor_id')
      .where('r.pole_id', filter.poleId)
      .select('r.*', 'u.display_name as actor_name')
      .orderBy('r.id', 'desc');
    if (filter.q) query.where({ 'r.year': filter.q.year, 'r.quarter': filter.q.quarter });
    if (filter.indicatorId !== undefined) query.where('r.indicator_id', filter.indicatorId);
    return (await query).map((r: Record<string, unknown>) => ({ ...toRevision(r), actor_name: (r.actor_name as string) ?? null }));
  }

  async allRevisions(db: Knex): Promise<RevisionRow[]> {
    return (await db('value_revisions').orderBy('id')).map(toRevision);
  }

  async allValues(db: Knex): Promise<ValueRow[]> {
    return (await db('quarter_values').orderBy('id')).map(toValue);
  }

  /** Members in the register on a day, by article-9 category. */
  async registerCounts(db: Knex, poleId: number, day: string): Promise<Map<string, number>> {
    const rows = await db('pole_members')
      .where({ pole_id: poleId })
      .where('joined_on', '<=', day)
      .where((w) => w.whereNull('left_on').orWhere('left_on', '>', day))
      .groupBy('category')
      .select('category')
      .count({ n: '*' });
    return new Map((rows as unknown as { category: string; n: unknown }[]).map((r) => [r.category, Number(r.n)]));
  }
}
