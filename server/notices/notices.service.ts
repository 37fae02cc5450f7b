import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import { writeTimestamp } from '../db/dialect.ts';
import type { Quarter } from '../lib/quarters.ts';
import type { OutboxRepo } from '../outbox/outbox.repo.ts';
import { decisionMail, quarterUrl } from './notice-mail.ts';
import type { NoticeKind, NoticesRepo } from './notices.repo.ts';

export type Decision = 'validate' | 'return' | 'reopen';

const KIND: Record<Decision, Exclude<NoticeKind, 'reminder'>> = { validate: 'validated', return: 'returned', reopen: 'reopened' };
const PAGE_LIMIT = 20;

export interface NoticesServiceDeps {
  db: Knex;
  clock: Clock;
  publicUrl: string;
  repos: { notices: NoticesRepo; outbox: OutboxRepo };
}

/** Notices of staff decisions, and what « Mon pôle » shows of them. */
export class NoticesService {
  private readonly db: Knex;
  private readonly clock: Clock;
  private readonly publicUrl: string;
  private readonly repos: { notices: NoticesRepo; outbox: OutboxRepo };

  constructor(deps: NoticesServiceDeps) {
    ({ db: this.db, clock: this.clock, publicUrl: this.publicUrl, repos: this.repos } = deps);
  }

  /**
   * Writes the notice of a decision and one message per active manager of the pole, inside the
   * decision's own transaction: both stand or fall with it.
   */
  async recordDecision(
    trx: Knex.Transaction,
    d: { poleId: number; q: Quarter; decision: Decision; reason: string | null; actorId: number | null },
  ): Promise<number> {
    const now = writeTimestamp(this.clock.now());
    const kind = KIND[d.decision];
    const noticeId = await this.repos.notices.insert(trx, {
      pole_id: d.poleId,
      kind,
      year: d.q.year,
      quarter: d.q.quarter,
      step: null,
      reason: kind === 'validated' ? null : d.reason,
      actor_id: d.actorId,
      created_at: now,
    });
    const pole = (await this.repos.notices.pole(trx, d.poleId))!;
    const managers = await this.repos.notices.managersOf(trx, d.poleId);
    const url = quarterUrl(this.publicUrl, pole.slug, d.q);
    await this.repos.outbox.enqueue(
      trx,
      managers.map((m) => {
        const mail = decisionMail(kind, m, pole, d.q, d.reason, url);
        return {
          recipient_email: m.email,
          recipient_user_id: m.id,
          ...mail,
          kind,
          notice_id: noticeId,
          dedupe_key: `notice:${noticeId}:${m.id}`,
        };
      }),
      now,
    );
    return noticeId;
  }

  /** The pole's latest notices and reminders, newest first. */
  async forPole(poleId: number) {
    return this.repos.notices.forPole(this.db, poleId, PAGE_LIMIT);
  }
}
