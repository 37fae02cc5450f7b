import type { Services } from './services.ts';
import { officialDepartements, officialRegions } from './reference/geography.ts';
import { INDICATOR_CATALOGUE } from './indicators/catalogue.ts';
import { isPostgres, writeTimestamp } from './db/dialect.ts';
import { withSqliteFileLock } from './db/sqlite-file-lock.ts';

/** Key of the PostgreSQL advisory lock that serialises start-up preparation across instances. */
const PREPARE_LOCK_KEY = 0x70746365; // 'ptce'
/** How long a SQLite instance waits for another one's preparation, or for a busy database, before giving up. */
const SQLITE_LOCK_WAIT_MS = 120_000;

/**
 * Brings the database up to date: migrations, reference geography, missing catalogue indicators. Idempotent,
 * and safe when several instances start at once. On PostgreSQL they queue on an advisory lock (the first
 * migrates, the others then find nothing to do). On SQLite they queue on a lock file beside the database
 * (sqlite-file-lock.ts), which the system frees if its holder dies: knex's own lock is a row that stays set
 * when freeing it fails (as it can, with SQLITE_BUSY), after which no instance could ever start again. Under
 * either lock nobody else is migrating, so a set knex lock is stale and is freed; and a step meeting
 * SQLITE_BUSY (another instance already serving pages can hold the write lock for a moment) starts again,
 * every step being idempotent.
 */
export async function prepareDatabase(s: Services): Promise<void> {
  if (isPostgres(s.db)) {
    // The lock belongs to this transaction's connection; the work runs on the pool's other connections
    // and the lock is released when the transaction ends, whatever happens.
    await s.db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [PREPARE_LOCK_KEY]);
      await s.db.migrate.forceFreeMigrationsLock();
      await prepare(s);
    });
    return;
  }
  const filename = sqliteFilename(s.db);
  if (filename === ':memory:') return prepare(s);
  const onWait = () => s.logger.info('database being prepared by another instance: waiting');
  await withSqliteFileLock(filename, { waitMs: SQLITE_LOCK_WAIT_MS, onWait }, async () => {
    const started = Date.now();
    for (;;) {
      try {
        await s.db.migrate.forceFreeMigrationsLock();
        await prepare(s);
        return;
      } catch (err) {
        if (!isBusy(err) || Date.now() - started > SQLITE_LOCK_WAIT_MS) throw err;
        s.logger.info({ reason: (err as Error).message.slice(-120) }, 'database busy while preparing it: trying again');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  });
}

async function prepare(s: Services): Promise<void> {
  await s.db.migrate.latest();
  await s.repos.reference.upsertGeography(s.db, officialRegions(), officialDepartements());
  const added = await s.repos.indicators.insertMissing(s.db, INDICATOR_CATALOGUE, writeTimestamp(s.clock.now()));
  if (added.length) s.logger.info({ added }, 'indicator catalogue: codes added');
  await reportAllDigitSlugs(s);
}

/**
 * Poles whose slug is all digits, from before the rule: kept (their links keep working, by slug only) but
 * named at every start so staff can rename them; the pole form refuses them at the next edit.
 */
async function reportAllDigitSlugs(s: Services): Promise<void> {
  const slugs = await s.repos.poles.allDigitSlugs(s.db);
  if (slugs.length) s.logger.warn({ slugs }, 'poles with an all-digit slug: rename them (Modifier le pôle); new ones are refused');
}

/** The file the knex handle opened (createDb's configuration). */
function sqliteFilename(db: Services['db']): string {
  return (db.client.config as { connection: { filename: string } }).connection.filename;
}

/** What another instance using the same SQLite file at the same moment can make this one meet. */
function isBusy(err: unknown): boolean {
  return err instanceof Error && /SQLITE_BUSY/.test(err.message);
}

/** True when nobody and no pole exists yet: only then may the demo data set be loaded. */
export async function isEmptyInstallation(s: Services): Promise<boolean> {
  return (await s.repos.users.count(s.db)) === 0 && (await s.repos.poles.count(s.db)) === 0;
}
