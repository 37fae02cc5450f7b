// What the publication pages show, formatted in French. Pure: no I/O.
import type { NationalSummary, SummaryCompleteness, SummaryFigure } from '../exports/summary.types.ts';
import { t } from '../i18n/messages.ts';
import { formatDate, formatNumber } from '../lib/format.ts';
import type { PublicationDiff } from './publication-diff.ts';
import { periodLabel } from '../lib/quarters.ts';
import type { PublicationHead } from './publications.repo.ts';

export const FILE_FORMATS = ['csv', 'csv-excel', 'xlsx'] as const;

/** The base URL of one version's pages. */
export const versionHref = (p: Pick<PublicationHead, 'period' | 'version'>): string =>
  `/publications/${periodLabel(p.period)}/versions/${p.version}`;

/** A publication as a list row or a page header. */
export function headView(p: PublicationHead) {
  const href = versionHref(p);
  return {
    period: periodLabel(p.period),
    periodKind: t(`publications.kind.${p.period.kind}`),
    version: p.version,
    publishedAt: formatDate(p.publishedAt, true),
    author: p.authorName ?? t('publications.unknownAuthor'),
    reason: p.reason,
    href,
    changesHref: p.version > 1 ? `${href}/changements` : null,
    printHref: `${href}/impression`,
    downloads: FILE_FORMATS.map((f) => ({ format: f, label: t(`publications.format.${f}`), href: `${href}/fichier/${f}` })),
  };
}

function decimalsOf(summary: NationalSummary): Map<string, number> {
  return new Map(summary.indicators.map((i) => [i.code, i.decimals]));
}

const valueText = (v: number | null | undefined, decimals: number): string =>
  v === null || v === undefined ? t('publications.noValue') : formatNumber(v, decimals);
const completenessText = (c: { reported: number; expected: number } | null): string =>
  c ? t('publications.completeness', { reported: formatNumber(c.reported), expected: formatNumber(c.expected) }) : '—';
const rateText = (c: SummaryCompleteness | null): string =>
  !c ? '—' : c.rate === null ? t('publications.noValue') : `${formatNumber(c.rate * 100, 1)}\u00a0%`;

/** The national figures of a frozen summary, one row per indicator. */
export function nationalRows(summary: NationalSummary) {
  const decimals = decimalsOf(summary);
  const byCode = new Map(summary.indicators.map((i) => [i.code, i]));
  return summary.national.map((f: SummaryFigure) => ({
    code: f.indicator,
    label: byCode.get(f.indicator)?.label ?? f.indicator,
    unit: byCode.get(f.indicator)?.unit ?? '',
    value: valueText(f.value, decimals.get(f.indicator) ?? 0),
    completeness: completenessText(f),
    contributors: formatNumber(f.contributors ?? 0),
  }));
}

export function completenessRows(summary: NationalSummary) {
  return summary.completeness.map((c) => ({
    areaName: c.areaName,
    reported: formatNumber(c.reported),
    expected: formatNumber(c.expected),
    rate: rateText(c),
  }));
}

/** The « what changed » page's tables. */
export function diffView(diff: PublicationDiff, before: NationalSummary, after: NationalSummary) {
  const decimals = new Map([...decimalsOf(before), ...decimalsOf(after)]);
  const units = new Map([...before.indicators, ...after.indicators].map((i) => [i.code, i.unit]));
  const withUnit = (f: SummaryFigure | null, code: string) => {
    if (!f) return t('publications.absent');
    return f.value === null
      ? t('publications.noValue')
      : `${formatNumber(f.value, decimals.get(code) ?? 0)}\u00a0${units.get(code) ?? ''}`.trim();
  };
  return {
    unchanged: diff.unchanged,
    figures: diff.figures.map((c) => ({
      indicator: c.indicatorLabel,
      code: c.indicator,
      area: c.level === 'nation' ? t('publications.nation') : c.areaName,
      before: withUnit(c.before, c.indicator),
      after: withUnit(c.after, c.indicator),
      valueChanged: c.valueChanged,
      completenessBefore: completenessText(c.before),
      completenessAfter: completenessText(c.after),
      completenessChanged: c.completenessChanged,
    })),
    completeness: diff.completeness.map((c) => ({
      areaName: c.areaName,
      before: `${completenessText(c.before)} (${rateText(c.before)})`,
      after: `${completenessText(c.after)} (${rateText(c.after)})`,
    })),
    definitions: diff.definitions.map((d) => ({
      code: d.code,
      label: d.label,
      field: t(`publications.field.${d.field}`),
      before: d.before || '—',
      after: d.after || '—',
    })),
  };
}
