// What the operations commands (backup, restore, db:copy) share: their output, the configuration read
// with its error printed rather than thrown, and the « run when this file is the entry point » ending.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfigFromProcess, type Config } from '../config.ts';

export interface CliOut {
  out(line: string): void;
  err(line: string): void;
}

/** The configuration, or null once its problems are printed (the command then exits 1). */
export function configOrReport(io: CliOut): Config | null {
  try {
    return loadConfigFromProcess();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(err.message);
    return null;
  }
}

/** One line per table with its row count. */
export function printTableCounts(io: CliOut, tables: Record<string, number>): void {
  for (const [table, n] of Object.entries(tables)) io.out(`  ${table.padEnd(30)} ${n}`);
}

/** Runs `command` with the process's arguments when `moduleUrl` is the entry point; its result is the exit code. */
export function runIfEntryPoint(moduleUrl: string, command: (argv: string[], io: CliOut) => Promise<number>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(path.resolve(process.argv[1])).href) return;
  command(process.argv.slice(2), { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) }).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
