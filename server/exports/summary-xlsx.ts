// The summary as a workbook: one sheet per view, numbers stored as numbers with the indicator's
// decimals as number format, a title and « Données calculées le … » above a frozen header row.
import type ExcelJS from 'exceljs';
import { loadExcel } from '../lib/excel.ts';
import { t } from '../i18n/messages.ts';
import type { NationalSummary, ScopeSummary, SummaryFigure, SummaryIndicator, SummaryTarget } from './summary.types.ts';
import { figureIdentity, periodName } from './summary-text.ts';
import { isoParis } from '../lib/format.ts';
import { narrativesSheet } from './summary-narratives.ts';
import { perInhabitantDecimalsOf } from './summary-per-inhabitant.ts';

/** Rows above the header: title, computed line, base and period, blank. The header is row 5, frozen. */
const HEADER_ROW = 5;

interface Column {
  header: string;
  width: number;
  numFmt?: string;
}

/** « 0 », « 0,0 » in Excel's own notation (shown with the reader's locale). */
export function numberFormat(decimals: number): string {
  return decimals > 0 ? `#,##0.${'0'.repeat(decimals)}` : '#,##0';
}

type Value = string | number | null;

function sheet(
  wb: ExcelJS.Workbook,
  name: string,
  columns: Column[],
  head: string[],
  rows: { values: Value[]; formats?: (string | undefined)[] }[],
) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: HEADER_ROW }] });
  head.forEach((line, i) => {
    ws.getCell(i + 1, 1).value = line;
  });
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  const header = ws.getRow(HEADER_ROW);
  columns.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width;
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.alignment = { wrapText: true, vertical: 'top' };
  });
  rows.forEach((r, k) => {
    const row = ws.getRow(HEADER_ROW + 1 + k);
    r.values.forEach((v, i) => {
      if (v === null) return;
      const cell = row.getCell(i + 1);
      cell.value = v;
      const fmt = r.formats?.[i] ?? columns[i].numFmt;
      if (fmt && typeof v === 'number') cell.numFmt = fmt;
    });
  });
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: HEADER_ROW, column: columns.length } };
  return ws;
}

function figureColumns(zoneHeader: string): Column[] {
  return [
    { header: t('exports.col.zoneCode'), width: 12 },
    { header: zoneHeader, width: 32 },
    { header: t('exports.col.indicatorCode'), width: 22 },
    { header: t('exports.col.indicator'), width: 48 },
    { header: t('exports.col.unit'), width: 14 },
    { header: t('exports.col.value'), width: 16 },
    { header: t('exports.col.reported'), width: 12, numFmt: '0' },
    { header: t('exports.col.expected'), width: 12, numFmt: '0' },
    { header: t('exports.col.completenessUnit'), width: 22 },
    { header: t('exports.col.rate'), width: 14, numFmt: '0.0%' },
    { header: t('exports.col.contributors'), width: 14, numFmt: '0' },
    { header: t('exports.col.comparedWith'), width: 14 },
    { header: t('exports.col.comparison'), width: 22 },
    { header: t('exports.col.comparablePoles'), width: 16, numFmt: '0' },
    { header: t('exports.col.polesExpected'), width: 12, numFmt: '0' },
    { header: t('exports.col.comparableCurrent'), width: 16 },
    { header: t('exports.col.comparablePrevious'), width: 16 },
    { header: t('exports.col.change'), width: 16, numFmt: '+0.0;-0.0;0.0' },
    { header: t('exports.col.changeUnit'), width: 12 },
    // Last, so that the columns before keep their places in older readers' sheets.
    { header: t('perInhabitant.col.population'), width: 14, numFmt: '#,##0' },
    { header: t('perInhabitant.col.per10k'), width: 16 },
  ];
}

/** The comparison's cells: blank in a summary frozen before comparisons were stored. */
function comparisonValues(f: SummaryFigure, comparedWith: string | undefined): Value[] {
  const c = f.comparison;
  if (!c) return [null, null, null, null, null, null, null, null];
  return [
    comparedWith ?? null,
    t(`exports.comparison.${c.status}`),
    c.poles,
    c.polesExpected,
    c.current,
    c.previous,
    c.change,
    c.changeUnit ? t(`exports.changeUnit.${c.changeUnit}`) : null,
  ];
}

function figureRows(
  figures: SummaryFigure[],
  byCode: Map<string, SummaryIndicator>,
  comparedWith: string | undefined,
  perDecimals: Map<string, number>,
) {
  return figures.map((f) => {
    const ind = byCode.get(f.indicator);
    const fmt = numberFormat(ind?.decimals ?? 0);
    const perFmt = numberFormat(perDecimals.get(f.indicator) ?? 2);
    return {
      values: [
        ...figureIdentity(f, ind),
        f.value,
        f.reported,
        f.expected,
        f.completenessUnit ? t(`completeness.unit.${f.completenessUnit}`) : null,
        f.expected ? f.reported / f.expected : null,
        f.contributors,
        ...comparisonValues(f, comparedWith),
        f.population ?? null,
        f.per10kInhabitants ?? null,
      ],
      // The value and both sides of the comparison in the indicator's decimals; the figure per inhabitant in its own.
      formats: [
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        fmt,
        ...Array<undefined>(9),
        fmt,
        fmt,
        undefined,
        undefined,
        undefined,
        perFmt,
      ],
    };
  });
}

/**
 * The workbook's bytes: « Synthèse nationale », « Par région », (« Par pôle »), « Complétude », (a scope's « Objectifs »
 * and « Faits marquants »), « Définitions ».
 */
export async function summaryWorkbook(summary: NationalSummary, title: string, computed: string): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'PTCE Impact';
  // Stored timestamps are UTC; read as such whatever their writing (a bare SQL one would pass for local time).
  if (summary.computedAt && isoParis(summary.computedAt)) wb.modified = new Date(isoParis(summary.computedAt));
  const byCode = new Map(summary.indicators.map((i) => [i.code, i]));
  const perDecimals = perInhabitantDecimalsOf(summary);
  const head = [title, computed, t('exports.head.period', { period: periodName(summary), base: t(`exports.base.${summary.base}`) }), ''];
  const scope = (summary as ScopeSummary).poles;
  // Headline indicators first on the first sheet, as on the dashboards.
  const national = [...summary.national].sort(
    (a, b) => Number(byCode.get(b.indicator)?.headline ?? false) - Number(byCode.get(a.indicator)?.headline ?? false),
  );
  sheet(
    wb,
    t(scope ? 'exports.sheet.scope' : 'exports.sheet.national'),
    figureColumns(t('exports.col.zone')),
    head,
    figureRows(national, byCode, summary.comparedWith, perDecimals),
  );
  sheet(
    wb,
    t('exports.sheet.regions'),
    figureColumns(t('exports.col.region')),
    head,
    figureRows(summary.regions, byCode, summary.comparedWith, perDecimals),
  );
  if (scope)
    sheet(
      wb,
      t('exports.sheet.poles'),
      figureColumns(t('exports.col.pole')),
      head,
      figureRows(scope, byCode, summary.comparedWith, perDecimals),
    );
  sheet(
    wb,
    t('exports.sheet.completeness'),
    [
      { header: t('exports.col.zoneCode'), width: 12 },
      { header: t('exports.col.zone'), width: 32 },
      { header: t('exports.col.reported'), width: 14, numFmt: '#,##0' },
      { header: t('exports.col.expected'), width: 14, numFmt: '#,##0' },
      { header: t('exports.col.completenessUnit'), width: 22 },
      { header: t('exports.col.rate'), width: 14, numFmt: '0.0%' },
    ],
    head,
    summary.completeness.map((c) => ({
      values: [c.area, c.areaName, c.reported, c.expected, c.unit ? t(`completeness.unit.${c.unit}`) : null, c.rate],
    })),
  );
  const targets = (summary as ScopeSummary).targets;
  if (targets) targetsSheet(wb, targets, byCode, head);
  narrativesSheet(wb, summary, head, sheet);
  definitionsSheet(wb, summary, head);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** « Objectifs »: each pole's target for the period's year and its progress at the period's end (a scope's file). */
function targetsSheet(wb: Parameters<typeof sheet>[0], targets: SummaryTarget[], byCode: Map<string, SummaryIndicator>, head: string[]) {
  sheet(
    wb,
    t('exports.sheet.targets'),
    [
      { header: t('exports.col.pole'), width: 40 },
      { header: t('exports.col.indicatorCode'), width: 22 },
      { header: t('exports.col.indicator'), width: 44 },
      { header: t('exports.col.year'), width: 8, numFmt: '0' },
      { header: t('exports.col.target'), width: 14 },
      { header: t('exports.col.actual'), width: 14 },
      { header: t('exports.col.through'), width: 14 },
      { header: t('exports.col.share'), width: 12, numFmt: '0%' },
      { header: t('exports.col.trajectory'), width: 16 },
      { header: t('exports.col.standing'), width: 50 },
    ],
    head,
    targets.map((x) => {
      const ind = byCode.get(x.indicator);
      const fmt = numberFormat(ind?.kind === 'ratio' || ind?.kind === 'score' ? Math.max(1, ind.decimals) : (ind?.decimals ?? 0));
      return {
        // A convention's line names its span where the year's names its year.
        values: [
          x.poleName,
          x.indicator,
          ind?.label ?? x.indicator,
          x.span ?? x.year,
          x.target,
          x.actual,
          x.through,
          x.share,
          x.expected,
          x.status,
        ],
        formats: [undefined, undefined, undefined, undefined, fmt, fmt, undefined, undefined, fmt, undefined],
      };
    }),
  );
}

/** « Définitions »: every indicator with its kind, unit, precision and definition. */
function definitionsSheet(wb: ExcelJS.Workbook, summary: NationalSummary, head: string[]) {
  sheet(
    wb,
    t('exports.sheet.definitions'),
    [
      { header: t('exports.col.indicatorCode'), width: 22 },
      { header: t('exports.col.indicator'), width: 48 },
      { header: t('exports.col.kind'), width: 14 },
      { header: t('exports.col.unit'), width: 14 },
      { header: t('exports.col.decimals'), width: 10, numFmt: '0' },
      { header: t('exports.col.headline'), width: 12 },
      { header: t('exports.col.definition'), width: 90 },
    ],
    head,
    summary.indicators.map((i) => ({
      values: [
        i.code,
        i.label,
        t(`exports.kind.${i.kind}`),
        i.unit,
        i.decimals,
        i.headline ? t('exports.yes') : t('exports.no'),
        i.definition,
      ],
    })),
  );
}
