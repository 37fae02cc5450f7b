// A summary (national or a funder's scope) as a file: CSV in two flavours, or XLSX. The publications
// feature calls summaryFile() on a frozen summary, so everything here works from the summary alone.
import { t } from '../i18n/messages.ts';
import { csvDocument, type CsvCell, type CsvFlavour } from './csv.ts';
import type { NationalSummary, ScopeSummary, SummaryFigure, SummaryIndicator } from './summary.types.ts';
import { summaryWorkbook } from './summary-xlsx.ts';
import { isoParis } from '../lib/format.ts';
import { NARRATIVE_COLUMNS, withNarrativeRows } from './summary-narratives.ts';
import { computedLine, figureIdentity, isScope, periodName, periodSlug, summaryTitle } from './summary-text.ts';
import { NO_PER_INHABITANT, PER_INHABITANT_COLUMNS, perInhabitantCells, perInhabitantDecimalsOf } from './summary-per-inhabitant.ts';

export { summaryPrintModel } from './summary-print.ts';
export { computedLine, isScope, periodName, summaryTitle };

export type SummaryFormat = 'csv' | 'csv-excel' | 'xlsx';
export const SUMMARY_FORMATS: SummaryFormat[] = ['csv', 'csv-excel', 'xlsx'];

export interface SummaryFileOptions {
  title?: string;
  version?: number;
}

/**
 * « ptce-synthese-nationale-2026-T2.xlsx », « ptce-synthese-nationale-2026-cumul-T3-v2.csv », « …-excel.csv »;
 * a scope's file names its regions (« ptce-perimetre-75-76-2026-T2.csv », « ptce-perimetre-france-… » for a
 * national scope), so that two funders' files, or a forwarded one, say what they cover.
 */
export function summaryFilename(summary: NationalSummary, format: SummaryFormat, version?: number): string {
  const codes = isScope(summary) ? (summary.scopeCodes ?? []) : [];
  const stem = !isScope(summary) ? 'ptce-synthese-nationale' : `ptce-perimetre-${codes.length ? codes.join('-') : 'france'}`;
  const v = version ? `-v${version}` : '';
  const suffix = format === 'xlsx' ? '.xlsx' : format === 'csv-excel' ? '-excel.csv' : '.csv';
  return `${stem}-${periodSlug(summary)}${v}${suffix}`;
}

/** The summary as a downloadable file. */
export async function summaryFile(
  summary: NationalSummary,
  format: SummaryFormat,
  opts: SummaryFileOptions = {},
): Promise<{ filename: string; contentType: string; body: Buffer }> {
  const filename = summaryFilename(summary, format, opts.version);
  if (format === 'xlsx') {
    const body = await summaryWorkbook(summary, summaryTitle(summary, opts.title), computedLine(summary));
    return { filename, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body };
  }
  const flavour: CsvFlavour = format === 'csv-excel' ? 'excel-fr' : 'standard';
  return { filename, contentType: 'text/csv; charset=utf-8', body: Buffer.from(csvDocument(summaryCsvRows(summary), flavour), 'utf8') };
}

/** The CSV's columns, in order. */
export const CSV_HEADER = [
  'section',
  'code_zone',
  'zone',
  'code_indicateur',
  'indicateur',
  'unite',
  'periode',
  'base',
  'valeur',
  // The figure per 10 000 inhabitants of its area, and that population (flows and stocks; blank elsewhere).
  ...PER_INHABITANT_COLUMNS,
  'declares',
  'attendus',
  'completude_comptee_en',
  'taux_completude_pct',
  'contributeurs',
  'periode_comparee',
  'comparaison',
  'poles_deux_periodes',
  'poles_attendus',
  'valeur_base_commune',
  'valeur_un_an_plus_tot_base_commune',
  'evolution_perimetre_constant',
  'unite_evolution',
  'calcule_le',
  'definition',
  // The « Objectifs » section (a scope's poles): the target, « % atteint », the trajectory, where it stands.
  'objectif',
  'part_atteinte_pct',
  'attendu_trajectoire',
  'situation_objectif',
  // The « Faits marquants » section (a scope's poles, the period's last quarter): region, report status, texts.
  ...NARRATIVE_COLUMNS,
] as const;

/** The cells of the « Objectifs » columns on every other row. */
const NO_TARGET: CsvCell[] = ['', '', '', ''];

/** The comparison's cells (CSV_HEADER from 'periode_comparee' to 'unite_evolution'); blank where none was frozen. */
function comparisonCells(f: SummaryFigure, ind: SummaryIndicator | undefined, comparedWith: string | undefined): CsvCell[] {
  const c = f.comparison;
  if (!c) return NO_COMPARISON;
  const decimals = ind?.decimals ?? 0;
  return [
    comparedWith ?? null,
    t(`exports.comparison.${c.status}`),
    c.poles,
    c.polesExpected,
    c.current === null ? null : { value: c.current, decimals },
    c.previous === null ? null : { value: c.previous, decimals },
    c.change === null ? null : { value: c.change, decimals: 1 },
    c.changeUnit ? t(`exports.changeUnit.${c.changeUnit}`) : null,
  ];
}

const NO_COMPARISON: CsvCell[] = [null, null, null, null, null, null, null, null];

/** What a completeness counts, in words: « pôles », « trimestres déclarés (pôle × trimestre) ». */
function unitCell(unit: SummaryFigure['completenessUnit']): CsvCell {
  return unit ? t(`completeness.unit.${unit}`) : null;
}

/**
 * One rectangular table holding the four views, told apart by the « section » column: the nation (or the
 * scope), each region (and each pole of a scope), completeness per region, and the definitions. Every
 * figure row carries the time it was computed.
 */
export function summaryCsvRows(summary: NationalSummary): CsvCell[][] {
  const byCode = new Map(summary.indicators.map((i) => [i.code, i]));
  const base = t(`exports.base.${summary.base}`);
  const period = periodName(summary);
  const perDecimals = perInhabitantDecimalsOf(summary);
  const figure =
    (section: string) =>
    (f: SummaryFigure): CsvCell[] => {
      const ind = byCode.get(f.indicator);
      return [
        section,
        ...figureIdentity(f, ind),
        period,
        base,
        f.value === null ? null : { value: f.value, decimals: ind?.decimals ?? 0 },
        ...perInhabitantCells(f, perDecimals),
        f.reported,
        f.expected,
        unitCell(f.completenessUnit),
        f.expected ? { value: (f.reported / f.expected) * 100, decimals: 1 } : null,
        f.contributors,
        ...comparisonCells(f, ind, summary.comparedWith),
        isoParis(f.computedAt),
        '',
      ];
    };
  const rows: CsvCell[][] = [[...CSV_HEADER]];
  rows.push(...summary.national.map(figure(t(isScope(summary) ? 'exports.sheet.scope' : 'exports.sheet.national'))));
  rows.push(...summary.regions.map(figure(t('exports.sheet.regions'))));
  if (isScope(summary)) rows.push(...summary.poles.map(figure(t('exports.sheet.poles'))));
  for (const c of summary.completeness) {
    rows.push([
      t('exports.sheet.completeness'),
      c.area,
      c.areaName,
      '',
      '',
      '',
      period,
      base,
      null,
      ...NO_PER_INHABITANT,
      c.reported,
      c.expected,
      unitCell(c.unit),
      c.rate === null ? null : { value: c.rate * 100, decimals: 1 },
      null,
      ...NO_COMPARISON,
      isoParis(summary.computedAt),
      '',
    ]);
  }
  for (const i of summary.indicators) rows.push(definitionRow(i, summary));
  const out = [rows[0], ...rows.slice(1).map((r) => [...r, ...NO_TARGET])];
  out.push(...targetRows(summary, byCode));
  return withNarrativeRows(out, summary, CSV_HEADER.length);
}

/** A scope's « Objectifs » rows: each pole's target for the period's year and its progress at the period's end. */
function targetRows(summary: NationalSummary, byCode: Map<string, SummaryIndicator>): CsvCell[][] {
  const targets = (summary as ScopeSummary).targets ?? [];
  const base = t(`exports.base.${summary.base}`);
  const blanks = (n: number): CsvCell[] => Array<CsvCell>(n).fill(null);
  return targets.map((x) => {
    const ind = byCode.get(x.indicator);
    const decimals = ind?.kind === 'ratio' || ind?.kind === 'score' ? Math.max(1, ind.decimals) : (ind?.decimals ?? 0);
    return [
      t('exports.sheet.targets'),
      x.pole,
      x.poleName,
      x.indicator,
      ind?.label ?? x.indicator,
      ind?.unit ?? '',
      x.span
        ? t('exports.targets.throughSpan', { span: x.span, quarter: x.through })
        : t('exports.targets.through', { year: String(x.year), quarter: x.through }),
      base,
      x.actual === null ? null : { value: x.actual, decimals },
      ...NO_PER_INHABITANT,
      ...blanks(5),
      ...NO_COMPARISON,
      isoParis(summary.computedAt),
      '',
      { value: x.target, decimals },
      x.share === null ? null : { value: x.share * 100, decimals: 1 },
      x.expected === null ? null : { value: x.expected, decimals },
      x.status,
    ];
  });
}

function definitionRow(i: SummaryIndicator, summary: NationalSummary): CsvCell[] {
  const kind = t(`exports.kind.${i.kind}`);
  return [
    t('exports.sheet.definitions'),
    '',
    '',
    i.code,
    i.label,
    i.unit,
    periodName(summary),
    '',
    null,
    ...NO_PER_INHABITANT,
    null,
    null,
    null,
    null,
    null,
    ...NO_COMPARISON,
    '',
    `${kind}. ${i.definition}`.trim(),
  ];
}
