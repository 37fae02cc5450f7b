// How a dashboard shows its figures: raw, or « pour 10 000 habitants » (flows and stocks only; the rule,
// the decimals and the words are server/reference/per-inhabitant.ts's). A Show is built for one group of
// figures read together (a tile, the trend, a breakdown), so they share their decimals. Pure.
import { chartNumber, formatValue, unitTitle, type DashIndicator } from './figures.ts';
import { formatNumber } from '../lib/format.ts';
import {
  formatPerInhabitant,
  hasPerInhabitant,
  noPerInhabitantText,
  perInhabitantDecimals,
  perInhabitants,
  perInhabitantUnit,
  rawText,
  type Measure,
} from '../reference/per-inhabitant.ts';
import { t } from '../i18n/messages.ts';

/** Builds the Show of a group of figures from their values (figures.ts calls it, without importing this module). */
export type ShowOf = (values: Divided[]) => Show;

/** A stored value with the population of its area (null: unknown; undefined when raw). */
export type Divided = [scaled: number | null | undefined, population: number | null | undefined];

export interface Show {
  /** Figures are divided (a flow or a stock, per inhabitant asked). */
  perInhabitant: boolean;
  /** The number a chart draws and a table sorts by: units, or per 10 000 inhabitants. */
  number(scaled: number | null | undefined, population?: number | null): number | null;
  /** A figure's text: raw with its unit, or per 10 000 inhabitants (the unit is in the heading). */
  text(scaled: number | null | undefined, population?: number | null): string | null;
  /** « brut : 3,0 ETP » beside a divided figure; null when raw. */
  raw(scaled: number | null | undefined): string | null;
  /** For the legend of a map: a number in the Show's decimals, without unit. */
  plain(n: number): string;
  /** Headings and axes: « ETP », or « ETP pour 10 000 habitants ». */
  unit: string;
  decimals: number;
}

/** Raw figures, with the indicator's decimals and unit (as the dashboards always showed them). */
export function rawShow(ind: DashIndicator): Show {
  return {
    perInhabitant: false,
    number: (scaled) => chartNumber(scaled),
    text: (scaled) => formatValue(ind, scaled),
    raw: () => null,
    plain: (n) => formatNumber(n, ind.decimals),
    unit: unitTitle(ind.unit),
    decimals: ind.decimals,
  };
}

/**
 * How a group of figures is shown for a measure: per 10 000 inhabitants when asked and the indicator has
 * that form (decimals chosen on the group's values), else raw.
 */
export function showFor(ind: DashIndicator, measure: Measure | undefined, values: Divided[] = []): Show {
  const raw = rawShow(ind);
  if (measure !== 'habitants' || !hasPerInhabitant(ind.kind)) return raw;
  const decimals = perInhabitantDecimals(values.map(([v, p]) => perInhabitants(v, p)));
  return {
    perInhabitant: true,
    number: (scaled, population) => perInhabitants(scaled, population),
    text: (scaled, population) => formatPerInhabitant(perInhabitants(scaled, population), decimals),
    raw: (scaled) => {
      const text = raw.text(scaled);
      return text === null ? null : rawText(text);
    },
    plain: (n) => formatNumber(n, decimals),
    unit: perInhabitantUnit(ind.unitLabel),
    decimals,
  };
}

/** What the page says of the measure next to the filters: the vintage, the divisors, or why none. */
export function measureNotice(o: {
  chosen: DashIndicator;
  measure: Measure;
  note: string;
  divisors: { name: string; population: number | null }[];
  poles?: boolean;
}) {
  if (o.measure !== 'habitants') return null;
  if (!hasPerInhabitant(o.chosen.kind)) return { note: null, divisors: null, poles: null, noForm: noPerInhabitantText(o.chosen.kind) };
  const areas = o.divisors
    .map((d) =>
      t('perInhabitant.divisor', {
        area: d.name,
        population: d.population === null ? t('perInhabitant.unknown') : formatNumber(d.population),
      }),
    )
    .join(' ; ');
  return {
    note: o.note,
    divisors: areas ? t('perInhabitant.divisors', { areas }) : null,
    poles: o.poles ? t('perInhabitant.poles') : null,
    noForm: null,
  };
}

/** A population as a table cell: « 6 124 653 », or « population inconnue ». */
export function populationText(population: number | null): string {
  return population === null ? t('perInhabitant.unknown') : formatNumber(population);
}

/** A tile's line under the value: the raw figure, or (a rate or a score) why it stays raw. */
export function tileNoForm(ind: DashIndicator, measure: Measure | undefined): string | null {
  return measure === 'habitants' && !hasPerInhabitant(ind.kind) ? noPerInhabitantText(ind.kind, true) : null;
}

/** A tile's way of showing its figures, for a measure (undefined: raw, as always). */
export function perTile(ind: DashIndicator, measure: Measure, own: number | null, reference?: number | null) {
  if (measure !== 'habitants') return undefined;
  return { own, reference, show: (values: Divided[]) => showFor(ind, measure, values), noForm: tileNoForm(ind, measure) };
}

/** The query kept in links to another dashboard (« ?mesure=habitants »), empty for raw figures. */
export function measureQuery(measure: Measure): string {
  return measure === 'brut' ? '' : `?mesure=${measure}`;
}
