import type { Services } from './services.ts';
import { officialDepartements, officialRegions } from './reference/geography.ts';
import { INDICATOR_CATALOGUE } from './indicators/catalogue.ts';
import { isPostgres, writeTimestamp } from './db/dialect.ts';

/** Key of the PostgreSQL advisory lock that serialises start-up preparation across instances. */
const PREPARE_LOCK_KEY = 0x70746365; // 'ptce'
/** How long a SQLite instance waits for another one's migrations before giving up. */
const SQLITE_LOCK_WAIT_MS = 120_000;

/**
 * Brings the database up to date: migrations, reference geography, missing catalogue indicators. Idempotent,
 * and safe when several instances start at once: on PostgreSQL they queue on an advisory lock (the first
 * migrates, the others then find nothing to do); on SQLite knex's own lock table refuses a second migrator,
 * and a write racing another process's can meet SQLITE_BUSY (a read transaction cannot become a write one
 * once another process has written): since every step is idempotent, the loser waits and starts again.
 */
export async function prepareDatabase(s: Services): Promise<void> {
  if (isPostgres(s.db)) {
    // The lock belongs to this transaction's connection; the work runs on the pool's other connections
    // and the lock is released when the transaction ends, whatever happens.
    await s.db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [PREPARE_LOCK_KEY]);
      await prepare(s);
    });
    return;
  }
  const started = Date.now();
  for (;;) {
    try {
      await prepare(s);
      return;
    } catch (err) {
      if (!isConcurrentStart(err) || Date.now() - started > SQLITE_LOCK_WAIT_MS) throw err;
      s.logger.info({ reason: (err as Error).message.slice(-120) }, 'database being prepared by another instance: waiting');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
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

/** What another instance preparing the same SQLite file at the same moment can make this one meet. */
function isConcurrentStart(err: unknown): boolean {
  return err instanceof Error && (err.name === 'MigrationLocked' || /already locked|SQLITE_BUSY|already exists/i.test(err.message));
}

/** True when nobody and no pole exists yet: only then may the demo data set be loaded. */
export async function isEmptyInstallation(s: Services): Promise<boolean> {
  return (await s.repos.users.count(s.db)) === 0 && (await s.repos.poles.count(s.db)) === 0;
}
