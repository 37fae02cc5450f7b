// npm run backup -- [--dir backups]
// An online, consistent backup of the configured database: SQLite through VACUUM INTO a timestamped file,
// then checked with PRAGMA integrity_check; PostgreSQL through pg_dump --format=custom. The app keeps running.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFromProcess } from '../config.ts';
import { t } from '../i18n/messages.ts';
import { backup } from '../ops/backup.ts';

export interface CliOut {
  out(line: string): void;
  err(line: string): void;
}

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
  let config;
  try {
    config = loadConfigFromProcess();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(err.message);
    return 1;
  }
  try {
    const result = await backup(config.database, path.resolve(dir));
    io.out(t('ops.backup.done', { file: result.file, size: result.bytes }));
    for (const [table, n] of Object.entries(result.tables)) io.out(`  ${table.padEnd(30)} ${n}`);
    return 0;
  } catch (err) {
    io.err(t('ops.failed', { detail: err instanceof Error ? err.message : String(err) }));
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runBackup(process.argv.slice(2), { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) }).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
