import type { Knex } from 'knex';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { Clock } from '../lib/clock.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import { cleanText } from '../lib/text.ts';
import type { UsersRepo } from './users.repo.ts';

/** A request counts once per account in this many minutes; an address may ask this many times an hour. */
const ONCE_PER_MINUTES = 15;
const PER_IP_PER_HOUR = 10;
/** Requests older than this are no longer shown to staff. */
const SHOWN_DAYS = 7;

export interface PasswordHelpDeps {
  db: Knex;
  clock: Clock;
  limiter: RateLimiter;
  repos: { users: UsersRepo; audit: AuditRepo };
}

/**
 * « Mot de passe oublié ? »: a person asks for a new password; staff see the request on their home page and
 * send a reset link from the account's page (the link is never mailed from here: it would sit in clear in
 * the outbox). The answer never says whether the address has an account.
 */
export class PasswordHelpService {
  constructor(private readonly deps: PasswordHelpDeps) {}

  /** Records the request of an active account (once per quarter of an hour); 'throttled' past the address's limit. */
  async request(email: string, ip: string, requestId: string | null): Promise<'received' | 'throttled'> {
    const { db, clock, limiter, repos } = this.deps;
    const decision = await limiter.consume(`reset:i:${cleanText(ip)}`, PER_IP_PER_HOUR, 3_600_000);
    if (!decision.allowed) return 'throttled';
    const user = await repos.users.findByEmail(db, email);
    if (!user || !user.active) return 'received';
    const since = clock.now().minus({ minutes: ONCE_PER_MINUTES }).toUTC().toISO()!;
    if (await repos.audit.hasResetRequestSince(db, user.id, since)) return 'received';
    await db.transaction((trx) =>
      repos.audit.record(trx, {
        actorId: null,
        action: 'user.reset_request',
        entity: 'user',
        entityId: user.id,
        before: null,
        after: { requested: true },
        requestId,
      }),
    );
    return 'received';
  }

  /** The requests of the last days not yet answered by a reset link or a new password, oldest first. */
  pending() {
    const { db, clock, repos } = this.deps;
    return repos.audit.pendingResetRequests(db, clock.now().minus({ days: SHOWN_DAYS }).toUTC().toISO()!);
  }
}
