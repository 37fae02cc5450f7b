// Turning stored aggregates into what a dashboard shows: cells per period, formatted numbers, the
// change from a year earlier, completeness, chart series. Pure (no I/O). Sums, last values, ratios and
// averages are never computed here: cells come from the aggregates, and several areas are merged with
// combine() from the aggregation semantics.
import type { Base, StoredAggregate } from '../aggregates/aggregates.repo.ts';
import type { Zone } from '../provenance/provenance.schema.ts';
import { figureLink } from './figure-links.ts';
import type { Grain } from '../aggregates/periods.ts';
import { likeForLike } from '../aggregates/comparison.ts';
import { completeness, completenessText as textOf } from '../aggregates/completeness.ts';
import { combine, type Cell, type Kind } from '../aggregates/semantics.ts';
import { t, tDynamic } from '../i18n/messages.ts';
import { SCALE } from '../lib/decimal.ts';
import { formatChange, formatScaled } from '../lib/format.ts';
import { quarterIndex, quarterLabel, fromIndex } from '../lib/quarters.ts';
import type { Divided, Show, ShowOf } from './per-inhabitant-view.ts';

export interface DashIndicator {
  id: number;
  code: string;
  label: string;
  kind: Kind;
  unit: string;
  /** The unit as a title ('ETP'); empty for plain counts. */
  unitLabel: string;
  /** Decimals shown: the indicator's own; ratios (percentages) and score averages get one. */
  decimals: number;
}

export function toDashIndicator(row: {
  id: number;
  code: string;
  label_fr: string;
  kind: Kind;
  unit: string;
  decimals: number;
}): DashIndicator {
  const decimals = row.kind === 'ratio' || row.kind === 'score' ? Math.max(1, row.decimals) : row.decimals;
  return { id: row.id, code: row.code, label: row.label_fr, kind: row.kind, unit: row.unit, unitLabel: unitTitle(row.unit), decimals };
}

/** The unit written after a number ('12,5 ETP', '3 000 €'); counts and scores go without one. */
export function unitSuffix(unit: string): string {
  return unit === 'nombre' || unit === 'score' ? '' : `\u00a0${tDynamic('unit', unit)}`;
}

/** The unit as a column or axis title ('ETP', 'score (1 à 4)'); empty for plain counts. */
export function unitTitle(unit: string): string {
  return unit === 'nombre' ? '' : tDynamic('unit', unit);
}

/** A scaled value in French with the indicator's decimals and unit, or null when nothing was reported. */
export function formatValue(ind: DashIndicator, scaled: number | null | undefined): string | null {
  if (scaled === null || scaled === undefined) return null;
  return formatScaled(scaled, ind.decimals) + unitSuffix(ind.unit);
}

/** A scaled value as a plain number for a chart (units, not × 10 000). */
export function chartNumber(scaled: number | null | undefined): number | null {
  return scaled === null || scaled === undefined ? null : scaled / SCALE;
}

/** What a tile says of the change from a year earlier: a like-for-like figure, or why there is none. */
export interface ChangeLine {
  /** « +4,2 % par rapport à 2025-T3, à périmètre constant », or why no percentage is shown. */
  text: string;
  /** « 31 pôles ayant déclaré les deux périodes : 25,0 ETP contre 24,0 ETP »; null without a common base. */
  base: string | null;
  significant: boolean;
}

/**
 * The change from a year earlier, like for like (server/aggregates/comparison.ts decides): in % of the
 * earlier figure, or in points for a ratio; with the common base it was computed on.
 */
export function changeLine(
  ind: DashIndicator,
  cell: FigureCell | undefined,
  previous: string,
  minPoles: number,
  single = false,
): ChangeLine {
  const c = likeForLike(ind.kind, cell, minPoles, single);
  if (c.status === 'none') return { text: t('dash.tile.noChange', { previous }), base: null, significant: false };
  const plural = c.poles >= 2 ? 'n' : '1';
  if (c.status === 'not_significant')
    return {
      text: t(`dash.tile.notSignificant.${plural}`, { previous, poles: c.poles, expected: c.polesExpected }),
      base: null,
      significant: false,
    };
  const base = t(`dash.tile.changeBase.${plural}`, {
    poles: c.poles,
    current: formatValue(ind, c.current) ?? '—',
    before: formatValue(ind, c.previous) ?? '—',
  });
  if (c.change === null) return { text: t('dash.tile.zeroBefore', { previous }), base, significant: false };
  const change = formatChange(c.unit === 'points' ? c.change / SCALE : c.change, c.unit);
  return { text: t('dash.tile.change', { change, previous }), base, significant: true };
}

/** « 31 pôles sur 39 (79 %) » for one quarter, « 110 trimestres déclarés sur 117 (94 %) » beyond. */
export function completenessText(grain: Grain, cell: Pick<Cell, 'reported' | 'expected'> | undefined): string {
  return textOf(completeness(grain, cell));
}

export type FigureCell = Cell & { computedAt: string };

/**
 * Cells of one area by indicator, grain and period end. Built from the stored rows of that area, or of
 * several regions merged with combine() (a regional funder's scope). Remembers every computed_at it saw.
 */
export class Figures {
  private readonly cells = new Map<string, FigureCell>();
  readonly computedAts: string[] = [];

  /** The base these cells were read on, when they are one area's. */
  get base(): Base | undefined {
    return this.of?.base;
  }

  /** `of`: the one area these cells are (its zone and base), for the link to « Comment ce chiffre est calculé ». */
  constructor(
    rows: StoredAggregate[],
    kindOf: (indicatorId: number) => Kind | undefined,
    private readonly of?: { zone: Zone; base: Base },
  ) {
    const groups = new Map<string, StoredAggregate[]>();
    for (const r of rows) {
      if (r.category !== '') continue;
      const k = Figures.key(r.indicatorId, r.grain, quarterIndex(r));
      const list = groups.get(k) ?? [];
      list.push(r);
      groups.set(k, list);
      this.computedAts.push(r.computedAt);
    }
    for (const [k, list] of groups) {
      const kind = kindOf(list[0].indicatorId);
      if (!kind) continue;
      const cell = list.length === 1 ? list[0] : combine(kind, list);
      this.cells.set(k, { ...cell, computedAt: oldest(list.map((r) => r.computedAt))! });
    }
  }

  static key(indicatorId: number, grain: Grain, endIndex: number): string {
    return `${indicatorId}|${grain}|${endIndex}`;
  }

  get(indicatorId: number, grain: Grain, endIndex: number): FigureCell | undefined {
    return this.cells.get(Figures.key(indicatorId, grain, endIndex));
  }

  value(indicatorId: number, grain: Grain, endIndex: number): number | null {
    return this.get(indicatorId, grain, endIndex)?.value ?? null;
  }

  /** The provenance page of one of these figures (null for cells of several areas, or with no figure stored). */
  link(ind: Pick<DashIndicator, 'id' | 'code'>, grain: Grain, endIndex: number): string | null {
    if (!this.of || !this.get(ind.id, grain, endIndex)) return null;
    return figureLink({ indicator: ind.code, end: fromIndex(endIndex), grain, zone: this.of.zone, base: this.of.base });
  }
}

/** The oldest of some ISO timestamps (they are all written the same way, in UTC). */
export function oldest(timestamps: string[]): string | null {
  let out: string | null = null;
  for (const ts of timestamps) if (out === null || ts < out) out = ts;
  return out;
}

export interface TileLine {
  label: string;
  /** The period is « provisoire » (server/aggregates/closure.ts decides). */
  provisional: boolean;
  value: string | null;
  completeness: string;
  change: ChangeLine;
  reference: string | null;
  /** « Comment ce chiffre est calculé » for this figure. */
  href: string | null;
  /** Per inhabitant: « brut : 3,0 ETP » under the divided value. */
  raw?: string | null;
}

/** A tile per 10 000 inhabitants: its area's population (and the reference's), how its group is shown. */
export interface TilePer {
  own: number | null;
  reference?: number | null;
  show: ShowOf;
  /** A rate or a score: why the tile stays raw. */
  noForm: string | null;
}

export interface Tile {
  id: number;
  code: string;
  label: string;
  unit: string;
  quarter: TileLine;
  ytd: TileLine;
  /** Per inhabitant asked for a rate or a score: why its tile stays raw. */
  noForm?: string | null;
}

/**
 * A headline tile: the quarter ending the range and the year to date, each with its completeness and
 * its like-for-like change from the same period a year earlier; `reference` adds another area's figure.
 */
export function tile(
  ind: DashIndicator,
  endIndex: number,
  f: Figures,
  minPoles: number,
  reference?: { name: string; figures: Figures },
  provisional: Provisional = () => false,
  per?: TilePer,
): Tile {
  const end = fromIndex(endIndex);
  const grains = ['quarter', 'ytd'] as const;
  const divided: Divided[] = per
    ? grains.flatMap((g): Divided[] => [
        [f.value(ind.id, g, endIndex), per.own],
        ...(reference ? [[reference.figures.value(ind.id, g, endIndex), per.reference] as Divided] : []),
      ])
    : [];
  const show = per?.show(divided);
  const line = (grain: 'quarter' | 'ytd', label: string, previous: string): TileLine => {
    const cell = f.get(ind.id, grain, endIndex);
    const refScaled = reference?.figures.value(ind.id, grain, endIndex);
    const refValue = reference ? (show ? show.text(refScaled, per?.reference) : formatValue(ind, refScaled)) : null;
    return {
      label,
      provisional: provisional(grain, endIndex),
      value: show ? show.text(cell?.value, per?.own) : formatValue(ind, cell?.value),
      ...(show?.perInhabitant ? { raw: show.raw(cell?.value) } : {}),
      completeness: completenessText(grain, cell),
      change: changeLine(ind, cell, previous, minPoles),
      reference: reference
        ? t('dash.tile.reference', {
            area: reference.name,
            value: refValue ?? t(reference.figures.base === 'validated_or_submitted' ? 'dash.tile.noValueAny' : 'dash.tile.noValue'),
          })
        : null,
      href: f.link(ind, grain, endIndex),
    };
  };
  return {
    id: ind.id,
    code: ind.code,
    label: ind.label,
    unit: show ? show.unit : unitTitle(ind.unit),
    ...(per?.noForm ? { noForm: per.noForm } : {}),
    quarter: line('quarter', t('dash.tile.quarter', { quarter: quarterLabel(end) }), quarterLabel(fromIndex(endIndex - 4))),
    ytd: line(
      'ytd',
      t('dash.tile.ytd', { year: end.year, quarter: end.quarter }),
      t('dash.tile.ytdPrevious', { year: end.year - 1, quarter: end.quarter }),
    ),
  };
}

/** The headline indicators' tiles, and one more for the chosen indicator when it is not among them. */
export function withChosen(headline: DashIndicator[], chosen: DashIndicator): DashIndicator[] {
  return headline.some((i) => i.id === chosen.id) ? headline : [...headline, chosen];
}

export interface Series {
  label: string;
  figures: Figures;
  /** The area's population, per inhabitant. */
  population?: number | null;
}

/** Whether the period of a grain ending at a quarter index is « provisoire ». */
export type Provisional = (grain: Grain, endIndex: number) => boolean;

/** A period's label, with « (provisoire) » beside it when it is. */
export function periodText(label: string, provisional: boolean): string {
  return provisional ? t('closure.period', { period: label }) : label;
}

/**
 * The trend of one indicator over a range: chart data (in units) and table rows (formatted). Provisional
 * quarters are flagged in both: the chart draws them apart, the table says « provisoire ».
 */
export function trend(
  ind: DashIndicator,
  fromIdx: number,
  toIdx: number,
  series: Series[],
  provisional: Provisional = () => false,
  showOf?: ShowOf,
) {
  const indices = Array.from({ length: toIdx - fromIdx + 1 }, (_, i) => fromIdx + i);
  const labels = indices.map((i) => quarterLabel(fromIndex(i)));
  const flags = indices.map((i) => provisional('quarter', i));
  const show = showOf?.(series.flatMap((s) => indices.map((i): Divided => [s.figures.value(ind.id, 'quarter', i), s.population])));
  const per = Boolean(show?.perInhabitant);
  // A region's total beside France's (or a wider scope's) would be a sliver on one axis: for totals the
  // areas after the first get the right-hand axis, and the legend says so. Ratios and scores share one,
  // and so do figures per inhabitant (they are on one scale).
  const twoAxes = series.length > 1 && (ind.kind === 'flow' || ind.kind === 'stock') && !per;
  return {
    chart: {
      type: ind.kind === 'flow' ? 'bar' : 'line',
      labels,
      provisional: flags,
      provisionalLabel: t('closure.provisional'),
      unit: show ? show.unit : unitTitle(ind.unit),
      decimals: show ? show.decimals : ind.decimals,
      series: series.map((s, n) => ({
        label: twoAxes && n > 0 ? t('dash.chart.rightAxis', { area: s.label }) : s.label,
        axis: twoAxes && n > 0 ? 'right' : 'left',
        values: indices.map((i) =>
          show ? show.number(s.figures.value(ind.id, 'quarter', i), s.population) : chartNumber(s.figures.value(ind.id, 'quarter', i)),
        ),
      })),
    },
    scalesNote: twoAxes
      ? t('dash.chart.twoAxes', {
          left: series[0].label,
          right: series
            .slice(1)
            .map((s) => s.label)
            .join(', '),
        })
      : null,
    columns: series.map((s) => s.label),
    /** Per inhabitant: the unit, said in the table's caption. */
    perUnit: per ? show!.unit : null,
    rows: indices.map((i, n) => ({
      quarter: labels[n],
      provisional: flags[n],
      cells: series.map((s) => {
        const cell = s.figures.get(ind.id, 'quarter', i);
        return {
          value: show ? show.text(cell?.value, s.population) : formatValue(ind, cell?.value),
          ...(per ? { raw: show!.raw(cell?.value) } : {}),
          completeness: completenessText('quarter', cell),
          href: s.figures.link(ind, 'quarter', i),
        };
      }),
    })),
  };
}

export interface BreakdownRow {
  key: string;
  name: string;
  href: string | null;
  /** « Comment ce chiffre est calculé » for the row's figure. */
  figureHref: string | null;
  scaled: number | null;
  value: string | null;
  completeness: string;
  /** What the table sorts by and the bar chart draws: the stored value, or the value per 10 000 inhabitants. */
  sort: number | null;
  /** Per inhabitant: the divisor (null: « population inconnue »), its text, and the raw figure. */
  population?: number | null;
  populationText?: string;
  raw?: string | null;
}

/** Rows sorted by value, largest first, those without a value last (the order without JavaScript). */
export function byValue<T extends { sort: number | null; name: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (b.sort ?? -Infinity) - (a.sort ?? -Infinity) || a.name.localeCompare(b.name, 'fr'));
}

/** A horizontal bar chart of breakdown rows (only those with a value), raw or per inhabitant as `show` says. */
export function barChart(ind: DashIndicator, rows: BreakdownRow[], show?: Show) {
  const shown = rows.filter((r) => r.sort !== null);
  return {
    type: 'bar',
    horizontal: true,
    labels: shown.map((r) => r.name),
    unit: show ? show.unit : unitTitle(ind.unit),
    decimals: show ? show.decimals : ind.decimals,
    series: [{ label: ind.label, values: shown.map((r) => (show ? show.number(r.scaled, r.population) : chartNumber(r.scaled))) }],
  };
}
