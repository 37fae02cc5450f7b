// Figures « pour 10 000 habitants »: the one rule, read by the comparison page, the dashboards, the exports
// and the API. A figure is value × 10 000 ÷ the population of its area (server/reference/population.ts:
// France, a region, a funder's regions together, a pole's territory); only flows and stocks have that form
// (a rate or a score does not grow with the population). Pure: no I/O.
import type { Kind } from '../aggregates/semantics.ts';
import { t } from '../i18n/messages.ts';
import { SCALE } from '../lib/decimal.ts';
import { formatNumber } from '../lib/format.ts';
import type { Populations, TerritoryRef } from './population.ts';

/** People per « habitants » unit: figures are given per 10 000 inhabitants. */
export const PER_INHABITANTS = 10_000;

/** The query parameter `mesure` of the pages that offer the switch. */
export const MEASURES = ['brut', 'habitants'] as const;
export type Measure = (typeof MEASURES)[number];

/** Whether an indicator of this kind has a per-inhabitant form: flows and stocks only. */
export function hasPerInhabitant(kind: Kind): boolean {
  return kind === 'flow' || kind === 'stock';
}

/** A value in units per 10 000 inhabitants; null without a value or a known (positive) population. */
export function per10k(value: number | null | undefined, population: number | null | undefined): number | null {
  if (value === null || value === undefined || !population || population <= 0) return null;
  return (value * PER_INHABITANTS) / population;
}

/** A scaled stored value (× SCALE) per 10 000 inhabitants (null stays null: nothing reported). */
export function perInhabitants(scaled: number | null | undefined, population: number | null | undefined): number | null {
  return per10k(scaled === null || scaled === undefined ? null : scaled / SCALE, population);
}

/**
 * Decimals for figures per 10 000 inhabitants: three significant digits for the smallest one shown
 * (0,0229 · 1,25 · 12,5), between 1 and 4, so that no area's figure reads « 0,00 ».
 */
export function perInhabitantDecimals(values: (number | null)[]): number {
  const shown = values.filter((v): v is number => v !== null && v !== 0).map(Math.abs);
  if (!shown.length) return 2;
  const smallest = Math.min(...shown);
  return Math.min(4, Math.max(1, 2 - Math.floor(Math.log10(smallest))));
}

/** A per-inhabitant figure in French (null stays null). */
export function formatPerInhabitant(value: number | null, decimals: number): string | null {
  return value === null ? null : formatNumber(value, decimals);
}

/** « ETP pour 10 000 habitants », « pour 10 000 habitants » for a plain count. */
export function perInhabitantUnit(unitLabel: string): string {
  return unitLabel ? t('perInhabitant.unit', { unit: unitLabel }) : t('perInhabitant.unitPlain');
}

/** « brut : 3,0 ETP », beside a per-inhabitant figure. */
export function rawText(value: string): string {
  return t('perInhabitant.raw', { value });
}

/** « Cet indicateur est un taux : il n'a pas de forme « pour 10 000 habitants » … », for a ratio or a score. */
export function noPerInhabitantText(kind: Kind, short = false): string {
  const name = t(kind === 'score' ? 'perInhabitant.kind.score' : 'perInhabitant.kind.ratio');
  return t(short ? 'perInhabitant.noFormShort' : 'perInhabitant.noForm', { kind: name });
}

/** « Pour 10 000 habitants : chaque chiffre est divisé par la population de sa zone (population municipale, millésime 2023 …). » */
export function perInhabitantNote(populations: Pick<Populations, 'vintage'>): string {
  return t('perInhabitant.note', { vintage: populations.vintage });
}

/** The measure select: [{ value, label, selected }]. */
export function measureOptions(selected: Measure) {
  return MEASURES.map((m) => ({ value: m, label: t(`perInhabitant.measure.${m}`), selected: m === selected }));
}

/** A funder's regions together: the sum of theirs (null when one is unknown). */
export function regionsPopulation(populations: Pick<Populations, 'region'>, codes: string[]): number | null {
  let n = 0;
  for (const code of codes) {
    const p = populations.region(code);
    if (p === undefined) return null;
    n += p;
  }
  return codes.length ? n : null;
}

/**
 * A pole's divisor: its territory's population (its EPCI and départements, each commune once). Null
 * (« population inconnue ») when the territory is empty or one of its rows is not in the package: a
 * part left out would divide by too few inhabitants.
 */
export function polePopulation(populations: Pick<Populations, 'territory'>, rows: TerritoryRef[]): number | null {
  if (!rows.length) return null;
  const p = populations.territory(rows);
  return p.missing.length || p.population <= 0 ? null : p.population;
}
