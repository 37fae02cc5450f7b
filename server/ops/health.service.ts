import fs from 'node:fs';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { readTimestamp } from '../db/dialect.ts';
import type { Clock } from '../lib/clock.ts';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { HealthRepo } from './health.repo.ts';

export interface Readiness {
  status: 'ok' | 'unavailable' | 'stopping';
  database: 'ok' | 'unreachable' | 'timeout';
  migrations: { current: string | null; pending: number; unknown: number } | null;
  lastRefresh: { at: string | null; ageSeconds: number | null; pendingChanges: number } | null;
}

export interface HealthServiceDeps {
  db: Knex;
  clock: Clock;
  repos: { health: HealthRepo; aggregatesRead: AggregatesReadRepo };
  migrationsDirectory: string;
  logger: Logger;
  timeoutMs?: number;
}

/**
 * What /readyz says: the database answers, its migrations are those of this code, and how old the
 * aggregates are. Nothing secret: no address, no user, no error text (those go to the log).
 */
export class HealthService {
  private stopping = false;
  private files: string[] | null = null;

  private readonly db: Knex;
  private readonly clock: Clock;
  private readonly repos: { health: HealthRepo; aggregatesRead: AggregatesReadRepo };
  private readonly migrationsDirectory: string;
  private readonly logger: Logger;
  private readonly timeoutMs: number;

  constructor(deps: HealthServiceDeps) {
    ({
      db: this.db,
      clock: this.clock,
      repos: this.repos,
      migrationsDirectory: this.migrationsDirectory,
      logger: this.logger,
      timeoutMs: this.timeoutMs = 3000,
    } = deps);
  }

  /** Called at the start of a graceful shutdown: the probe then fails, so a balancer stops sending traffic. */
  markStopping(): void {
    this.stopping = true;
  }

  /** The migration files this code ships, sorted the way knex applies them. */
  private migrationFiles(): string[] {
    this.files ??= fs
      .readdirSync(this.migrationsDirectory)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .sort();
    return this.files;
  }

  async readiness(): Promise<Readiness> {
    const down = (database: Readiness['database']): Readiness => ({ status: 'unavailable', database, migrations: null, lastRefresh: null });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.timeoutMs)));
    try {
      const checked = await Promise.race([this.check(), timeout]);
      if (checked === 'timeout') {
        this.logger.warn({ timeoutMs: this.timeoutMs }, 'readiness: the database did not answer in time');
        return down('timeout');
      }
      return this.stopping ? { ...checked, status: 'stopping' } : checked;
    } catch (err) {
      this.logger.warn({ err }, 'readiness: database unreachable');
      return down('unreachable');
    } finally {
      clearTimeout(timer);
    }
  }

  private async check(): Promise<Readiness> {
    await this.repos.health.ping(this.db);
    const applied = (await this.repos.health.appliedMigrations(this.db)) ?? [];
    const files = this.migrationFiles();
    const done = new Set(applied);
    const known = new Set(files);
    const migrations = {
      current: applied.at(-1) ?? null,
      pending: files.filter((f) => !done.has(f)).length,
      // Applied by a newer version of the code (during a rolling upgrade): reported, not fatal.
      unknown: applied.filter((f) => !known.has(f)).length,
    };
    let lastRefresh: Readiness['lastRefresh'] = null;
    if (migrations.pending === 0) {
      const f = await this.repos.aggregatesRead.freshness(this.db);
      // A refresh that found nothing to change leaves the aggregates as they were, yet current: it counts.
      const lastRun = await this.repos.health.lastSuccess(this.db, ['refresh', 'rebuild']);
      const times = [f.refreshedAt, f.rebuiltAt, lastRun].map(readTimestamp).filter((d) => d !== null);
      const at = times.length ? times.reduce((a, b) => (a > b ? a : b)) : null;
      lastRefresh = {
        at: at ? at.toUTC().toISO() : null,
        ageSeconds: at ? Math.max(0, Math.round(this.clock.now().diff(at, 'seconds').seconds)) : null,
        pendingChanges: f.pending,
      };
    }
    return { status: migrations.pending === 0 ? 'ok' : 'unavailable', database: 'ok', migrations, lastRefresh };
  }
}
