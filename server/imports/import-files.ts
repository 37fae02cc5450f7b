// Reading an uploaded spreadsheet into rows of cells, whatever Excel or LibreOffice produced: XLSX, or
// CSV in UTF-8 (with or without BOM) or Windows-1252, separated by `;`, `,` or tabs. Nothing is ever
// evaluated: a formula is reported as such, for the person to paste its value instead. Both readers work
// chunk by chunk, yielding to the event loop between chunks, and stop at the first limit passed.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parse, CsvError } from 'csv-parse';
import { t } from '../i18n/messages.ts';
import { formatNumber } from '../lib/format.ts';
import { letters, readFirstSheet, XlsxLimit, zipEntries } from './xlsx-reader.ts';

/** A cell as read: text, a number (XLSX), a boolean (XLSX), or a cell that cannot be taken as it is. */
export type Cell = string | number | boolean | null | { formula: string } | { error: string };

export interface SheetRow {
  /** The row's number as the spreadsheet shows it (1 is the header). */
  line: number;
  cells: Cell[];
}

/** A refusal carries its HTTP status: 413 for a file too big once read, 422 for one that cannot be taken. */
export type ReadResult = { ok: true; format: 'csv' | 'xlsx'; rows: SheetRow[] } | { ok: false; error: string; status?: 413 | 422 };

/** Data rows of a long-format file (many poles and quarters). */
export const MAX_ROWS = 200_000;
/** Data rows of one quarter's file: its template has one row per indicator and category, a few dozen. */
export const QUARTER_MAX_ROWS = 1_000;
// Twice the longest comment the entry form takes (2,000 characters): a longer comment still gets the
// form's own message, on its line; beyond this the cell is not data we ask for.
export const MAX_CELL = 4_000;
// The templates have 9 columns; room for a few columns of notes beside them.
export const MAX_COLUMNS = 50;

// An XLSX is a zip: what it may inflate to follows the upload's size (spreadsheets inflate about 8×;
// a « zip bomb » a thousand times), with a floor for the fixed parts of tiny files, and a cap per kind.
const INFLATE_RATIO = 25;
const INFLATE_FLOOR = 1024 * 1024;

export interface ReadLimits {
  maxRows: number;
  /** Cap of the inflated size, whatever the upload's size. */
  maxInflated: number;
}

export const READ_LIMITS = {
  // 1,000 rows of 9 cells of 4,000 characters would need about 12 MB.
  quarter: { maxRows: QUARTER_MAX_ROWS, maxInflated: 16 * 1024 * 1024 },
  // 200,000 rows inflate to about 70 MB (measured on exceljs's output); room for comments.
  long: { maxRows: MAX_ROWS, maxInflated: 160 * 1024 * 1024 },
} satisfies Record<string, ReadLimits>;

/** The inflated bytes an XLSX of this size may hold. */
export const inflateBudget = (uploadBytes: number, limits: ReadLimits) =>
  Math.min(limits.maxInflated, INFLATE_FLOOR + INFLATE_RATIO * uploadBytes);

const CSV_CHUNK = 64 * 1024;

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
// The old binary Excel format (OLE2 compound file).
const isOle = (b: Uint8Array) => b.length >= 4 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;

const tooManyRows = (limits: ReadLimits): ReadResult => ({
  ok: false,
  status: 413,
  error: t('import.file.tooManyRows', { max: formatNumber(limits.maxRows) }),
});
const cellTooLong = (cell: string): ReadResult => ({
  ok: false,
  status: 422,
  error: t('import.file.cellTooLong', { cell, max: formatNumber(MAX_CELL) }),
});
const tooManyColumns = (): ReadResult => ({ ok: false, status: 422, error: t('import.file.tooManyColumns', { max: MAX_COLUMNS }) });

/** Reads an uploaded file: XLSX by its magic bytes, otherwise text (CSV). */
export async function readSpreadsheet(buffer: Buffer, filename: string, limits: ReadLimits = READ_LIMITS.long): Promise<ReadResult> {
  if (buffer.length === 0) return { ok: false, error: t('import.file.empty') };
  if (isZip(buffer)) return readXlsx(buffer, limits);
  if (isOle(buffer) || /\.xls$/i.test(filename)) return { ok: false, error: t('import.file.xls') };
  if (/\.(xlsx|xlsm|ods)$/i.test(filename)) return { ok: false, error: t('import.file.notXlsx') };
  const text = decodeText(buffer);
  if (text.includes('\u0000')) return { ok: false, error: t('import.file.notText') };
  return readCsv(text, limits);
}

/** UTF-8 (BOM removed), UTF-16 with its BOM, else Windows-1252: the encodings French Excel writes. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    // Strips a UTF-8 BOM by itself (ignoreBOM is false by default).
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Node 20's 'windows-1252' decoder is plain Latin-1: bytes 0x80–0x9F come out as C1 controls
    // instead of ’ € œ « … — mapped here (no French text contains a C1 control).
    return new TextDecoder('windows-1252').decode(bytes).replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] || c);
  }
}

// Windows-1252's characters for bytes 0x80–0x9F (an empty string: the byte is undefined there).
const CP1252_HIGH = [
  '€',
  '',
  '‚',
  'ƒ',
  '„',
  '…',
  '†',
  '‡',
  'ˆ',
  '‰',
  'Š',
  '‹',
  'Œ',
  '',
  'Ž',
  '',
  '',
  '‘',
  '’',
  '“',
  '”',
  '•',
  '–',
  '—',
  '˜',
  '™',
  'š',
  '›',
  'œ',
  '',
  'ž',
  'Ÿ',
];

/** The separator of the header line: the most frequent of `;`, `,` and tab outside quotes (`;` on a tie). */
export function detectSeparator(text: string): string {
  const counts = new Map<string, number>([
    [';', 0],
    [',', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if ([...counts.values()].some((n) => n > 0)) break;
    } else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ';';
  for (const [sep, n] of counts) if (n > counts.get(best)!) best = sep;
  return best;
}

async function readCsv(text: string, limits: ReadLimits): Promise<ReadResult> {
  // relax_quotes: a quote inside an unquoted cell (« Salle "Le Phare" ») is taken as it is.
  const parser = parse({
    delimiter: detectSeparator(text),
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: 100_000,
  });
  const rows: SheetRow[] = [];
  // Lines are counted here: csv-parse's own count takes a CRLF inside a quoted cell for two lines.
  let linesBefore = 0;
  let refusal: ReadResult | null = null;
  let failure: unknown = null;
  // A long file repeats a few short texts (pole slugs, codes, years, quarters) on every line: one string
  // each, as an XLSX's shared strings do, instead of one per cell (200,000 rows: hundreds of MB).
  const seen = new Map<string, string>();
  const intern = (f: string): string => {
    if (f.length > 40) return f;
    const known = seen.get(f);
    if (known !== undefined) return known;
    if (seen.size < 50_000) seen.set(f, f);
    return f;
  };
  parser.on('data', ({ record, info }: { record: string[]; info: { empty_lines: number } }) => {
    if (refusal) return;
    const line = linesBefore + info.empty_lines + 1;
    if (record.length > MAX_COLUMNS && record.slice(MAX_COLUMNS).some((f) => f !== '')) refusal = tooManyColumns();
    const long = record.findIndex((f) => f.length > MAX_CELL);
    if (long >= 0) refusal ??= cellTooLong(`${letters(long + 1)}${line}`);
    if (refusal) return;
    const cells = record.length > MAX_COLUMNS ? record.slice(0, MAX_COLUMNS) : record;
    for (let i = 0; i < cells.length; i++) cells[i] = intern(cells[i]);
    rows.push({ line, cells });
    linesBefore += 1 + record.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    if (rows.length > limits.maxRows + 1) refusal = tooManyRows(limits);
  });
  const done = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    // Destroyed at a limit: no 'end' then.
    parser.on('close', resolve);
    parser.on('error', (err) => {
      failure ??= err;
      resolve();
    });
  });
  // Fed in chunks, yielding between them, so that a large file does not hold the event loop.
  for (let i = 0; i < text.length && !refusal && !failure; i += CSV_CHUNK) {
    parser.write(text.slice(i, i + CSV_CHUNK));
    await yieldToLoop();
  }
  if (refusal || failure) parser.destroy();
  else parser.end();
  await done;
  if (refusal) return refusal;
  if (failure instanceof CsvError) {
    // The record that failed starts after the last one read (csv-parse would name the end of the file).
    return {
      ok: false,
      error: t(failure.code === 'CSV_QUOTE_NOT_CLOSED' ? 'import.file.quote' : 'import.file.csvError', { line: linesBefore + 1 }),
    };
  }
  if (failure) throw failure;
  return { ok: true, format: 'csv', rows };
}

/** The inflated size of a zip, from its central directory; null when it cannot be read. */
export function inflatedSize(buf: Buffer): number | null {
  const entries = zipEntries(buf);
  return entries && entries.reduce((n, e) => n + e.size, 0);
}

async function readXlsx(buffer: Buffer, limits: ReadLimits): Promise<ReadResult> {
  const rows: SheetRow[] = [];
  let tooMany = false;
  try {
    const budget = inflateBudget(buffer.length, limits);
    await readFirstSheet(buffer, { budget, maxCell: MAX_CELL, maxColumns: MAX_COLUMNS }, (line, cells) => {
      rows.push({ line, cells });
      tooMany = rows.length > limits.maxRows + 1;
      return !tooMany;
    });
  } catch (err) {
    if (!(err instanceof XlsxLimit)) throw err;
    if (err.kind === 'inflated') return { ok: false, status: 413, error: t('import.file.inflated') };
    if (err.kind === 'cell') return cellTooLong(err.where);
    if (err.kind === 'columns') return tooManyColumns();
    return { ok: false, error: t('import.file.notXlsx') };
  }
  if (tooMany) return tooManyRows(limits);
  if (!rows.length) return { ok: false, error: t('import.file.empty') };
  return { ok: true, format: 'xlsx', rows };
}
