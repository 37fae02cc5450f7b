// The print-ready page of a summary (views/pages/exports/summary-print.hbs, public/css/print.css): the
// same figures as the files, formatted in French, one section per view.
import { t } from '../i18n/messages.ts';
import { formatNumber } from '../lib/format.ts';
import { changeText, computedLine, figureCompleteness, isScope, periodName, summaryTitle } from './summary-text.ts';
import type { NationalSummary, SummaryFigure, SummaryIndicator } from './summary.types.ts';

export interface PrintFigure {
  code: string;
  label: string;
  areaName: string;
  value: string;
  unit: string;
  completeness: string;
  contributors: string;
  /** The change from a year earlier, like for like, or why none is given; '' in a summary frozen without it. */
  change: string;
}

/**
 * What an empty figure says: nothing counted yet (« non disponible » is what a manager declares, and a
 * figure where every pole declared it has nothing counted either: the figure's page tells them apart).
 */
function noneText(base: NationalSummary['base']): string {
  return t(base === 'validated' ? 'exports.print.none' : 'exports.print.noneAny');
}

function printFigure(f: SummaryFigure, ind: SummaryIndicator | undefined, base: NationalSummary['base']): PrintFigure {
  return {
    code: f.indicator,
    label: ind?.label ?? f.indicator,
    areaName: f.areaName,
    value: f.value === null ? noneText(base) : formatNumber(f.value, ind?.decimals ?? 0),
    unit: ind?.unit ?? '',
    completeness: figureCompleteness({ reported: f.reported, expected: f.expected, unit: f.completenessUnit }),
    contributors: formatNumber(f.contributors ?? 0),
    change: changeText(f),
  };
}

/** One table per indicator, its rows the areas (regions, or a scope's poles). */
function byIndicator(
  figures: SummaryFigure[],
  indicators: SummaryIndicator[],
  byCode: Map<string, SummaryIndicator>,
  base: NationalSummary['base'],
) {
  return indicators.map((ind) => ({
    code: ind.code,
    label: ind.label,
    unit: ind.unit,
    rows: figures.filter((f) => f.indicator === ind.code).map((f) => printFigure(f, byCode.get(f.indicator), base)),
  }));
}

/** The print page's view model; print.css (media print) leaves out the navigation and starts each view on a new page. */
export function summaryPrintModel(summary: NationalSummary, opts: { title?: string } = {}) {
  const byCode = new Map(summary.indicators.map((i) => [i.code, i]));
  const base = summary.base;
  const national = summary.national.map((f) => printFigure(f, byCode.get(f.indicator), base));
  const scope = isScope(summary);
  return {
    title: summaryTitle(summary, opts.title),
    computed: computedLine(summary),
    period: t('exports.head.period', { period: periodName(summary), base: t(`exports.base.${summary.base}`) }),
    nationalHeading: t(scope ? 'exports.sheet.scope' : 'exports.sheet.national'),
    changeHeading: summary.comparedWith ? t('exports.print.changeHeading', { period: summary.comparedWith }) : null,
    headline: national.filter((f) => byCode.get(f.code)?.headline),
    national,
    regions: byIndicator(summary.regions, summary.indicators, byCode, base),
    poles: scope ? byIndicator(summary.poles, summary.indicators, byCode, base) : null,
    completeness: summary.completeness.map((c) => ({
      areaName: c.areaName,
      reported: formatNumber(c.reported),
      expected: formatNumber(c.expected),
      unit: c.unit ? t(`completeness.unit.${c.unit}`) : '',
      rate: c.rate === null ? t('exports.print.noRate') : `${formatNumber(c.rate * 100, 1)}\u00a0%`,
    })),
    definitions: summary.indicators.map((i) => ({
      code: i.code,
      label: i.label,
      kind: t(`exports.kind.${i.kind}`),
      unit: i.unit,
      definition: i.definition,
    })),
  };
}
