import sqlite3 from 'sqlite3';

/** How often a waiting instance tries the lock again, and how long each try waits inside SQLite. */
const RETRY_MS = 200;

/**
 * Runs `work` while holding an exclusive lock shared by every process on this machine, kept in a small
 * SQLite file beside the database (`<file>.prepare-lock`). SQLite's lock is the operating system's: it is
 * released when the holder's connection closes or its process dies, so, unlike knex's lock row, a crash
 * in the middle of the work never leaves a lock that nobody will ever free.
 */
export async function withSqliteFileLock<T>(
  databaseFile: string,
  options: { waitMs: number; onWait: () => void },
  work: () => Promise<T>,
): Promise<T> {
  const lock = await open(`${databaseFile}.prepare-lock`);
  try {
    await acquire(lock, options);
    try {
      return await work();
    } finally {
      await run(lock, 'ROLLBACK').catch(() => undefined);
    }
  } finally {
    await new Promise<void>((resolve) => lock.close(() => resolve()));
  }
}

function open(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(db)));
    db.configure('busyTimeout', RETRY_MS);
  });
}

async function acquire(lock: sqlite3.Database, options: { waitMs: number; onWait: () => void }): Promise<void> {
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      // EXCLUSIVE takes the file's lock at once (the file stays empty: nothing is ever written to it).
      await run(lock, 'BEGIN EXCLUSIVE');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
      if (Date.now() - started > options.waitMs) {
        throw new Error(`another instance has been preparing the database for more than ${Math.round(options.waitMs / 1000)} s`);
      }
      if (!told) options.onWait();
      told = true;
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}

function run(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
}
