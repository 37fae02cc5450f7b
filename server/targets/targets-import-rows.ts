// A spreadsheet of targets read into rows: the columns found by their header, each cell read as the
// values' imports read it (imports/import-rows.ts: formulas and control characters refused), the year or
// a convention's span. Pure: no I/O. What a target may be is judged by targets-import.service.ts, with
// the form's rules.
import { t } from '../i18n/messages.ts';
import type { SheetRow } from '../imports/import-files.ts';
import { cellControlProblem, cellText, columnLetter, isEmptyRow, readHeader, type Columns, type Problem } from '../imports/import-rows.ts';

/** The template's columns: those read (pole, indicateur, categorie, annee, objectif) and what helps to fill them. */
export const TARGET_COLUMNS = ['pole', 'nom', 'indicateur', 'categorie', 'libelle', 'unite', 'nature', 'annee', 'objectif', 'statut'];
const REQUIRED = ['pole', 'indicateur', 'annee', 'objectif'];
// Other spellings people write in a header (beside those imports/import-rows.ts already knows).
const ALIASES: Record<string, string> = { cible: 'objectif', valeur: 'objectif', objectifs: 'objectif', periode: 'annee', annees: 'annee' };

export interface TargetImportRow {
  line: number;
  pole: string;
  code: string;
  /** A category's code ('' for the indicator's total): the column may be left out. */
  category: string;
  first: number;
  last: number;
  /** The target as typed; empty removes the target. */
  value: string;
}

export type TargetRowsResult =
  { ok: false; error: string } | { ok: true; rows: TargetImportRow[]; problems: Problem[]; columns: Columns; count: number };

/** « 2026 », or a convention's span « 2024-2026 » (any dash or a slash between). */
export function readYears(text: string): { first: number; last: number } | null {
  const m = /^(\d{4})(?:\s*[-–—/]\s*(\d{4}))?$/.exec(text);
  if (!m) return null;
  return { first: Number(m[1]), last: Number(m[2] ?? m[1]) };
}

/** Reads the header (the first non-empty row) and every data row below it. */
export function readTargetRows(sheet: SheetRow[], format: 'csv' | 'xlsx'): TargetRowsResult {
  const found = readHeader(sheet, REQUIRED, REQUIRED, ALIASES);
  if ('error' in found) return { ok: false, error: found.error };
  const { index: headerIndex, position, columns } = found;

  const rows: TargetImportRow[] = [];
  const problems: Problem[] = [];
  let count = 0;
  for (const r of sheet.slice(headerIndex + 1)) {
    if (isEmptyRow(r)) continue;
    count++;
    let bad = false;
    const fail = (name: string, message: string, letter: string | null = columns[name] ?? null) => {
      problems.push({ line: r.line, column: name, letter, message });
      bad = true;
    };
    const read = new Set<number>();
    const get = (name: string): string => {
      const i = position.get(name)!;
      read.add(i);
      const cell = cellText(r.cells[i] ?? null, name, format);
      if ('text' in cell) return cell.text;
      fail(name, cell.problem);
      return '';
    };
    const pole = get('pole').toLowerCase();
    const code = get('indicateur').toUpperCase();
    const category = position.has('categorie') ? get('categorie').toLowerCase() : '';
    const yearsText = get('annee');
    const value = get('objectif');
    if (!pole && !bad) fail('pole', t('import.noPole'));
    if (!code && !bad) fail('indicateur', t('import.noCode'));
    const years = readYears(yearsText);
    if (!years && !bad) fail('annee', t('targets.import.badYears'));
    // Cells the import does not read (the template's names, labels, status) are checked too: a control
    // character anywhere says the file is not what it looks like in the spreadsheet.
    r.cells.forEach((c, i) => {
      const problem = typeof c === 'string' && !read.has(i) ? cellControlProblem(c) : null;
      if (problem) fail(columnLetter(i), problem, columnLetter(i));
    });
    if (!bad && years) rows.push({ line: r.line, pole, code, category, ...years, value });
  }
  return { ok: true, rows, problems, columns, count };
}
