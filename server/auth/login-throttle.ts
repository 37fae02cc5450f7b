import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import { cleanText } from '../lib/text.ts';

/**
 * Sign-in throttle per account and per IP. After `freeAttempts` failures inside the window each further
 * failure blocks the key for a doubling delay (1, 2, 4… minutes, at most 60): never a permanent lockout.
 * The counters live in the database (rate_limits), so the throttle holds across instances.
 */
export class LoginThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limits = { perAccount: 5, perIp: 20, windowMinutes: 60 },
  ) {}

  private keys(account: string, ip: string) {
    // The key is stored: cleaned of control characters (lib/text.ts) like any text the database holds.
    return { account: `login:a:${cleanText(account)}`, ip: `login:i:${ip}` };
  }

  /** Seconds to wait before another attempt is evaluated, or 0. */
  async retryAfter(account: string, ip: string): Promise<number> {
    const k = this.keys(account, ip);
    return this.limiter.waitFor([k.account, k.ip]);
  }

  async recordFailure(account: string, ip: string): Promise<void> {
    const k = this.keys(account, ip);
    const windowMs = this.limits.windowMinutes * 60_000;
    for (const [key, free] of [
      [k.account, this.limits.perAccount],
      [k.ip, this.limits.perIp],
    ] as const) {
      const c = await this.limiter.failure(key, windowMs);
      if (c.count >= free) {
        const minutes = Math.min(60, 2 ** (c.count - free));
        await this.limiter.block(key, this.limiter.now() + minutes * 60_000);
      }
    }
  }

  async recordSuccess(account: string): Promise<void> {
    await this.limiter.reset(this.keys(account, '').account);
  }
}
