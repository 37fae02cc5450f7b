import type { Knex } from 'knex';

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed';
export type OutboxKind = 'returned' | 'validated' | 'reopened' | 'reminder' | 'digest';

export interface OutboxRow {
  id: number;
  recipient_email: string;
  recipient_user_id: number | null;
  subject: string;
  body: string;
  kind: OutboxKind;
  notice_id: number | null;
  dedupe_key: string | null;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  sent_at: string | null;
  last_error: string | null;
  created_at: string;
}

export type NewMessage = Pick<
  OutboxRow,
  'recipient_email' | 'recipient_user_id' | 'subject' | 'body' | 'kind' | 'notice_id' | 'dedupe_key'
>;

export interface OutboxFilter {
  status?: OutboxStatus;
  kind?: OutboxKind;
}

/** The only SQL about the outbox: queueing, claiming, settling and listing messages. */
export class OutboxRepo {
  /** Queues messages; a message whose dedupe key exists already is skipped. Returns how many were queued. */
  async enqueue(db: Knex, messages: NewMessage[], now: string): Promise<number> {
    if (!messages.length) return 0;
    const rows = await db('outbox')
      .insert(messages.map((m) => ({ ...m, status: 'queued', attempts: 0, next_attempt_at: now, created_at: now })))
      .onConflict('dedupe_key')
      .ignore()
      .returning('id');
    return rows.length;
  }

  /**
   * Claims up to `limit` due messages for `token` until `until`: queued ones whose next attempt has come,
   * and ones left « sending » by a sender whose claim expired. One UPDATE whose outer conditions repeat the
   * inner ones, so on PostgreSQL a row another sender claimed meanwhile is re-checked and skipped; SQLite
   * runs one writer at a time. Then reads back exactly what this token holds.
   */
  async claim(db: Knex, token: string, now: string, until: string, limit: number): Promise<OutboxRow[]> {
    const due = (q: Knex.QueryBuilder) =>
      q.where((w) =>
        w
          .where((a) =>
            a
              .where('status', 'queued')
              .andWhere('next_attempt_at', '<=', now)
              .andWhere((c) => c.whereNull('claimed_until').orWhere('claimed_until', '<', now)),
          )
          .orWhere((b) => b.where('status', 'sending').andWhere('claimed_until', '<', now)),
      );
    const ids = due(db('outbox').select('id')).orderBy('id').limit(limit);
    await due(db('outbox').whereIn('id', ids)).update({ status: 'sending', claimed_by: token, claimed_until: until });
    return db('outbox').where({ claimed_by: token, status: 'sending' }).orderBy('id');
  }

  /** Gives back what `token` still holds, untouched (a sender running out of time). */
  async unclaim(db: Knex, token: string): Promise<number> {
    return db('outbox').where({ claimed_by: token, status: 'sending' }).update({ status: 'queued', claimed_by: null, claimed_until: null });
  }

  async markSent(db: Knex, id: number, token: string, at: string): Promise<boolean> {
    const n = await db('outbox')
      .where({ id, claimed_by: token, status: 'sending' })
      .update({ status: 'sent', sent_at: at, attempts: db.raw('attempts + 1'), claimed_by: null, claimed_until: null, last_error: null });
    return n === 1;
  }

  /** A failed attempt: back to the queue for `nextAt`, or `failed` for good. */
  async markAttemptFailed(db: Knex, id: number, token: string, error: string, nextAt: string | null): Promise<void> {
    await db('outbox')
      .where({ id, claimed_by: token, status: 'sending' })
      .update({
        status: nextAt ? 'queued' : 'failed',
        attempts: db.raw('attempts + 1'),
        next_attempt_at: nextAt ?? db.raw('next_attempt_at'),
        claimed_by: null,
        claimed_until: null,
        last_error: error.slice(0, 2000),
      });
  }

  async find(db: Knex, id: number): Promise<OutboxRow | undefined> {
    return db('outbox').where({ id }).first();
  }

  /** Messages matching the filter, newest first. */
  async list(db: Knex, filter: OutboxFilter, limit: number, offset: number): Promise<OutboxRow[]> {
    const q = db('outbox')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit)
      .offset(offset);
    if (filter.status) q.where('status', filter.status);
    if (filter.kind) q.where('kind', filter.kind);
    return q;
  }

  async countsByStatus(db: Knex): Promise<Record<OutboxStatus, number>> {
    const rows: { status: OutboxStatus; n: number | string }[] = await db('outbox').select('status').count({ n: '*' }).groupBy('status');
    const out: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }
}
