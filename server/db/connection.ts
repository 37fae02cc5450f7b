import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import type { Config } from '../config.ts';

// pg returns DATE as a JS Date in the server's zone and BIGINT/COUNT as strings: keep dates as
// 'YYYY-MM-DD' strings (as SQLite does) and counts as numbers, so repos read both databases alike.
pg.types.setTypeParser(1082, (v: string) => v);
pg.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));

export const migrationsDirectory = path.resolve(import.meta.dirname, '../../migrations');

/** Knex options for the configured database, with SQLite's pragmas set on every connection. */
export function knexOptions(database: Config['database']): Knex.Config {
  const migrations = { directory: migrationsDirectory, loadExtensions: ['.ts'], tableName: 'knex_migrations' };
  if (database.client === 'pg') {
    return { client: 'pg', connection: database.url, pool: { min: 0, max: 10 }, migrations, compileSqlOnError: false };
  }
  return {
    client: 'sqlite3',
    connection: { filename: database.filename },
    useNullAsDefault: true,
    // An error's message carries the SQL with its placeholders, never the bound values (passwords,
    // session ids, tokens would otherwise reach the logs).
    compileSqlOnError: false,
    // One connection: SQLite has one writer anyway, and a single connection makes transactions serial.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { exec(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        // foreign_keys is OFF by default in node-sqlite3; synchronous=FULL so an acknowledged write survives a crash.
        conn.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;', (err) =>
          done(err, conn),
        );
      },
    },
    migrations,
  };
}

/** Opens the database (creating the SQLite file's folder if needed). Never migrates: prepareDatabase (bootstrap.ts) does. */
export function createDb(database: Config['database']): Knex {
  if (database.client === 'sqlite3' && database.filename !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(database.filename)), { recursive: true });
  }
  return knex(knexOptions(database));
}

export async function migrateLatest(db: Knex): Promise<void> {
  await db.migrate.latest();
}
