import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import { writeTimestamp } from '../db/dialect.ts';
import { addQuarters, lastClosedQuarter, quarterIndex, quarterLabel, reportingQuarters, type Quarter } from '../lib/quarters.ts';
import type { OutboxRepo } from '../outbox/outbox.repo.ts';
import type { LatenessRule } from '../reporting/review.service.ts';
import type { ReportStatus } from '../reporting/reporting.repo.ts';
import { digestMail, quarterUrl, reminderMail, type LateRegion } from './notice-mail.ts';
import type { NoticesRepo, ReminderPoleRow, ReminderStep } from './notices.repo.ts';
import type { DateTime } from 'luxon';
import { isoWeek, manualStep, reminderStep, stepRank } from './reminder-steps.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { PersonActor as Actor } from '../lib/actor.ts';

/**
 * How far back reminders and the digest look: the last closed quarter and the three before it. An older
 * quarter never submitted is a matter for staff (completeness page), not a reminder on every deploy.
 */
const WINDOW_QUARTERS = 4;
const SUBMITTED: (ReportStatus | undefined)[] = ['submitted', 'validated'];

export interface JobCounts {
  keys: number;
  rows: number;
}

export interface RemindersServiceDeps {
  db: Knex;
  clock: Clock;
  publicUrl: string;
  rule: LatenessRule;
  repos: { notices: NoticesRepo; outbox: OutboxRepo; audit: AuditRepo };
}

/** The daily reminders and the weekly digest of late poles: notices and outbox messages, each written once. */
export class RemindersService {
  private readonly db: Knex;
  private readonly clock: Clock;
  private readonly publicUrl: string;
  private readonly rule: LatenessRule;
  private readonly repos: { notices: NoticesRepo; outbox: OutboxRepo; audit: AuditRepo };

  constructor(deps: RemindersServiceDeps) {
    ({ db: this.db, clock: this.clock, publicUrl: this.publicUrl, rule: this.rule, repos: this.repos } = deps);
  }

  /** Every pole-quarter of the window the pole is expected to report, with its status. */
  private async expected(now = this.clock.now()) {
    const first = addQuarters(lastClosedQuarter(now), -(WINDOW_QUARTERS - 1));
    const from = quarterIndex(first);
    const [poles, statuses] = await Promise.all([
      this.repos.notices.activePoles(this.db, now.toISODate()!),
      this.repos.notices.statuses(this.db, from),
    ]);
    const status = new Map(statuses.map((s) => [`${s.pole_id}:${quarterIndex(s)}`, s.status]));
    const out: { pole: ReminderPoleRow; q: Quarter; status: ReportStatus | undefined }[] = [];
    for (const pole of poles) {
      for (const q of reportingQuarters(pole, now)) {
        if (quarterIndex(q) >= from) out.push({ pole, q, status: status.get(`${pole.id}:${quarterIndex(q)}`) });
      }
    }
    return { from, expected: out };
  }

  /**
   * Writes today's reminder step for every quarter not yet submitted: due in 7 days, due today, 7 days
   * late. A day the job did not run is caught up (the current step is written, late), but a step is never
   * written after a later one. The unique (pole, quarter, step) makes each reminder exist once, however
   * many runs or instances try; messages are queued only by the run that wrote the reminder.
   */
  async reminders(): Promise<JobCounts> {
    const now = this.clock.now();
    const at = writeTimestamp(now);
    const { from, expected } = await this.expected(now);
    const written = await this.repos.notices.reminderSteps(this.db, from);
    const highest = new Map<string, number>();
    for (const w of written) {
      const k = `${w.pole_id}:${quarterIndex(w)}`;
      highest.set(k, Math.max(highest.get(k) ?? -1, stepRank(w.step)));
    }
    let notices = 0;
    let messages = 0;
    for (const { pole, q, status } of expected) {
      if (SUBMITTED.includes(status)) continue;
      const deadline = this.rule.deadlineOf(q);
      const step = reminderStep(deadline, now);
      if (!step || (highest.get(`${pole.id}:${quarterIndex(q)}`) ?? -1) >= stepRank(step)) continue;
      // One short transaction per reminder, starting with its write (SQLite: no read-then-write upgrade).
      const queued = await this.db.transaction((trx) => this.writeReminder(trx, { pole, q, step, deadline, at, actorId: null }));
      if (queued !== null) {
        notices++;
        messages += queued;
      }
    }
    return { keys: notices, rows: messages };
  }

  /**
   * « Relancer »: a reminder sent by hand now to a late pole's managers, once per pole, quarter and day (the
   * unique (pole, quarter, step) decides it, whoever clicks), audited with the staff member who sent it.
   */
  async remindNow(pole: { id: number; name: string; slug: string }, q: Quarter, actor: Actor): Promise<'sent' | 'already'> {
    const now = this.clock.now();
    const at = writeTimestamp(now);
    const step = manualStep(now);
    return this.db.transaction(async (trx) => {
      const queued = await this.writeReminder(trx, { pole, q, step, deadline: this.rule.deadlineOf(q), at, actorId: actor.userId });
      if (queued === null) return 'already';
      await this.repos.audit.record(trx, {
        actorId: actor.userId,
        action: 'pole.remind',
        entity: 'pole',
        entityId: pole.id,
        before: null,
        after: { quarter: quarterLabel(q), recipients: queued },
        requestId: actor.requestId,
      });
      return 'sent';
    });
  }

  /**
   * Writes one reminder and queues its message to each manager of the pole, in the caller's transaction
   * (starting with the write: SQLite never upgrades a read to a write). Null when that reminder exists.
   */
  private async writeReminder(
    trx: Knex.Transaction,
    r: {
      pole: { id: number; name: string; slug: string };
      q: Quarter;
      step: ReminderStep;
      deadline: DateTime;
      at: string;
      actorId: number | null;
    },
  ): Promise<number | null> {
    const id = await this.repos.notices.insertReminder(trx, {
      pole_id: r.pole.id,
      kind: 'reminder',
      year: r.q.year,
      quarter: r.q.quarter,
      step: r.step,
      reason: null,
      actor_id: r.actorId,
      created_at: r.at,
    });
    if (id === null) return null;
    const url = quarterUrl(this.publicUrl, r.pole.slug, r.q);
    const managers = await this.repos.notices.managersOf(trx, r.pole.id);
    return this.repos.outbox.enqueue(
      trx,
      managers.map((m) => ({
        recipient_email: m.email,
        recipient_user_id: m.id,
        ...reminderMail(r.step, m, r.pole, r.q, r.deadline, url),
        kind: 'reminder' as const,
        notice_id: id,
        dedupe_key: `notice:${id}:${m.id}`,
      })),
      r.at,
    );
  }

  /** The poles late today (deadline passed, never submitted), grouped by region in French order. */
  async latePoles(): Promise<LateRegion[]> {
    const { expected } = await this.expected();
    const regions = new Map<string, LateRegion>();
    for (const { pole, q, status } of expected) {
      if (!this.rule.isLate(q, status)) continue;
      const r = regions.get(pole.region_code) ?? { name: pole.region_name, poles: [] };
      r.poles.push({ name: pole.name, q, deadline: this.rule.deadlineOf(q) });
      regions.set(pole.region_code, r);
    }
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'fr');
    for (const r of regions.values()) r.poles.sort((a, b) => byName(a, b) || quarterIndex(a.q) - quarterIndex(b.q));
    return [...regions.values()].sort(byName);
  }

  /** The weekly digest: late poles by region, to every active staff user, once per ISO week and reader. */
  async digest(): Promise<JobCounts> {
    const now = this.clock.now();
    const at = writeTimestamp(now);
    const week = isoWeek(now);
    const regions = await this.latePoles();
    const staff = await this.repos.notices.activeStaff(this.db);
    const url = `${this.publicUrl}/admin/completude`;
    const queued = await this.db.transaction((trx) =>
      this.repos.outbox.enqueue(
        trx,
        staff.map((u) => ({
          recipient_email: u.email,
          recipient_user_id: u.id,
          ...digestMail(u, week, regions, url),
          kind: 'digest' as const,
          notice_id: null,
          dedupe_key: `digest:${week}:${u.id}`,
        })),
        at,
      ),
    );
    return { keys: regions.reduce((n, r) => n + r.poles.length, 0), rows: queued };
  }
}
