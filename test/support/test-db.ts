// Test databases: a real SQLite file or a real PostgreSQL database per test file, migrated and loaded
// with the reference data. A migrated template is built once per run and copied, which keeps a fresh
// database per suite cheap on both engines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { createDb, knexOptions } from '../../server/db/connection.ts';
import type { Config } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { FixedClock } from '../../server/lib/clock.ts';
import { buildServices } from '../../server/services.ts';
import { loadConfig } from '../../server/config.ts';
import { prepareDatabase } from '../../server/bootstrap.ts';

export const onPostgres = process.env.PTCE_TEST_DB === 'pg';
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://ptce:ptce@127.0.0.1:5432/ptce_test';
const runId = `${process.pid}_${Date.now().toString(36)}`;
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptce-test-'));
let templateReady: Promise<void> | null = null;
let counter = 0;

function pgUrlFor(database: string): string {
  const u = new URL(pgUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A connection to the server's maintenance database, for CREATE/DROP DATABASE. */
function pgAdmin(): Knex {
  return knex({ client: 'pg', connection: pgUrl, pool: { min: 0, max: 1 } });
}

const templateName = `ptce_tpl_${runId}`;
const templateFile = path.join(tmpDir, 'template.sqlite');

async function buildTemplate(): Promise<void> {
  const database: Config['database'] = onPostgres
    ? { client: 'pg', url: pgUrlFor(templateName) }
    : { client: 'sqlite3', filename: templateFile };
  if (onPostgres) {
    const admin = pgAdmin();
    await admin.raw(`CREATE DATABASE ${templateName}`);
    await admin.destroy();
  }
  const db = createDb(database);
  const config = loadConfig({ NODE_ENV: 'test' });
  await prepareDatabase(buildServices({ config, db, clock: new FixedClock('2026-11-26T10:00:00'), logger: createLogger('silent') }));
  if (!onPostgres) await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  await db.destroy();
}

export interface TestDb {
  database: Config['database'];
  db: Knex;
  destroy(): Promise<void>;
}

/** A fresh migrated database with regions, départements and the indicator catalogue. */
export async function createTestDb(opts: { empty?: boolean } = {}): Promise<TestDb> {
  const n = ++counter;
  if (opts.empty) {
    // No migrations at all: for the migration tests.
    if (onPostgres) {
      const name = `ptce_t_${runId}_${n}`;
      const admin = pgAdmin();
      await admin.raw(`CREATE DATABASE ${name}`);
      await admin.destroy();
      return wrap({ client: 'pg', url: pgUrlFor(name) }, name);
    }
    return wrap({ client: 'sqlite3', filename: path.join(tmpDir, `db-${n}.sqlite`) });
  }
  templateReady ??= buildTemplate();
  await templateReady;
  if (onPostgres) {
    const name = `ptce_t_${runId}_${n}`;
    const admin = pgAdmin();
    await admin.raw(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
    await admin.destroy();
    return wrap({ client: 'pg', url: pgUrlFor(name) }, name);
  }
  const file = path.join(tmpDir, `db-${n}.sqlite`);
  fs.copyFileSync(templateFile, file);
  return wrap({ client: 'sqlite3', filename: file });
}

function wrap(database: Config['database'], pgName?: string): TestDb {
  const db = createDb(database);
  return {
    database,
    db,
    async destroy() {
      await db.destroy();
      if (pgName) {
        const admin = pgAdmin();
        try {
          // FORCE ends our own sessions, but not an autovacuum worker (the role is not superuser): after a
          // bulk load, one may be analysing the database for a few seconds. Wait for it.
          for (let attempt = 1; ; attempt++) {
            try {
              await admin.raw(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
              break;
            } catch (err) {
              if (attempt >= 30 || !/pg_signal_backend|being accessed by other users/.test(String(err))) throw err;
              await new Promise((r) => setTimeout(r, 1000));
            }
          }
        } finally {
          await admin.destroy();
        }
      } else if (database.client === 'sqlite3') {
        for (const suffix of ['', '-wal', '-shm', '.prepare-lock']) fs.rmSync(database.filename + suffix, { force: true });
      }
    },
  };
}

/** Run once after the whole suite (root hook). */
export async function dropTemplates(): Promise<void> {
  if (onPostgres && templateReady) {
    const admin = pgAdmin();
    await admin.raw(`DROP DATABASE IF EXISTS ${templateName} WITH (FORCE)`);
    await admin.destroy();
  }
  fs.rmSync(tmpDir, { recursive: true, force: true });
}

export { knexOptions };
