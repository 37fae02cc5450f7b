// From an uploaded file to import rows, without holding the event loop: the file is read chunk by chunk
// (import-files.ts), then its rows are read in slices with a yield between them.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { readSpreadsheet, READ_LIMITS, type SheetRow } from './import-files.ts';
import { readRows, type ImportKind, type ImportRow, type Problem, type ReadRowsResult } from './import-rows.ts';

const SLICE = 5_000;
const RELEASED: SheetRow = { line: 0, cells: [] };

const isEmpty = (r: SheetRow) => r.cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));

/** The rows of a file, or why it is refused (with its HTTP status). */
export async function parseSpreadsheet(
  buffer: Buffer,
  filename: string,
  kind: ImportKind,
): Promise<ReadRowsResult | { ok: false; status: number; error: string }> {
  const sheet = await readSpreadsheet(buffer, filename, READ_LIMITS[kind]);
  if (!sheet.ok) return { ok: false, status: sheet.status ?? 422, error: sheet.error };
  const rows = sheet.rows;
  const headerIndex = rows.findIndex((r) => !isEmpty(r));
  const first = readRows(rows.slice(0, headerIndex + SLICE), kind, sheet.format);
  if (!first.ok) return { ...first, status: 422 };
  // Each slice is read under the same header: a row's reading never depends on the others.
  const out: ImportRow[] = first.rows;
  const problems: Problem[] = first.problems;
  let count = first.count;
  const header = rows[headerIndex];
  for (let i = headerIndex + SLICE; i < rows.length; i += SLICE) {
    await yieldToLoop();
    const slice = [header];
    for (let j = i; j < Math.min(i + SLICE, rows.length); j++) {
      slice.push(rows[j]);
      // Read rows are let go as the import rows are made: both lists whole at once doubled the peak.
      rows[j] = RELEASED;
    }
    const read = readRows(slice, kind, sheet.format);
    if (!read.ok) return { ...read, status: 422 };
    for (const r of read.rows) out.push(r);
    for (const p of read.problems) problems.push(p);
    count += read.count;
  }
  return { ok: true, rows: out, problems, columns: first.columns, count };
}
