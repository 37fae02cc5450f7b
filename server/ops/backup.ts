// Online backups and restores: SQLite through VACUUM INTO (a consistent snapshot while the app keeps
// writing) checked with integrity_check; PostgreSQL through pg_dump / pg_restore (custom format).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import knex, { type Knex } from 'knex';
import type { Config } from '../config.ts';
import { createDb } from '../db/connection.ts';
import { KNEX_TABLES, OpsRepo } from './ops.repo.ts';
import { t } from '../i18n/messages.ts';

const repo = new OpsRepo();

export class OpsError extends Error {}

/** `ptce-2026-11-26T12-34-56-789Z`: sortable, safe in any file system. */
export function backupStamp(now: Date): string {
  return `ptce-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/** A read-only handle on a SQLite file, without touching its journal mode (a backup stays as written). */
export function openSqliteReadOnly(file: string): Knex {
  // knex adds its flags to READWRITE | CREATE, so read-only is asked of SQLite itself (query_only).
  return knex({
    client: 'sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { exec(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        conn.exec('PRAGMA query_only = ON', (err) => done(err, conn));
      },
    },
  });
}

/** Checks a SQLite file with PRAGMA integrity_check; returns the problems (empty when sound). */
export async function checkSqliteFile(file: string): Promise<string[]> {
  if (!fs.existsSync(file)) return [`${file} : fichier introuvable`];
  const db = openSqliteReadOnly(file);
  try {
    const result = await repo.integrityCheck(db);
    return result.length === 1 && result[0] === 'ok' ? [] : result;
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)];
  } finally {
    await db.destroy();
  }
}

/** Row counts of the application's tables. */
export async function tableCounts(db: Knex): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of await repo.tables(db)) if (!KNEX_TABLES.includes(table)) out[table] = await repo.count(db, table);
  return out;
}

/** libpq's environment for a postgres:// URL, so no password shows in a process list. */
export function pgEnvironment(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {
    PGHOST: decodeURIComponent(u.hostname) || 'localhost',
    PGPORT: u.port || '5432',
    PGDATABASE: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

/** The environment a tool runs in besides its connection (config.toolEnvironment): PATH, locale… */
export type ToolEnvironment = Readonly<Record<string, string>>;

/** Runs a PostgreSQL client tool; rejects with its standard error when it fails. */
export function runPgTool(tool: string, args: string[], url: string, env: ToolEnvironment): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env: { ...env, ...pgEnvironment(url) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', (e) => reject(new OpsError(`${tool} : ${e.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new OpsError(t('ops.toolFailed', { tool, code: String(code), detail: err.trim() }))),
    );
  });
}

export interface BackupResult {
  file: string;
  bytes: number;
  tables: Record<string, number>;
}

/**
 * Creates the backup file, empty and readable by its owner alone (it holds password hashes, sessions and
 * personal data), before the tool writes into it: never a moment where another user of the machine can read it.
 */
function createPrivateFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new OpsError(t('ops.fileExists', { file }));
    throw err;
  }
  fs.chmodSync(file, 0o600); // whatever the umask
}

/** A failed backup leaves no file behind: an empty or unchecked one could be restored some day. */
const removeAndThrow =
  (file: string) =>
  (err: unknown): never => {
    fs.rmSync(file, { force: true });
    throw err;
  };

/** Takes an online, consistent backup of the configured database into `dir`. */
export async function backup(database: Config['database'], dir: string, env: ToolEnvironment, now = new Date()): Promise<BackupResult> {
  fs.mkdirSync(dir, { recursive: true });
  if (database.client === 'pg') {
    const file = path.resolve(dir, `${backupStamp(now)}.dump`);
    createPrivateFile(file);
    // One snapshot for the whole dump: rows committed before it starts are in, later ones are not.
    await (async () => {
      await runPgTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`], database.url, env);
      // The archive's table of contents must read back.
      const list = await runPgTool('pg_restore', ['--list', file], database.url, env);
      if (!/TABLE DATA/.test(list)) throw new OpsError(t('ops.archiveEmpty', { file }));
    })().catch(removeAndThrow(file));
    const db = createDb(database);
    try {
      return { file, bytes: fs.statSync(file).size, tables: await tableCounts(db) };
    } finally {
      await db.destroy();
    }
  }
  // Opening a missing file would create an empty database and back that up.
  if (!fs.existsSync(database.filename)) throw new OpsError(t('ops.fileMissing', { file: database.filename }));
  const file = path.resolve(dir, `${backupStamp(now)}.sqlite`);
  createPrivateFile(file); // VACUUM INTO accepts an empty file
  await (async () => {
    const db = createDb(database);
    try {
      await repo.vacuumInto(db, file);
    } finally {
      await db.destroy();
    }
    const problems = await checkSqliteFile(file);
    if (problems.length) throw new OpsError(t('ops.integrityFailed', { file, problems: problems.slice(0, 5).join(' ; ') }));
  })().catch(removeAndThrow(file));
  const copy = openSqliteReadOnly(file);
  try {
    return { file, bytes: fs.statSync(file).size, tables: await tableCounts(copy) };
  } finally {
    await copy.destroy();
  }
}

/** True when the database holds at least one table with rows (knex's own excluded). */
export async function hasData(db: Knex): Promise<boolean> {
  for (const table of await repo.tables(db)) {
    if (!KNEX_TABLES.includes(table) && (await repo.count(db, table)) > 0) return true;
  }
  return false;
}

/**
 * Restores a backup. SQLite: the file is checked, then copied beside the target and renamed over it (the
 * app must be stopped); PostgreSQL: pg_restore --clean --if-exists in one transaction. A target holding
 * data is refused unless `force`.
 */
export async function restore(file: string, target: Config['database'], force: boolean, env: ToolEnvironment): Promise<BackupResult> {
  if (!fs.existsSync(file)) throw new OpsError(t('ops.fileMissing', { file }));
  if (target.client === 'pg') {
    const db = createDb(target);
    try {
      if (!force && (await hasData(db))) throw new OpsError(t('ops.restore.targetNotEmpty'));
      await runPgTool(
        'pg_restore',
        [
          '--clean',
          '--if-exists',
          '--no-owner',
          '--no-privileges',
          '--single-transaction',
          '--exit-on-error',
          `--dbname=${pgEnvironment(target.url).PGDATABASE}`,
          file,
        ],
        target.url,
        env,
      );
      return { file, bytes: fs.statSync(file).size, tables: await tableCounts(db) };
    } finally {
      await db.destroy();
    }
  }
  const problems = await checkSqliteFile(file);
  if (problems.length) throw new OpsError(t('ops.integrityFailed', { file, problems: problems.slice(0, 5).join(' ; ') }));
  const dest = path.resolve(target.filename);
  if (fs.existsSync(dest) && fs.statSync(dest).size > 0 && !force) {
    const db = openSqliteReadOnly(dest);
    let full = true;
    try {
      full = await hasData(db);
    } finally {
      await db.destroy();
    }
    if (full) throw new OpsError(t('ops.restore.fileNotEmpty', { dest }));
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const partial = `${dest}.restauration`;
  fs.copyFileSync(file, partial);
  const fd = fs.openSync(partial, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  // The old file's journal belongs to the old file: it must not be replayed over the restored one.
  for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(dest + suffix, { force: true });
  fs.renameSync(partial, dest);
  const db = openSqliteReadOnly(dest);
  try {
    return { file: dest, bytes: fs.statSync(dest).size, tables: await tableCounts(db) };
  } finally {
    await db.destroy();
  }
}
