// Reading an uploaded spreadsheet into rows of cells, whatever Excel or LibreOffice produced: XLSX, or
// CSV in UTF-8 (with or without BOM) or Windows-1252, separated by `;`, `,` or tabs. Nothing is ever
// evaluated: a formula is reported as such, for the person to paste its value instead.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parse, CsvError } from 'csv-parse';
import type ExcelJS from 'exceljs';
import { loadExcel } from '../lib/excel.ts';
import { t } from '../i18n/messages.ts';

/** A cell as read: text, a number (XLSX), a boolean (XLSX), or a cell that cannot be taken as it is. */
export type Cell = string | number | boolean | null | { formula: string } | { error: string };

export interface SheetRow {
  /** The row's number as the spreadsheet shows it (1 is the header). */
  line: number;
  cells: Cell[];
}

export type ReadResult = { ok: true; format: 'csv' | 'xlsx'; rows: SheetRow[] } | { ok: false; error: string };

export const MAX_ROWS = 200_000;
// An XLSX is a zip: refuse one that would inflate to more than this (a « zip bomb »).
const MAX_INFLATED = 200 * 1024 * 1024;
const CSV_CHUNK = 64 * 1024;

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
// The old binary Excel format (OLE2 compound file).
const isOle = (b: Uint8Array) => b.length >= 4 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;

/** Reads an uploaded file: XLSX by its magic bytes, otherwise text (CSV). */
export async function readSpreadsheet(buffer: Buffer, filename: string): Promise<ReadResult> {
  if (buffer.length === 0) return { ok: false, error: t('import.file.empty') };
  if (isZip(buffer)) return readXlsx(buffer);
  if (isOle(buffer) || /\.xls$/i.test(filename)) return { ok: false, error: t('import.file.xls') };
  if (/\.(xlsx|xlsm|ods)$/i.test(filename)) return { ok: false, error: t('import.file.notXlsx') };
  const text = decodeText(buffer);
  if (text.includes('\u0000')) return { ok: false, error: t('import.file.notText') };
  return readCsv(text);
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
  '€', '', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '', 'Ž', '',
  '', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '', 'ž', 'Ÿ',
];

/** The separator of the header line: the most frequent of `;`, `,` and tab outside quotes (`;` on a tie). */
export function detectSeparator(text: string): string {
  const counts = new Map<string, number>([[';', 0], [',', 0], ['\t', 0]]);
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

async function readCsv(text: string): Promise<ReadResult> {
  // relax_quotes: a quote inside an unquoted cell (« Salle "Le Phare" ») is taken as it is.
  const parser = parse({ delimiter: detectSeparator(text), info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, max_record_size: 100_000 });
  const rows: SheetRow[] = [];
  // Lines are counted here: csv-parse's own count takes a CRLF inside a quoted cell for two lines.
  let linesBefore = 0;
  let tooMany = false;
  let failure: unknown = null;
  parser.on('data', ({ record, info }: { record: string[]; info: { empty_lines: number } }) => {
    if (tooMany) return;
    rows.push({ line: linesBefore + info.empty_lines + 1, cells: record });
    linesBefore += 1 + record.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    tooMany = rows.length > MAX_ROWS + 1;
  });
  const done = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('error', (err) => {
      failure ??= err;
      resolve();
    });
  });
  // Fed in chunks, yielding between them, so that a large file does not hold the event loop.
  for (let i = 0; i < text.length && !tooMany && !failure; i += CSV_CHUNK) {
    parser.write(text.slice(i, i + CSV_CHUNK));
    await yieldToLoop();
  }
  if (!failure) parser.end();
  await done;
  if (tooMany) return { ok: false, error: t('import.file.tooManyRows', { max: MAX_ROWS }) };
  if (failure instanceof CsvError) {
    // The record that failed starts after the last one read (csv-parse would name the end of the file).
    return { ok: false, error: t(failure.code === 'CSV_QUOTE_NOT_CLOSED' ? 'import.file.quote' : 'import.file.csvError', { line: linesBefore + 1 }) };
  }
  if (failure) throw failure;
  return { ok: true, format: 'csv', rows };
}

/** The inflated size of a zip, from its central directory; null when it cannot be read. */
export function inflatedSize(buf: Buffer): number | null {
  const from = Math.max(0, buf.length - 65_557);
  let eocd = -1;
  for (let i = buf.length - 22; i >= from; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) return null;
    const size = buf.readUInt32LE(p + 24);
    // 0xFFFFFFFF: a ZIP64 entry of 4 GB or more.
    if (size === 0xffffffff) return Infinity;
    total += size;
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return total;
}

async function readXlsx(buffer: Buffer): Promise<ReadResult> {
  const inflated = inflatedSize(buffer);
  if (inflated === null) return { ok: false, error: t('import.file.notXlsx') };
  if (inflated > MAX_INFLATED) return { ok: false, error: t('import.file.inflated') };
  const wb = new (await loadExcel()).Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    return { ok: false, error: t('import.file.notXlsx') };
  }
  const ws = wb.worksheets[0];
  if (!ws) return { ok: false, error: t('import.file.empty') };
  if (ws.actualRowCount > MAX_ROWS + 1) return { ok: false, error: t('import.file.tooManyRows', { max: MAX_ROWS }) };
  const V = (await loadExcel()).ValueType;
  const rows: SheetRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = xlsxCell(cell, V);
    });
    for (let i = 0; i < cells.length; i++) cells[i] ??= null;
    rows.push({ line, cells });
  });
  return { ok: true, format: 'xlsx', rows };
}

function xlsxCell(cell: ExcelJS.Cell, V: typeof ExcelJS.ValueType): Cell {
  switch (cell.type) {
    case V.Null:
    case V.Merge:
      return null;
    case V.Number:
      return cell.value as number;
    case V.Boolean:
      return cell.value as boolean;
    case V.Date:
      return (cell.value as Date).toISOString().slice(0, 10);
    case V.Formula:
      return { formula: cell.formula ?? '' };
    case V.Error:
      return { error: String((cell.value as { error?: string })?.error ?? '#ERREUR') };
    default:
      // Text, shared strings, rich text and hyperlinks: what the cell shows.
      return cell.text;
  }
}
