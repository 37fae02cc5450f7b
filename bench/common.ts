// Shared pieces of the bench: its frozen clock, its configuration and a progress bar on stderr.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../server/config.ts';
import { createDb } from '../server/db/connection.ts';
import { FixedClock } from '../server/lib/clock.ts';
import { createLogger } from '../server/logger.ts';
import { buildServices, type Services } from '../server/services.ts';

/**
 * The bench's « now »: frozen so that a generated file stays valid whatever the day (its last closed
 * quarter is 2026-T3, the quarter the aggregates' state expects).
 */
export const BENCH_NOW = '2026-11-26T10:00:00';

/** Quarters each generated pole reports, and the indicators entered each quarter (13: no ratio). */
export const QUARTERS_PER_POLE = 40;
export const INDICATORS_PER_QUARTER = 13;

export const benchDirectory = path.resolve(import.meta.dirname, '../tmp/bench');

export function benchFile(values: number): string {
  return path.join(benchDirectory, `bench-${values}.sqlite`);
}

/** The app's production configuration (cached views, no demo data), on a given SQLite file. */
export function benchConfig(file: string, extra: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'production',
    SQLITE_FILE: file,
    SESSION_SECRET: 'bench-only-session-secret-0123456789abcdef',
    PUBLIC_URL: 'http://127.0.0.1',
    PASSWORD_HASH_COST: '10',
    LOG_LEVEL: 'warn',
    ...extra,
  });
}

/**
 * Services on a SQLite file, with the bench's frozen clock, wired as server/main.ts wires them: the
 * aggregate jobs (rebuild, refresh) on a second connection of their own when the services accept one.
 */
export function openServices(file: string, extra: Record<string, string> = {}): Services {
  const config = benchConfig(file, extra);
  const db = createDb(config.database);
  const jobsDb = createDb(config.database);
  return buildServices({ config, db, jobsDb, clock: new FixedClock(BENCH_NOW), logger: createLogger(config.logLevel) });
}

/** Closes what openServices opened. */
export async function closeServices(s: Services): Promise<void> {
  const jobsDb = (s as { jobsDb?: Services['db'] }).jobsDb;
  if (jobsDb && jobsDb !== s.db) await jobsDb.destroy();
  await s.db.destroy();
}

export function removeSqlite(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

/** A `\r[#####     ] 43 %` line on stderr, redrawn only when the percentage moves. */
export function progressBar(label: string, width = 30) {
  let shown = -1;
  const enabled = process.env.BENCH_QUIET !== '1';
  return {
    update(done: number, total: number) {
      if (!enabled) return;
      const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : 100;
      if (pct === shown) return;
      shown = pct;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(pct).padStart(3)} %`);
    },
    done() {
      if (enabled && shown >= 0) process.stderr.write('\n');
      shown = -1;
    },
  };
}

/** Replaces what stands between `<!-- name -->` and `<!-- /name -->` in `file` (BENCHMARKS.md), keeping the rest. */
export function writeBetweenMarkers(file: string, name: string, md: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const start = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i === -1 || j < i) throw new Error(`${file}: markers ${start} … ${end} not found`);
  fs.writeFileSync(file, `${text.slice(0, i + start.length)}\n${md}\n${text.slice(j)}`);
}

export function arg(name: string, argv = process.argv.slice(2)): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const v = argv[i + 1];
  return v === undefined || v.startsWith('--') ? '' : v;
}

export function flag(name: string, argv = process.argv.slice(2)): boolean {
  return argv.includes(`--${name}`);
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
