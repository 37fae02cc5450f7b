import type { Services } from './services.ts';
import { officialDepartements, officialRegions } from './reference/geography.ts';
import { INDICATOR_CATALOGUE } from '../seeds/indicator-catalogue.ts';
import { writeTimestamp } from './db/dialect.ts';

/** Brings the database up to date: migrations, reference geography, missing catalogue indicators. Idempotent. */
export async function prepareDatabase(s: Services): Promise<void> {
  await s.db.migrate.latest();
  await s.repos.reference.upsertGeography(s.db, officialRegions(), officialDepartements());
  const added = await s.repos.indicators.insertMissing(s.db, INDICATOR_CATALOGUE, writeTimestamp(s.clock.now()));
  if (added.length) s.logger.info({ added }, 'indicator catalogue: codes added');
}

/** True when nobody and no pole exists yet: only then may the demo data set be loaded. */
export async function isEmptyInstallation(s: Services): Promise<boolean> {
  return (await s.repos.users.count(s.db)) === 0 && (await s.repos.poles.count(s.db)) === 0;
}
