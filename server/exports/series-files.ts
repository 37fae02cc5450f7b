// The time-series export's files: one long table, the same columns in the three formats. CSV through
// csv.ts (standard or « Excel (France) », formulas neutralised, numbers as numbers), streamed in chunks;
// XLSX through exceljs's streaming writer: one sheet « Séries », a note row above a frozen header, each
// number stored as a number with the indicator's decimals. Rows arrive one by one: memory stays flat.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { DateTime } from 'luxon';
import { t } from '../i18n/messages.ts';
import { loadExcel } from '../lib/excel.ts';
import { isoParis } from '../lib/format.ts';
import { quarterLabel } from '../lib/quarters.ts';
import { csvChunks, type CsvCell, type CsvFlavour } from './csv.ts';
import type { SeriesRow } from './series-rows.ts';
import type { SeriesFormat } from './series.schema.ts';
import type { SeriesPlan } from './series.service.ts';
import { numberFormat } from './summary-xlsx.ts';

/** The columns, in order (the same names in every format: the file is meant for tools as much as people). */
export const SERIES_HEADER = [
  'code_indicateur',
  'indicateur',
  'unite',
  'niveau',
  'code_zone',
  'zone',
  'periode',
  'valeur',
  'statut_periode',
  'poles_declares',
  'poles_attendus',
  'completude_pct',
  'population',
  'pour_10000_habitants',
  'objectif',
  'part_objectif_pct',
] as const;

/** Per-inhabitant figures keep four decimals (0,0229 ETP for 10 000 inhabitants still reads). */
const round4 = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);
const fixed = (value: number | null, decimals: number) => (value === null ? null : { value, decimals });

/** One row as CSV cells. */
export function seriesCells(r: SeriesRow): CsvCell[] {
  const d = r.indicator.decimals;
  return [
    r.indicator.row.code,
    r.indicator.row.label_fr,
    r.indicator.unit,
    r.area.level,
    r.area.code,
    r.area.name,
    quarterLabel(r.quarter),
    fixed(r.value, d),
    r.provisional ? 'provisoire' : 'consolide',
    r.reported,
    r.expected,
    fixed(r.completenessPct, 1),
    r.area.population,
    round4(r.perInhabitant),
    fixed(r.target, d),
    fixed(r.targetPct, 1),
  ];
}

/** The CSV text in chunks: the header, then one record per row as the rows arrive. */
export function seriesCsv(rows: AsyncIterable<SeriesRow>, format: 'csv' | 'csv-excel'): AsyncGenerator<string> {
  const flavour: CsvFlavour = format === 'csv-excel' ? 'excel-fr' : 'standard';
  return csvChunks(
    (async function* () {
      yield [...SERIES_HEADER];
      for await (const r of rows) yield seriesCells(r);
    })(),
    flavour,
  );
}

/** « ptce-series-2025-T1-2026-T3.xlsx », « …-excel.csv » for Excel (France). */
export function seriesFilename(plan: Pick<SeriesPlan, 'from' | 'to'>, format: SeriesFormat): string {
  const name = `ptce-series-${quarterLabel(plan.from)}-${quarterLabel(plan.to)}`;
  return format === 'xlsx' ? `${name}.xlsx` : `${name}${format === 'csv-excel' ? '-excel' : ''}.csv`;
}

/** The workbook's note row: what the file covers, from which data and populations, and when it was made. */
export function seriesNote(plan: Pick<SeriesPlan, 'from' | 'to' | 'scopeName'>, vintage: string, now: DateTime): string {
  return t('series.note', { scope: plan.scopeName, from: quarterLabel(plan.from), to: quarterLabel(plan.to), vintage, at: isoParis(now) });
}

const NOTE_ROW = 1;
const HEADER_ROW = 2;
const WIDTHS = [20, 44, 12, 8, 14, 34, 10, 14, 14, 10, 10, 12, 12, 14, 14, 12];

/** The number format of each column (undefined: text); the value and the target in the indicator's decimals. */
function formats(r: SeriesRow): (string | undefined)[] {
  const own = numberFormat(r.indicator.decimals);
  const text = undefined;
  return [text, text, text, text, text, text, text, own, text, '0', '0', '0.0', '#,##0', '#,##0.0###', own, '0.0'];
}

/** Writes the workbook to `out` as the rows arrive (exceljs's streaming writer: rows are committed one by one). */
export async function writeSeriesXlsx(out: Writable, note: string, rows: AsyncIterable<SeriesRow>): Promise<void> {
  const excel = await loadExcel();
  const wb = new excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'PTCE Impact';
  const ws = wb.addWorksheet(t('series.sheet'), { views: [{ state: 'frozen', ySplit: HEADER_ROW }] });
  WIDTHS.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const noteRow = ws.getRow(NOTE_ROW);
  noteRow.getCell(1).value = note;
  noteRow.getCell(1).font = { italic: true };
  noteRow.commit();
  const header = ws.getRow(HEADER_ROW);
  SERIES_HEADER.forEach((h, i) => {
    header.getCell(i + 1).value = h;
    header.getCell(i + 1).font = { bold: true };
  });
  header.commit();
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: HEADER_ROW, column: SERIES_HEADER.length } };
  let n = HEADER_ROW;
  for await (const r of rows) {
    const row = ws.getRow(++n);
    const fmt = formats(r);
    seriesCells(r).forEach((cell, i) => {
      if (cell === null || cell === undefined) return;
      const target = row.getCell(i + 1);
      // Numbers as numbers (a FixedNumber's value); texts as texts (never formulas in a workbook cell).
      target.value = typeof cell === 'object' ? cell.value : cell;
      if (fmt[i] && typeof target.value === 'number') target.numFmt = fmt[i]!;
    });
    row.commit();
    // A slow reader slows the rows down; one that left stops them.
    if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    if (out.destroyed) throw new Error('series workbook: the reader left');
  }
  ws.commit();
  await wb.commit();
}
