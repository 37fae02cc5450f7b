import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.ts';
import { writeTimestamp } from '../db/dialect.ts';
import type { OutboxFilter, OutboxRepo } from './outbox.repo.ts';
import type { MailTransport } from './smtp.ts';
// The rows handlers show, named here so that a handler imports services, never repos.
export type { OutboxRow, OutboxStatus } from './outbox.repo.ts';

/** Minutes to wait after the 1st, 2nd, 3rd and 4th failed attempt; the 5th failure is final. */
export const BACKOFF_MINUTES = [1, 5, 30, 120];
export const MAX_ATTEMPTS = BACKOFF_MINUTES.length + 1;
const BATCH = 20;
const MAX_BATCHES = 50;
/** Stop sending a batch this long before its claim expires: a send takes at most about a minute (smtp.ts timeouts). */
const CLAIM_MARGIN_SECONDS = 90;

export interface OutboxServiceDeps {
  db: Knex;
  clock: Clock;
  transport: MailTransport | null;
  claimSeconds: number;
  repos: { outbox: OutboxRepo };
  logger: Logger;
}

/**
 * The outbox: messages wait in the database until a sender claims and sends them. Without a mail
 * server (no SMTP_URL) nothing is sent and staff read the messages on the « Envois » page.
 */
export class OutboxService {
  private readonly db: Knex;
  private readonly clock: Clock;
  private readonly transport: MailTransport | null;
  private readonly claimSeconds: number;
  private readonly repos: { outbox: OutboxRepo };
  private readonly logger: Logger;

  constructor(deps: OutboxServiceDeps) {
    ({
      db: this.db,
      clock: this.clock,
      transport: this.transport,
      claimSeconds: this.claimSeconds,
      repos: this.repos,
      logger: this.logger,
    } = deps);
  }

  /** Whether messages leave by email (SMTP_URL is set). */
  get delivers(): boolean {
    return this.transport !== null;
  }

  /**
   * Claims due messages for `holder` in small batches and sends them, outside any transaction. A failed
   * attempt goes back to the queue after a growing delay, and is marked failed after MAX_ATTEMPTS.
   * Returns how many messages were claimed (keys) and sent (rows).
   */
  async sendDue(holder: string, progress: (text: string) => Promise<void> = async () => {}): Promise<{ keys: number; rows: number }> {
    if (!this.transport) return { keys: 0, rows: 0 };
    let claimed = 0;
    let sent = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const token = `${holder}#${randomUUID().slice(0, 8)}`;
      const now = this.clock.now();
      const batch = await this.repos.outbox.claim(
        this.db,
        token,
        writeTimestamp(now),
        writeTimestamp(now.plus({ seconds: this.claimSeconds })),
        BATCH,
      );
      claimed += batch.length;
      const stopAt = now.plus({ seconds: Math.max(this.claimSeconds - CLAIM_MARGIN_SECONDS, 0) });
      let outOfTime = false;
      for (const m of batch) {
        // A slow server: give the rest back before the claim expires, so no other sender can take a
        // message this one is still sending.
        if (this.clock.now() >= stopAt) {
          outOfTime = true;
          await this.repos.outbox.unclaim(this.db, token);
          break;
        }
        try {
          await this.transport.send({ to: m.recipient_email, subject: m.subject, text: m.body });
          if (await this.repos.outbox.markSent(this.db, m.id, token, writeTimestamp(this.clock.now()))) sent++;
        } catch (err) {
          const attempts = m.attempts + 1;
          const wait = BACKOFF_MINUTES[attempts - 1];
          const nextAt = attempts < MAX_ATTEMPTS && wait !== undefined ? writeTimestamp(this.clock.now().plus({ minutes: wait })) : null;
          const message = err instanceof Error ? err.message : String(err);
          this.logger.warn({ id: m.id, attempts, final: nextAt === null, err: message }, 'outbox: sending failed');
          await this.repos.outbox.markAttemptFailed(this.db, m.id, token, message, nextAt);
        }
      }
      if (batch.length) await progress(`${sent}/${claimed}`);
      if (outOfTime || batch.length < BATCH) break;
    }
    return { keys: claimed, rows: sent };
  }

  async list(filter: OutboxFilter, limit: number, offset: number) {
    return this.repos.outbox.list(this.db, filter, limit, offset);
  }

  async find(id: number) {
    return this.repos.outbox.find(this.db, id);
  }

  async counts() {
    return this.repos.outbox.countsByStatus(this.db);
  }
}
