import type { Clock } from '../lib/clock.ts';

interface Entry {
  failures: number;
  firstFailureAt: number;
  blockedUntil: number;
}

/**
 * Sign-in throttle per account and per IP. After `freeAttempts` failures inside the window each further
 * failure blocks the key for a doubling delay (1, 2, 4… minutes, at most 60): never a permanent lockout.
 * Kept in memory: one app instance. (Several instances will need it in the database.)
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  constructor(
    private readonly clock: Clock,
    private readonly limits = { perAccount: 5, perIp: 20, windowMinutes: 60 },
  ) {}

  private entry(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && now - e.firstFailureAt > this.limits.windowMinutes * 60_000 && now >= e.blockedUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Seconds to wait before another attempt is evaluated, or 0. */
  retryAfter(account: string, ip: string): number {
    const now = this.clock.now().toMillis();
    const waits = [`a:${account}`, `i:${ip}`].map((k) => this.entry(k, now)?.blockedUntil ?? 0);
    const until = Math.max(...waits);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  recordFailure(account: string, ip: string): void {
    const now = this.clock.now().toMillis();
    for (const [key, free] of [[`a:${account}`, this.limits.perAccount], [`i:${ip}`, this.limits.perIp]] as const) {
      const e = this.entry(key, now) ?? { failures: 0, firstFailureAt: now, blockedUntil: 0 };
      e.failures++;
      if (e.failures >= free) {
        const minutes = Math.min(60, 2 ** (e.failures - free));
        e.blockedUntil = now + minutes * 60_000;
      }
      this.entries.set(key, e);
    }
  }

  recordSuccess(account: string): void {
    this.entries.delete(`a:${account}`);
  }
}
