import type { Knex } from 'knex';
import type { ReportStatus } from '../reporting/reporting.repo.ts';
import { poleCalendarsByRegion, type PoleCalendarRegionRow } from '../poles/poles.repo.ts';

export type NoticeKind = 'returned' | 'validated' | 'reopened' | 'reminder';
/** The scheduled steps, or a reminder staff sent by hand (« Relancer »): `m` and its Paris day, once a day. */
export type ReminderStep = 'due_in_7' | 'due_today' | 'late_7' | `m${string}`;

export interface NoticeRow {
  id: number;
  pole_id: number;
  kind: NoticeKind;
  year: number;
  quarter: number;
  step: ReminderStep | null;
  reason: string | null;
  actor_id: number | null;
  created_at: string;
}

export type NewNotice = Omit<NoticeRow, 'id'>;

/** Somebody a message goes to. */
export interface Recipient {
  id: number;
  email: string;
  display_name: string;
}

/** A pole as the reminder and digest jobs need it. */
export type ReminderPoleRow = PoleCalendarRegionRow;

/** The SQL of notices: decisions and reminders written for a pole, and who receives them. */
export class NoticesRepo {
  async insert(db: Knex, row: NewNotice): Promise<number> {
    const [r] = await db('notices').insert(row).returning('id');
    return Number(typeof r === 'object' ? r.id : r);
  }

  /**
   * Writes a reminder unless it exists already (pole, year, quarter, step are unique): returns its id,
   * or null when another run wrote it first. One statement, so concurrent runs cannot both write it.
   */
  async insertReminder(db: Knex, row: NewNotice): Promise<number | null> {
    const rows = await db('notices').insert(row).onConflict(['pole_id', 'year', 'quarter', 'step']).ignore().returning('id');
    if (!rows.length) return null;
    const r = rows[0] as { id: number } | number;
    return Number(typeof r === 'object' ? r.id : r);
  }

  /** Steps already written for these poles from `fromIndex` (year*4+quarter-1) on. */
  async reminderSteps(db: Knex, fromIndex: number): Promise<{ pole_id: number; year: number; quarter: number; step: ReminderStep }[]> {
    return db('notices')
      .where({ kind: 'reminder' })
      .whereRaw('(year * 4 + quarter - 1) >= ?', [fromIndex])
      .select('pole_id', 'year', 'quarter', 'step');
  }

  /** The active managers of a pole. */
  async managersOf(db: Knex, poleId: number): Promise<Recipient[]> {
    return db('users as u')
      .join('user_poles as up', 'up.user_id', 'u.id')
      .where({ 'up.pole_id': poleId, 'u.role': 'manager', 'u.active': true })
      .select('u.id', 'u.email', 'u.display_name')
      .orderBy('u.id');
  }

  /** Every active staff user (the digest's readers). */
  async activeStaff(db: Knex): Promise<Recipient[]> {
    return db('users').where({ role: 'staff', active: true }).select('id', 'email', 'display_name').orderBy('id');
  }

  async pole(db: Knex, poleId: number): Promise<{ id: number; name: string; slug: string } | undefined> {
    return db('poles').where({ id: poleId }).first('id', 'name', 'slug');
  }

  /** Poles not archived on `today` (ISO date), with their region. */
  async activePoles(db: Knex, today: string): Promise<ReminderPoleRow[]> {
    return poleCalendarsByRegion(db).where((w) => w.whereNull('p.archived_on').orWhere('p.archived_on', '>', today));
  }

  /** Report statuses of every pole for the quarters from `fromIndex` on. */
  async statuses(db: Knex, fromIndex: number): Promise<{ pole_id: number; year: number; quarter: number; status: ReportStatus }[]> {
    return db('quarter_reports').whereRaw('(year * 4 + quarter - 1) >= ?', [fromIndex]).select('pole_id', 'year', 'quarter', 'status');
  }

  /** A pole's notices, newest first, with who decided. */
  async forPole(db: Knex, poleId: number, limit: number): Promise<(NoticeRow & { actor_name: string | null })[]> {
    return db('notices as n')
      .leftJoin('users as u', 'u.id', 'n.actor_id')
      .where('n.pole_id', poleId)
      .select('n.*', 'u.display_name as actor_name')
      .orderBy([
        { column: 'n.created_at', order: 'desc' },
        { column: 'n.id', order: 'desc' },
      ])
      .limit(limit);
  }
}
