// npm run restore -- <file> [--to <file.sqlite | postgres://…>] [--force]
// Restores a backup made by `npm run backup` into the configured database (or the one given by --to).
// SQLite: stop the app first; the file is checked, then renamed into place. PostgreSQL: pg_restore --clean
// --if-exists in one transaction. A target that already holds data is refused unless --force.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configOrReport, printTableCounts, runIfEntryPoint, type CliOut } from './cli.ts';
import { toolEnvironmentFromProcess, type Config } from '../config.ts';
import { t } from '../i18n/messages.ts';
import { restore } from '../ops/backup.ts';

/** Returns the exit code: 0 restored, 1 refused or failed. */
export async function runRestore(argv: string[], io: CliOut): Promise<number> {
  let file: string;
  let to: string | undefined;
  let force: boolean;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { to: { type: 'string' }, force: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new Error('un fichier de sauvegarde, et un seul');
    file = path.resolve(positionals[0]);
    to = values.to;
    force = values.force ?? false;
  } catch (err) {
    io.err(t('ops.badArguments', { detail: (err as Error).message }));
    io.err(t('ops.restore.usage'));
    return 1;
  }
  let target: Config['database'];
  if (to) target = /^postgres(ql)?:\/\//.test(to) ? { client: 'pg', url: to } : { client: 'sqlite3', filename: to };
  else {
    const config = configOrReport(io);
    if (!config) return 1;
    target = config.database;
  }
  const kind = file.endsWith('.sqlite') ? 'sqlite3' : 'pg';
  if (kind !== target.client) {
    io.err(t('ops.restore.kindMismatch', { kind: kind === 'pg' ? 'PostgreSQL' : 'SQLite', file }));
    return 1;
  }
  try {
    const result = await restore(file, target, force, toolEnvironmentFromProcess());
    io.out(t('ops.restore.done', { target: target.client === 'pg' ? new URL(target.url).pathname.slice(1) : result.file }));
    printTableCounts(io, result.tables);
    return 0;
  } catch (err) {
    io.err(t('ops.failed', { detail: err instanceof Error ? err.message : String(err) }));
    return 1;
  }
}

runIfEntryPoint(import.meta.url, runRestore);
