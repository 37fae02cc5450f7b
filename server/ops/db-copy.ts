// Moves a SQLite installation to PostgreSQL. The source's texts are checked first (a NUL, which PostgreSQL
// cannot store, stopped a copy half-way). Then, in one transaction on the target (PostgreSQL's DDL is
// transactional): migrations, a check that it holds no data, every table in foreign-key order in batches,
// sequences moved past the copied ids, and a comparison with the source table by table (row count and
// checksum). Any failure, a difference included, rolls it all back: the target is left as it was found.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { createDb } from '../db/connection.ts';
import { readBool } from '../db/dialect.ts';
import { t, tn } from '../i18n/messages.ts';
import { KNEX_TABLES, OpsRepo, type ColumnInfo } from './ops.repo.ts';
import { OpsError } from './backup.ts';
import { findControlChar } from '../lib/text.ts';

const repo = new OpsRepo();
const BATCH = 1000;

export interface TableReport {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
  ok: boolean;
}

export interface CopyReport {
  tables: TableReport[];
  rows: number;
  sequences: number;
  /** False when a table differs: the copy was then rolled back. */
  ok: boolean;
}

/** A source text PostgreSQL cannot take as it is. */
export interface BadText {
  table: string;
  column: string;
  /** The row's primary key, as text (a composite key joined by '/'). */
  row: string;
  char: string;
}

/** At most this many bad texts are listed; the count says how many there are. */
const BAD_TEXT_SHOWN = 20;

/**
 * The source's texts PostgreSQL would refuse or alter: NUL (« invalid byte sequence for encoding UTF8:
 * 0x00 ») and lone surrogates (written as U+FFFD, so the checksum would differ). The other control
 * characters (lib/text.ts) are stored by PostgreSQL as they are: copied faithfully, not refused here.
 */
export async function findBadTexts(source: Knex, tables: string[]): Promise<{ count: number; shown: BadText[] }> {
  let count = 0;
  const shown: BadText[] = [];
  for (const table of tables) {
    const key = await repo.primaryKey(source, table);
    let after: unknown[] | null = null;
    for (;;) {
      const batch = await repo.batch(source, table, key, after, BATCH * 5);
      batch.forEach((row, i) => {
        for (const [column, value] of Object.entries(row)) {
          if (typeof value !== 'string') continue;
          const c = findControlChar(value);
          if (!c || (c.code !== 0 && (c.code < 0xd800 || c.code > 0xdfff))) continue;
          count++;
          if (shown.length < BAD_TEXT_SHOWN)
            shown.push({ table, column, row: key.length ? key.map((k) => String(row[k])).join('/') : `#${i + 1}`, char: c.label });
        }
      });
      if (!key.length || batch.length < BATCH * 5) break;
      after = key.map((k) => batch[batch.length - 1][k]);
    }
  }
  return { count, shown };
}

/** A copy whose verification found differences: thrown inside the transaction to roll it back. */
class CopyDiffers extends Error {
  constructor(readonly report: CopyReport) {
    super('copy differs');
  }
}

/** Tables in an order where every table comes after the tables it references. */
export function foreignKeyOrder(tables: string[], edges: [string, string][]): string[] {
  const deps = new Map(tables.map((x) => [x, new Set<string>()]));
  for (const [child, parent] of edges) if (child !== parent && deps.has(child) && deps.has(parent)) deps.get(child)!.add(parent);
  const ordered: string[] = [];
  const done = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((x) => !done.has(x) && [...deps.get(x)!].every((p) => done.has(p)));
    if (!ready.length) throw new OpsError(t('ops.copy.cycle', { tables: tables.filter((x) => !done.has(x)).join(', ') }));
    for (const x of ready) {
      ordered.push(x);
      done.add(x);
    }
  }
  return ordered;
}

function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  const s = String(v);
  if (/^\d+$/.test(s)) return new Date(Number(s));
  // SQLite's CURRENT_TIMESTAMP shape is UTC without a zone.
  const d = new Date(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(s) ? `${s.replace(' ', 'T')}Z` : s);
  return Number.isNaN(d.getTime()) ? null : d;
}

const isTimestamp = (type: string) => type.startsWith('timestamp');
const isJson = (type: string) => type === 'json' || type === 'jsonb';
const isNumeric = (type: string) => ['numeric', 'real', 'double precision'].includes(type);
const isInteger = (type: string) => ['integer', 'bigint', 'smallint'].includes(type);

/** A SQLite value as PostgreSQL's column (of `type`) takes it. */
export function toTarget(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'boolean') return readBool(value);
  if (isTimestamp(type)) return toDate(value) ?? value;
  if (isJson(type) && typeof value !== 'string') return JSON.stringify(value);
  return value;
}

/** JSON with sorted keys, so jsonb's reordering does not change a checksum. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** One value written the same way whichever database it was read from. */
export function normalise(value: unknown, type: string): string {
  if (value === null || value === undefined) return '\u2205';
  if (type === 'boolean') return readBool(value) ? 't' : 'f';
  if (isTimestamp(type)) return toDate(value)?.toISOString() ?? String(value);
  if (type === 'date') return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  if (isJson(type)) {
    try {
      return canonicalJson(typeof value === 'string' ? JSON.parse(value) : value);
    } catch {
      return String(value);
    }
  }
  if (isInteger(type)) {
    try {
      return BigInt(value as number | string).toString();
    } catch {
      return String(value);
    }
  }
  if (isNumeric(type)) return String(Number(value));
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return String(value);
}

/**
 * Count and checksum of a table: the sum, modulo 2^128, of a SHA-256 per normalised row. The sum does
 * not depend on the order rows are read in, so text keys sorted differently by each database agree.
 */
async function summarise(db: Knex, table: string, columns: ColumnInfo[], key: string[]): Promise<{ rows: number; checksum: string }> {
  const mod = 1n << 128n;
  let sum = 0n;
  let rows = 0;
  let after: unknown[] | null = null;
  for (;;) {
    const batch = await repo.batch(db, table, key, after, BATCH * 5);
    for (const row of batch) {
      const text = columns.map((c) => `${c.name}=${normalise(row[c.name], c.type)}`).join('\u241e');
      sum = (sum + BigInt(`0x${createHash('sha256').update(text).digest('hex').slice(0, 32)}`)) % mod;
    }
    rows += batch.length;
    if (!key.length || batch.length < BATCH * 5) break;
    after = key.map((k) => batch[batch.length - 1][k]);
  }
  return { rows, checksum: sum.toString(16).padStart(32, '0') };
}

/** Rows per table the migrations themselves put in (aggregate_state's first row), read off a scratch database. */
async function seededRows(): Promise<Map<string, number>> {
  const scratch = createDb({ client: 'sqlite3', filename: ':memory:' });
  try {
    await scratch.migrate.latest();
    const seeded = new Map<string, number>();
    for (const table of await repo.tables(scratch)) if (!KNEX_TABLES.includes(table)) seeded.set(table, await repo.count(scratch, table));
    return seeded;
  } finally {
    await scratch.destroy();
  }
}

/**
 * Refuses a target that holds data (rows a migration seeds excepted, so a copy that failed after migrating
 * the target can run again), then migrates it.
 */
async function prepareTarget(target: Knex.Transaction, seeded: Map<string, number>): Promise<void> {
  for (const table of await repo.tables(target)) {
    if (KNEX_TABLES.includes(table)) continue;
    if ((await repo.count(target, table)) > (seeded.get(table) ?? 0)) throw new OpsError(t('ops.copy.targetNotEmpty', { table }));
  }
  await target.migrate.latest();
}

/** The refusal of a source holding bad texts, with where they are. */
function badTextError(bad: { count: number; shown: BadText[] }): OpsError {
  const lines = bad.shown.map((b) => t('ops.copy.badTextRow', { table: b.table, column: b.column, row: b.row, char: b.char }));
  if (bad.count > bad.shown.length) lines.push(tn('ops.copy.badTextMore', bad.count - bad.shown.length));
  return new OpsError([tn('ops.copy.badText', bad.count), ...lines].join('\n'));
}

/**
 * Copies every application table of `source` (SQLite) into `target` (PostgreSQL), then verifies; on any
 * failure (or difference) the target's transaction is rolled back, so it is left exactly as it was found.
 */
export async function copyDatabase(source: Knex, target: Knex, log: (line: string) => void = () => {}): Promise<CopyReport> {
  const applied = await repo.appliedMigrations(source);
  // Checked before the target is touched, so that nothing needs undoing.
  const bad = await findBadTexts(
    source,
    (await repo.tables(source)).filter((x) => !KNEX_TABLES.includes(x)),
  );
  if (bad.count) throw badTextError(bad);
  const seeded = await seededRows();

  // The table being copied when a failure happens, for the message.
  let current = '';
  try {
    return await target.transaction(async (trx) => {
      await prepareTarget(trx, seeded);
      const targetApplied = await repo.appliedMigrations(trx);
      const pending = targetApplied.filter((m) => !applied.includes(m)).length;
      if (pending) throw new OpsError(t('ops.copy.sourceNotCurrent', { pending }));

      const sourceTables = new Set(await repo.tables(source));
      const tables = (await repo.tables(trx)).filter((x) => !KNEX_TABLES.includes(x) && sourceTables.has(x));
      const order = foreignKeyOrder(tables, await repo.foreignKeys(trx));
      // Rows the migrations seeded (children first) give way to the copied ones.
      for (const table of [...order].reverse()) await repo.clear(trx, table);
      let sequences = 0;
      for (const table of order) {
        current = table;
        const cols = await repo.columns(trx, table);
        const copied = await copyTable(source, trx, table, cols, await repo.primaryKey(trx, table));
        sequences += await repo.resetSequences(
          trx,
          table,
          cols.filter((c) => isInteger(c.type)).map((c) => c.name),
        );
        log(`  ${table} : ${copied}`);
      }
      current = '';
      const tablesReport = await verifyCopy(source, trx);
      const report = {
        tables: tablesReport,
        rows: tablesReport.reduce((n, r) => n + r.targetRows, 0),
        sequences,
        ok: tablesReport.every((r) => r.ok),
      };
      if (!report.ok) throw new CopyDiffers(report);
      return report;
    });
  } catch (err) {
    if (err instanceof CopyDiffers) return err.report;
    if (err instanceof OpsError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new OpsError(t('ops.copy.rolledBack', { detail: current ? t('ops.copy.failedIn', { table: current, detail }) : detail }));
  }
}

/** One table, in key-ordered batches; returns the number of rows copied. */
async function copyTable(source: Knex, trx: Knex.Transaction, table: string, cols: ColumnInfo[], key: string[]): Promise<number> {
  const size = Math.max(1, Math.min(BATCH, Math.floor(30_000 / cols.length)));
  let after: unknown[] | null = null;
  let copied = 0;
  for (;;) {
    const batch = await repo.batch(source, table, key, after, size);
    await repo.insert(
      trx,
      table,
      batch.map((row) => Object.fromEntries(cols.filter((c) => c.name in row).map((c) => [c.name, toTarget(row[c.name], c.type)]))),
    );
    copied += batch.length;
    if (!key.length || batch.length < size) break;
    after = key.map((k) => batch[batch.length - 1][k]);
  }
  return copied;
}

/** Compares every application table of the target with the source: row count and checksum. */
export async function verifyCopy(source: Knex, target: Knex): Promise<TableReport[]> {
  const sourceTables = new Set(await repo.tables(source));
  const report: TableReport[] = [];
  for (const table of (await repo.tables(target)).filter((x) => !KNEX_TABLES.includes(x) && sourceTables.has(x))) {
    const cols = await repo.columns(target, table);
    const key = await repo.primaryKey(target, table);
    const a = await summarise(source, table, cols, key);
    const b = await summarise(target, table, cols, key);
    report.push({
      table,
      sourceRows: a.rows,
      targetRows: b.rows,
      sourceChecksum: a.checksum,
      targetChecksum: b.checksum,
      ok: a.rows === b.rows && a.checksum === b.checksum,
    });
  }
  return report;
}
