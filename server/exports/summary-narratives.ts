// A scope's « Faits marquants » in its files: a sheet of the workbook, a section of the CSV (its own
// columns at the end, blank on every other row). Works from the summary alone, as summary-files.ts does.
// Text is written as text: csv.ts neutralises a cell starting with = + - @ (a formula to a spreadsheet),
// and an XLSX string cell is never read as a formula.
import type ExcelJS from 'exceljs';
import { t, tDynamic } from '../i18n/messages.ts';
import type { CsvCell } from './csv.ts';
import type { NationalSummary, ScopeSummary } from './summary.types.ts';

/** The CSV columns of the « Faits marquants » section, after the « Objectifs » ones. */
export const NARRATIVE_COLUMNS = ['region', 'statut_rapport', 'faits_marquants', 'difficultes'] as const;

const NO_NARRATIVE: CsvCell[] = NARRATIVE_COLUMNS.map(() => '');

type SheetRows = { values: (string | number | null)[] }[];
/** summary-xlsx.ts's sheet writer, handed in (so this module does not import it back). */
type SheetWriter = (
  wb: ExcelJS.Workbook,
  name: string,
  columns: { header: string; width: number }[],
  head: string[],
  rows: SheetRows,
) => ExcelJS.Worksheet;

/** The line above the header: which quarter, which reports (and that none wrote anything, if so). */
function headLine(s: ScopeSummary): string {
  const line = t('exports.narratives.head', {
    quarter: s.narrativesQuarter ?? '',
    statuses: t(s.base === 'validated' ? 'exports.narratives.statuses.validated' : 'exports.narratives.statuses.validated_or_submitted'),
  });
  return s.narratives?.length ? line : `${line} ${t('exports.narratives.none')}`;
}

/** « Faits marquants »: each pole's texts for the period's last quarter, with its region and report status (a scope's file). */
export function narrativesSheet(wb: ExcelJS.Workbook, summary: NationalSummary, head: string[], sheet: SheetWriter): void {
  const s = summary as ScopeSummary;
  if (!s.narratives) return;
  const ws = sheet(
    wb,
    t('exports.sheet.narratives'),
    [
      { header: t('exports.col.pole'), width: 36 },
      { header: t('exports.col.region'), width: 24 },
      { header: t('exports.col.quarter'), width: 11 },
      { header: t('exports.col.reportStatus'), width: 12 },
      { header: t('exports.col.highlights'), width: 70 },
      { header: t('exports.col.difficulties'), width: 70 },
    ],
    [...head.slice(0, 3), headLine(s)],
    s.narratives.map((n) => ({
      values: [n.poleName, n.regionName, s.narrativesQuarter ?? '', tDynamic('status', n.status), n.highlights, n.difficulties],
    })),
  );
  // Long texts with their line breaks: wrapped in their cells, read from the top.
  for (const col of [5, 6]) ws.getColumn(col).alignment = { wrapText: true, vertical: 'top' };
}

/**
 * Every CSV row given its blank narrative cells, then the « Faits marquants » rows: the pole (code and name),
 * the quarter in « periode », the base, then its region, report status and texts in the section's own columns.
 */
export function withNarrativeRows(rows: CsvCell[][], summary: NationalSummary, width: number): CsvCell[][] {
  const s = summary as ScopeSummary;
  const [header, ...body] = rows;
  const out = [header, ...body.map((r) => [...r, ...NO_NARRATIVE])];
  const base = t(`exports.base.${summary.base}`);
  const blanks = width - NARRATIVE_COLUMNS.length - 8;
  for (const n of s.narratives ?? []) {
    out.push([
      t('exports.sheet.narratives'),
      n.pole,
      n.poleName,
      '',
      '',
      '',
      s.narrativesQuarter ?? '',
      base,
      ...Array<CsvCell>(blanks).fill(null),
      n.regionName,
      tDynamic('status', n.status),
      n.highlights,
      n.difficulties,
    ]);
  }
  return out;
}
