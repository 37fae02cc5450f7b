// Words every rendering of a summary shares: its title, whether it is a scope, when it was computed, what a figure row is about.
import { t } from '../i18n/messages.ts';
import { completenessText } from '../aggregates/completeness.ts';
import { formatChange, formatNumber, isoParis } from '../lib/format.ts';
import type { NationalSummary, ScopeSummary, SummaryFigure, SummaryIndicator } from './summary.types.ts';

/** True for a funder's scope summary (it lists poles). */
export function isScope(summary: NationalSummary): summary is ScopeSummary {
  return Array.isArray((summary as ScopeSummary).poles);
}

/**
 * The period as files name it: « 2026-T2 », « 2026 » for a closed year, « 2026, cumul à fin T3 » for the year
 * still running, whose figures are its year to date (a bare « 2026 » would be quoted as the whole year);
 * « (provisoire) » follows a provisional period.
 */
export function periodName(summary: NationalSummary): string {
  const name =
    summary.ytdThrough && summary.period.kind === 'year'
      ? t('exports.period.ytd', { year: summary.period.year, quarter: summary.ytdThrough })
      : summary.periodLabel;
  // « 2026-T3 (provisoire) »: a forwarded file must not pass for final figures.
  return summary.provisional ? t('closure.period', { period: name }) : name;
}

/** The period in a file name: « 2026-T2 », « 2026 », « 2026-cumul-T3 » (the year to date). */
export function periodSlug(summary: NationalSummary): string {
  return summary.ytdThrough && summary.period.kind === 'year' ? `${summary.period.year}-cumul-T${summary.ytdThrough}` : summary.periodLabel;
}

/** The summary's title: the one given, or « Synthèse nationale 2026-T2 » / « Synthèse : Nouvelle-Aquitaine + Occitanie, 2026-T2 ». */
export function summaryTitle(summary: NationalSummary, title?: string): string {
  if (title) return title;
  return isScope(summary)
    ? t('exports.title.scope', { scope: summary.scopeName, period: periodName(summary) })
    : t('exports.title.national', { period: periodName(summary) });
}

/** « Données calculées le 2026-11-26T10:13:00+01:00. » (or that nothing was computed yet). */
export function computedLine(summary: NationalSummary): string {
  return summary.computedAt ? t('exports.computed', { date: isoParis(summary.computedAt) }) : t('exports.computed.none');
}

/** The cells that say what a figure row holds: its area (code, name) and its indicator (code, label, unit). */
export function figureIdentity(f: SummaryFigure, ind: SummaryIndicator | undefined): string[] {
  return [f.area, f.areaName, f.indicator, ind?.label ?? '', ind?.unit ?? ''];
}

/**
 * A figure's completeness in words: « 31 pôles sur 39 (79 %) », « 110 trimestres déclarés sur 117 (94 %) »;
 * a summary frozen before the unit was said keeps its bare « 31 sur 39 ».
 */
export function figureCompleteness(c: { reported: number; expected: number; unit?: SummaryFigure['completenessUnit'] }): string {
  if (!c.unit) return t('exports.print.completeness', { reported: formatNumber(c.reported), expected: formatNumber(c.expected) });
  return completenessText({ reported: c.reported, expected: c.expected, rate: c.expected ? c.reported / c.expected : null, unit: c.unit });
}

/** « +4,2 % (31 pôles ayant déclaré les deux périodes) », « non significative (2 pôles sur 6) »; '' when not said. */
export function changeText(f: SummaryFigure): string {
  const c = f.comparison;
  if (!c) return '';
  const plural = c.poles >= 2 ? 'n' : '1';
  if (c.status === 'none') return t('exports.print.noComparison');
  if (c.status === 'not_significant') return t(`exports.print.notSignificant.${plural}`, { poles: c.poles, expected: c.polesExpected });
  if (c.change === null) return t('exports.print.zeroBefore');
  return t(`exports.print.change.${plural}`, { change: formatChange(c.change, c.changeUnit ?? 'percent'), poles: c.poles });
}
