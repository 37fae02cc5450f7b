// npm run backup -- [--dir backups]
// An online, consistent backup of the configured database: SQLite through VACUUM INTO a timestamped file,
// then checked with PRAGMA integrity_check; PostgreSQL through pg_dump --format=custom. The app keeps running.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configOrReport, printTableCounts, runIfEntryPoint, type CliOut } from './cli.ts';
import { t } from '../i18n/messages.ts';
import { backup } from '../ops/backup.ts';
import { toolEnvironmentFromProcess } from '../config.ts';

/** Returns the exit code: 0 written and checked, 1 refused or failed. */
export async function runBackup(argv: string[], io: CliOut): Promise<number> {
  let dir: string;
  try {
    const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' } }, strict: true, allowPositionals: false });
    dir = values.dir ?? 'backups';
  } catch (err) {
    io.err(t('ops.badArguments', { detail: (err as Error).message }));
    io.err(t('ops.backup.usage'));
    return 1;
  }
  const config = configOrReport(io);
  if (!config) return 1;
  try {
    const result = await backup(config.database, path.resolve(dir), toolEnvironmentFromProcess());
    io.out(t('ops.backup.done', { file: result.file, size: result.bytes }));
    printTableCounts(io, result.tables);
    return 0;
  } catch (err) {
    io.err(t('ops.failed', { detail: err instanceof Error ? err.message : String(err) }));
    return 1;
  }
}

runIfEntryPoint(import.meta.url, runBackup);
