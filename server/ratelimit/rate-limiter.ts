import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.ts';
import type { Counter, RateLimitsRepo } from './rate-limits.repo.ts';

/** The answer of a fixed-window limit: allowed or not, what is left, and how long to wait when refused. */
export interface LimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window starts again (for Retry-After when refused). */
  resetSeconds: number;
}

/** Expired counters are swept at most this often, by whichever request comes along. */
const SWEEP_EVERY_MS = 60_000;

/** Keys fit the column (200): a longer one (a 254-character email…) is replaced by its SHA-256. */
function stored(key: string): string {
  return key.length <= 120 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * Rate limits kept in the database, so that they hold across instances. Counters move atomically in SQL;
 * expired ones are deleted opportunistically (at most once a minute per instance).
 */
export class RateLimiter {
  private lastSweep = 0;
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repo: RateLimitsRepo,
    private readonly logger: Logger,
  ) {}

  now(): number {
    return this.clock.now().toMillis();
  }

  /** Counts a request against `limit` per `windowMs` for `key`. */
  async consume(key: string, limit: number, windowMs: number): Promise<LimitDecision> {
    const now = this.now();
    await this.sweep(now);
    const c = await this.repo.hit(this.db, stored(key), now, windowMs);
    const resetSeconds = Math.max(1, Math.ceil((c.windowStart + windowMs - now) / 1000));
    return { allowed: c.count <= limit, limit, remaining: Math.max(0, limit - c.count), resetSeconds };
  }

  /** Counts a failure for `key` in a window of `windowMs` from its first failure (see LoginThrottle). */
  async failure(key: string, windowMs: number): Promise<Counter> {
    const now = this.now();
    await this.sweep(now);
    return this.repo.failure(this.db, stored(key), now, windowMs);
  }

  block(key: string, until: number): Promise<void> {
    return this.repo.block(this.db, stored(key), until);
  }

  /** Seconds until none of these keys is blocked any more (0 when none is). */
  async waitFor(keys: string[]): Promise<number> {
    const now = this.now();
    const until = await this.repo.blockedUntil(this.db, keys.map(stored));
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  reset(key: string): Promise<void> {
    return this.repo.remove(this.db, stored(key));
  }

  /** Deletes expired counters. A failure here must not fail the request that triggered it: it is logged. */
  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < SWEEP_EVERY_MS && now >= this.lastSweep) return;
    this.lastSweep = now;
    try {
      await this.repo.deleteExpired(this.db, now);
    } catch (err) {
      this.logger.warn({ err }, 'rate-limit sweep failed');
    }
  }
}
