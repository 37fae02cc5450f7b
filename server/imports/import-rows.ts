// From rows of cells to import rows: finds the columns by their header, normalises each cell, and
// reports what cannot be read with its line and column. Pure: no I/O.
import { t, tn } from '../i18n/messages.ts';
import { parseDecimal } from '../lib/decimal.ts';
import { parseQuarterOfYear } from '../lib/quarters.ts';
import { findControlChar, normaliseNewlines } from '../lib/text.ts';
import type { Cell, SheetRow } from './import-files.ts';

export type ImportKind = 'quarter' | 'long';

export interface ImportRow {
  line: number;
  /** Long format only: the pole's slug, the year and the quarter of the row. */
  pole: string;
  year: number;
  quarter: number;
  code: string;
  category: string;
  value: string;
  na: boolean;
  reason: string;
  comment: string;
}

export interface Problem {
  line: number | null;
  /** The column's header, and its letter as the spreadsheet shows it. */
  column: string | null;
  letter: string | null;
  message: string;
}

export type Columns = Record<string, string>;

export const QUARTER_COLUMNS = [
  'code',
  'categorie',
  'libelle',
  'unite',
  'valeur_trimestre_precedent',
  'valeur',
  'non_disponible',
  'raison',
  'commentaire',
];
export const LONG_COLUMNS = ['pole', 'indicateur', 'categorie', 'annee', 'trimestre', 'valeur', 'non_disponible', 'raison', 'commentaire'];
const REQUIRED: Record<ImportKind, string[]> = {
  quarter: ['code', 'valeur'],
  long: ['pole', 'indicateur', 'annee', 'trimestre', 'valeur'],
};
// Other spellings people write in a header.
const ALIASES: Record<string, string> = {
  code_indicateur: 'indicateur',
  categorie_article_9: 'categorie',
  slug: 'pole',
  pole_slug: 'pole',
  annee_civile: 'annee',
  valeur_precedente: 'valeur_trimestre_precedent',
  nd: 'non_disponible',
  motif: 'raison',
  commentaires: 'commentaire',
};

/** 'Non disponible' → 'non_disponible', 'Catégorie' → 'categorie'. */
export function normaliseHeader(s: string): string {
  const n = s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  return ALIASES[n] ?? n;
}

/** Column letter of a 0-based index: 0 → A, 26 → AA. */
export function columnLetter(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** A number from XLSX as plain decimal text, without the binary noise (0.30000000000000004 → 0.3). */
export function numberText(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

const TEXT_COLUMNS = new Set(['raison', 'commentaire', 'libelle']);

/**
 * A control character in a cell (lib/text.ts), as the preview says it; null when the cell is clean. XLSX
 * writes one as `_x0000_` and the reader decodes it: the file looks clean in the spreadsheet. Refused, not
 * cleaned: the preview names the row and the column, and the person fixes the file they keep.
 */
export function cellControlProblem(s: string): string | null {
  const c = findControlChar(s);
  return c ? t('import.controlChar', { char: c.label, position: c.index + 1 }) : null;
}

/**
 * A cell as text, or a problem. Line breaks are normalised to LF (a CSV written on Windows has CRLF).
 * In a workbook, a formula is a formula cell (read as `{ formula }`): a text cell is text, even
 * « +3 ETP grâce au nouveau marché ». A CSV has no such distinction, so there `= @` start a formula, and
 * `+ -` too unless the cell is a number or a dash starting a sentence (« - réunion… »); a leading `'`
 * before one of them is how exports escape such text, and is removed.
 */
export function cellText(cell: Cell, column: string, format: 'csv' | 'xlsx' = 'csv'): { text: string } | { problem: string } {
  if (cell === null || cell === undefined) return { text: '' };
  if (typeof cell === 'number') return { text: numberText(cell) };
  if (typeof cell === 'boolean') return { text: cell ? 'oui' : '' };
  if (typeof cell === 'object') return { problem: 'formula' in cell ? t('import.formula') : t('import.cellError', { error: cell.error }) };
  const s = normaliseNewlines(cell).trim();
  const control = cellControlProblem(s);
  if (control) return { problem: control };
  if (format === 'xlsx') return { text: s };
  if (/^'[=+\-@]/.test(s) && TEXT_COLUMNS.has(column)) return { text: s.slice(1) };
  if (/^[=@]/.test(s)) return { problem: t('import.formula') };
  if (/^[+-]/.test(s) && !parseDecimal(s).ok && !/^[+-]\s/.test(s)) return { problem: t('import.formula') };
  return { text: s };
}

const YES = new Set(['oui', 'o', 'x', '1', 'vrai', 'yes', 'true']);
const NO = new Set(['', 'non', 'n', '0', 'faux', 'no', 'false']);

export type ReadRowsResult =
  { ok: false; error: string } | { ok: true; rows: ImportRow[]; problems: Problem[]; columns: Columns; count: number };

/** A sheet's header: its row, where each named column stands, and the columns' letters. */
export interface SheetHeader {
  index: number;
  row: SheetRow;
  position: Map<string, number>;
  columns: Columns;
}

export const isEmptyRow = (r: SheetRow) => r.cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));

/**
 * The header: the first non-empty row, each cell's name normalised (then `aliases`), or why the file
 * cannot be read (empty, or a `required` column missing; `expected` lists the template's columns).
 */
export function readHeader(
  sheet: SheetRow[],
  required: string[],
  expected: string[],
  aliases: Record<string, string> = {},
): SheetHeader | { error: string } {
  const index = sheet.findIndex((r) => !isEmptyRow(r));
  if (index < 0) return { error: t('import.file.empty') };
  const row = sheet[index];
  const position = new Map<string, number>();
  row.cells.forEach((c, i) => {
    const n = typeof c === 'string' ? normaliseHeader(c.replace(/^\uFEFF/, '')) : '';
    const name = aliases[n] ?? n;
    if (name && !position.has(name)) position.set(name, i);
  });
  const missing = required.filter((c) => !position.has(c));
  if (missing.length)
    return {
      error: tn('import.file.header', missing.length, { line: row.line, missing: missing.join(', '), expected: expected.join(', ') }),
    };
  const columns: Columns = {};
  for (const [name, i] of position) columns[name] = columnLetter(i);
  return { index, row, position, columns };
}

/** Reads the header (the first non-empty row) and every data row below it. */
export function readRows(sheet: SheetRow[], kind: ImportKind, format: 'csv' | 'xlsx' = 'csv'): ReadRowsResult {
  const found = readHeader(sheet, REQUIRED[kind], kind === 'quarter' ? QUARTER_COLUMNS : LONG_COLUMNS);
  if ('error' in found) return { ok: false, error: found.error };
  const { index: headerIndex, row: header, position, columns } = found;

  const headerName = (i: number) => {
    const c = header.cells[i];
    return typeof c === 'string' && c.trim() ? normaliseHeader(c) || c.trim().slice(0, 40) : null;
  };

  const rows: ImportRow[] = [];
  const problems: Problem[] = [];
  let count = 0;
  for (const r of sheet.slice(headerIndex + 1)) {
    if (isEmptyRow(r)) continue;
    count++;
    let bad = false;
    const read = new Set<number>();
    const get = (name: string): string => {
      const i = position.get(name);
      if (i === undefined) return '';
      read.add(i);
      const cell = cellText(r.cells[i] ?? null, name, format);
      if ('text' in cell) return cell.text;
      problems.push({ line: r.line, column: name, letter: columns[name], message: cell.problem });
      bad = true;
      return '';
    };
    const fail = (name: string, message: string, letter: string | null = columns[name] ?? null) => {
      problems.push({ line: r.line, column: name, letter, message });
      bad = true;
    };
    const codeColumn = kind === 'quarter' ? 'code' : 'indicateur';
    const row: ImportRow = {
      line: r.line,
      pole: '',
      year: 0,
      quarter: 0,
      code: get(codeColumn).toUpperCase(),
      category: get('categorie').toLowerCase(),
      value: get('valeur'),
      na: false,
      reason: get('raison'),
      comment: get('commentaire'),
    };
    const na = get('non_disponible').toLowerCase();
    if (YES.has(na)) row.na = true;
    else if (!NO.has(na)) fail('non_disponible', t('import.naValue'));
    if (!row.code) fail(codeColumn, t('import.noCode'));
    if (kind === 'long') {
      row.pole = get('pole').toLowerCase();
      if (!row.pole) fail('pole', t('import.noPole'));
      const year = get('annee');
      if (/^\d{4}$/.test(year) && Number(year) >= 2000 && Number(year) <= 2100) row.year = Number(year);
      else fail('annee', t('import.badYear'));
      const quarter = parseQuarterOfYear(get('trimestre'));
      if (quarter !== null) row.quarter = quarter;
      else fail('trimestre', t('import.badQuarter'));
    }
    // Cells the import does not read (the template's label and unit, a column of one's own) are checked
    // too: a control character anywhere says the file is not what it looks like in the spreadsheet.
    r.cells.forEach((c, i) => {
      const problem = typeof c === 'string' && !read.has(i) ? cellControlProblem(c) : null;
      if (problem) fail(headerName(i) ?? columnLetter(i), problem, columnLetter(i));
    });
    // A row that cannot be read is left out: its problem already stops the import.
    if (!bad) rows.push(row);
  }
  return { ok: true, rows, problems, columns, count };
}
