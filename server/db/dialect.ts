// The one place that knows which database it talks to. Pure helpers: migrations may import it.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';

export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

/** SQL that makes a table append-only: UPDATE and DELETE are refused by triggers. */
export async function makeAppendOnly(db: Knex, table: string): Promise<void> {
  if (isPostgres(db)) {
    await db.raw(`CREATE OR REPLACE FUNCTION ${table}_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION '${table} is append-only'; END; $$ LANGUAGE plpgsql`);
    await db.raw(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE OR DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION ${table}_append_only()`);
  } else {
    await db.raw(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`);
    await db.raw(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`);
  }
}

export async function dropAppendOnly(db: Knex, table: string): Promise<void> {
  if (isPostgres(db)) {
    await db.raw(`DROP TRIGGER IF EXISTS ${table}_no_update ON ${table}`);
    await db.raw(`DROP FUNCTION IF EXISTS ${table}_append_only()`);
  } else {
    await db.raw(`DROP TRIGGER IF EXISTS ${table}_no_update`);
    await db.raw(`DROP TRIGGER IF EXISTS ${table}_no_delete`);
  }
}

/** Timestamps are written as ISO strings; SQLite gives them back as text, pg as Date. */
export function readTimestamp(value: unknown): DateTime | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' });
  if (typeof value === 'number') return DateTime.fromMillis(value, { zone: 'utc' });
  const s = String(value);
  const iso = DateTime.fromISO(s, { zone: 'utc' });
  return iso.isValid ? iso : DateTime.fromSQL(s, { zone: 'utc' });
}

export function writeTimestamp(dt: DateTime): string {
  return dt.toUTC().toISO()!;
}

/** The clock's present as a stored timestamp (what every write records as its time). */
export function nowTimestamp(clock: { now(): DateTime }): string {
  return writeTimestamp(clock.now());
}

/** SQLite gives booleans back as 1/0. */
export function readBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/** Case-insensitive LIKE on both databases (SQLite's LIKE is already case-insensitive for ASCII). */
export function likeOperator(db: Knex): string {
  return isPostgres(db) ? 'ilike' : 'like';
}

/** True when the error is a unique-constraint violation, on either database. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || (e?.code === 'SQLITE_CONSTRAINT' && /UNIQUE/.test(e.message ?? ''));
}
