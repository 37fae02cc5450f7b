// npm run db:copy -- --to postgres://user:password@host:5432/base
// Moves the configured SQLite installation (SQLITE_FILE) to an empty PostgreSQL database: the source's texts
// checked first (a NUL is refused, listed by table, column and row, before anything is written), then in one
// transaction on the target: migrations, every table copied in foreign-key order, sequences reset, row
// counts and a checksum per table compared. Exit code 0 when every table matches; 1 otherwise, and then the
// target is left as it was found (rolled back). Stop the app first (or accept that writes made during the
// copy stay behind).
import { parseArgs } from 'node:util';
import { configOrReport, runIfEntryPoint, type CliOut } from './cli.ts';
import { createDb } from '../db/connection.ts';
import { t, tn } from '../i18n/messages.ts';
import { copyDatabase } from '../ops/db-copy.ts';

/** Returns the exit code: 0 copied and verified, 1 refused, failed or different. */
export async function runDbCopy(argv: string[], io: CliOut): Promise<number> {
  let to: string;
  try {
    const { values } = parseArgs({ args: argv, options: { to: { type: 'string' } }, strict: true, allowPositionals: false });
    if (!values.to) throw new Error('--to manquant');
    to = values.to;
  } catch (err) {
    io.err(t('ops.badArguments', { detail: (err as Error).message }));
    io.err(t('ops.copy.usage'));
    return 1;
  }
  if (!/^postgres(ql)?:\/\//.test(to)) {
    io.err(t('ops.copy.targetNotPostgres'));
    return 1;
  }
  const config = configOrReport(io);
  if (!config) return 1;
  if (config.database.client !== 'sqlite3') {
    io.err(t('ops.copy.sourceNotSqlite'));
    return 1;
  }
  const source = createDb(config.database);
  const target = createDb({ client: 'pg', url: to });
  try {
    const report = await copyDatabase(source, target, io.out);
    io.out('');
    io.out(t('ops.copy.header'));
    for (const r of report.tables) {
      io.out(
        `${r.table.padEnd(30)} ${String(r.sourceRows).padStart(13)} ${String(r.targetRows).padStart(14)}   ${r.ok ? t('ops.copy.same') : t('ops.copy.different', { source: r.sourceChecksum.slice(0, 8), target: r.targetChecksum.slice(0, 8) })}`,
      );
    }
    const bad = report.tables.filter((r) => !r.ok).length;
    if (bad) {
      io.err(tn('ops.copy.mismatch', bad));
      return 1;
    }
    io.out(t('ops.copy.ok', { tables: report.tables.length, rows: report.rows, sequences: report.sequences }));
    return 0;
  } catch (err) {
    io.err(t('ops.failed', { detail: err instanceof Error ? err.message : String(err) }));
    return 1;
  } finally {
    await source.destroy();
    await target.destroy();
  }
}

runIfEntryPoint(import.meta.url, runDbCopy);
