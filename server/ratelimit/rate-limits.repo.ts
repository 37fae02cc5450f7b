import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/** What a counter holds after a hit: its count in the current window, when that window began, any block. */
export interface Counter {
  count: number;
  windowStart: number;
  blockedUntil: number;
}

/** Raw results: node-sqlite3 gives an array of rows, pg an object with `rows`. */
function rowsOf(result: unknown): Record<string, unknown>[] {
  return Array.isArray(result) ? result : ((result as { rows: Record<string, unknown>[] }).rows ?? []);
}

function toCounter(r: Record<string, unknown> | undefined): Counter {
  return { count: Number(r?.count ?? 0), windowStart: Number(r?.window_start ?? 0), blockedUntil: Number(r?.blocked_until ?? 0) };
}

/**
 * The only SQL of the rate limits. Every counter moves in one statement (`insert … on conflict do update
 * … returning`, SQLite ≥ 3.35 and PostgreSQL alike): two instances counting the same key never lose a hit.
 * Times are milliseconds since the epoch.
 */
export class RateLimitsRepo {
  /**
   * Counts one hit in a fixed window of `windowMs`: a counter whose window began `windowMs` ago or more
   * starts again at 1. Returns the counter after the hit.
   */
  async hit(db: Db, key: string, now: number, windowMs: number): Promise<Counter> {
    const stale = now - windowMs;
    const result = await db.raw(
      `insert into rate_limits ("key", window_start, "count", blocked_until, expires_at) values (?, ?, 1, 0, ?)
       on conflict ("key") do update set
         "count" = case when rate_limits.window_start <= ? then 1 else rate_limits."count" + 1 end,
         window_start = case when rate_limits.window_start <= ? then excluded.window_start else rate_limits.window_start end,
         expires_at = case when rate_limits.window_start <= ? then excluded.expires_at else rate_limits.expires_at end
       returning "count", window_start, blocked_until`,
      [key, now, now + windowMs, stale, stale, stale],
    );
    return toCounter(rowsOf(result)[0]);
  }

  /**
   * Counts one failure: a counter whose window (from its first failure) is over and whose block has
   * ended starts again at 1; otherwise it grows and keeps its window and block. Returns the counter.
   */
  async failure(db: Db, key: string, now: number, windowMs: number): Promise<Counter> {
    const stale = now - windowMs;
    const expired = '(rate_limits.window_start < ? and rate_limits.blocked_until <= ?)';
    const result = await db.raw(
      `insert into rate_limits ("key", window_start, "count", blocked_until, expires_at) values (?, ?, 1, 0, ?)
       on conflict ("key") do update set
         "count" = case when ${expired} then 1 else rate_limits."count" + 1 end,
         window_start = case when ${expired} then excluded.window_start else rate_limits.window_start end,
         blocked_until = case when ${expired} then 0 else rate_limits.blocked_until end,
         expires_at = case when ${expired} then excluded.expires_at else rate_limits.expires_at end
       returning "count", window_start, blocked_until`,
      [key, now, now + windowMs, stale, now, stale, now, stale, now, stale, now],
    );
    return toCounter(rowsOf(result)[0]);
  }

  /** Blocks a key until `until` (never shortens a longer block); the row lives at least as long. */
  async block(db: Db, key: string, until: number): Promise<void> {
    await db('rate_limits').where({ key }).where('blocked_until', '<', until).update({ blocked_until: until });
    await db('rate_limits').where({ key }).where('expires_at', '<', until).update({ expires_at: until });
  }

  /** The latest end of a block among these keys (0 when none is blocked). */
  async blockedUntil(db: Db, keys: string[]): Promise<number> {
    const row = await db('rate_limits').whereIn('key', keys).max({ until: 'blocked_until' }).first();
    return Number(row?.until ?? 0);
  }

  async remove(db: Db, key: string): Promise<void> {
    await db('rate_limits').where({ key }).delete();
  }

  /** Deletes the counters that mean nothing any more; returns how many. */
  async deleteExpired(db: Db, now: number): Promise<number> {
    return db('rate_limits').where('expires_at', '<', now).delete();
  }
}
