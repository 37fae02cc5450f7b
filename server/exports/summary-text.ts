// Words every rendering of a summary shares: its title, whether it is a scope, when it was computed, what a figure row is about.
import { t } from '../i18n/messages.ts';
import { formatDate } from '../lib/format.ts';
import type { NationalSummary, ScopeSummary, SummaryFigure, SummaryIndicator } from './summary.types.ts';

/** True for a funder's scope summary (it lists poles). */
export function isScope(summary: NationalSummary): summary is ScopeSummary {
  return Array.isArray((summary as ScopeSummary).poles);
}

/** The summary's title: the one given, or « Synthèse nationale » / « Synthèse de votre périmètre ». */
export function summaryTitle(summary: NationalSummary, title?: string): string {
  if (title) return title;
  return isScope(summary)
    ? t('exports.title.scope', { scope: summary.scopeName, period: summary.periodLabel })
    : t('exports.title.national', { period: summary.periodLabel });
}

/** « Données calculées le 26 novembre 2026 à 10:13 » (or that nothing was computed yet). */
export function computedLine(summary: NationalSummary): string {
  return summary.computedAt ? t('exports.computed', { date: formatDate(summary.computedAt, true) }) : t('exports.computed.none');
}

/** The cells that say what a figure row holds: its area (code, name) and its indicator (code, label, unit). */
export function figureIdentity(f: SummaryFigure, ind: SummaryIndicator | undefined): string[] {
  return [f.area, f.areaName, f.indicator, ind?.label ?? '', ind?.unit ?? ''];
}
