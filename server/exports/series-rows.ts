// The time-series export's rows for one area: one per indicator × quarter, from the area's stored quarter
// cells (never recomputed), its closure (« provisoire » or not, the dashboards' rule), its population
// (per 10 000 inhabitants: server/reference/per-inhabitant.ts) and, for a pole, its validated annual
// targets with the progress rule of server/aggregates/progress.ts. Pure: the service reads, this builds.
import type { StoredAggregate } from '../aggregates/aggregates.repo.ts';
import type { AreaClosure } from '../aggregates/closure.service.ts';
import { completeness } from '../aggregates/completeness.ts';
import type { IndicatorRow } from '../indicators/indicators.repo.ts';
import { SCALE } from '../lib/decimal.ts';
import { fromIndex, type Quarter } from '../lib/quarters.ts';
import { hasPerInhabitant, perInhabitants } from '../reference/per-inhabitant.ts';
import { yearProgress } from '../targets/poles-progress.ts';
import type { TargetRow } from '../targets/targets.repo.ts';

export type SeriesLevel = 'nation' | 'region' | 'pole';

export interface SeriesIndicator {
  row: IndicatorRow;
  /** Decimals written: the indicator's own (ratios and scores at least one, as on the dashboards). */
  decimals: number;
  /** The unit in French (« ETP », « nombre »). */
  unit: string;
}

export interface SeriesArea {
  level: SeriesLevel;
  /** 'FR', a region's INSEE code, a pole's slug. */
  code: string;
  name: string;
  /** The area as the aggregates store it ('FR', the region code, the pole id). */
  stored: string;
  /** Its inhabitants; null when unknown (a pole whose territory is not in the reference). */
  population: number | null;
}

export interface SeriesRow {
  indicator: SeriesIndicator;
  area: SeriesArea;
  quarter: Quarter;
  /** In the indicator's unit (not scaled); null: nothing reported. */
  value: number | null;
  provisional: boolean;
  reported: number;
  expected: number;
  /** reported ÷ expected in %, one decimal; null when nothing was expected. */
  completenessPct: number | null;
  /** Per 10 000 inhabitants (flows and stocks only). */
  perInhabitant: number | null;
  /** A pole's validated target for the quarter's year; null elsewhere. */
  target: number | null;
  /** The year to date at that quarter against the target, in % (progress.ts); null without target or figure. */
  targetPct: number | null;
}

/** A pole's validated annual targets (totals) and its year-to-date cells, by indicator. */
export interface PoleTargets {
  target(indicatorId: number, year: number): TargetRow | undefined;
  ytd(indicatorId: number, index: number): StoredAggregate | undefined;
}

export const cellKey = (indicatorId: number, index: number) => `${indicatorId}|${index}`;

/** The cells of a read, by stored area, then by indicator and quarter index. */
export function cellsByArea(cells: StoredAggregate[]): Map<string, Map<string, StoredAggregate>> {
  const out = new Map<string, Map<string, StoredAggregate>>();
  for (const c of cells) {
    let mine = out.get(c.area);
    if (!mine) out.set(c.area, (mine = new Map()));
    mine.set(cellKey(c.indicatorId, c.year * 4 + c.quarter - 1), c);
  }
  return out;
}

/**
 * A share in %, one decimal, written as completenessText() says it (completeness.ts `shareText`): short
 * of the whole it never reads 100, above nothing it never reads 0.
 */
export function sharePct(reported: number, expected: number): number | null {
  if (!expected) return null;
  let pct = Math.round((reported / expected) * 1000) / 10;
  if (reported < expected) pct = Math.min(pct, 99.9);
  if (reported > 0) pct = Math.max(pct, 0.1);
  return pct;
}

const onePlace = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

/** The rows of one area, indicator by indicator, quarter after quarter. */
export function areaRows(
  area: SeriesArea,
  indicators: SeriesIndicator[],
  indices: number[],
  cells: Map<string, StoredAggregate> | undefined,
  closure: AreaClosure,
  targets?: PoleTargets,
): SeriesRow[] {
  const out: SeriesRow[] = [];
  for (const indicator of indicators) {
    const id = indicator.row.id;
    const perInhabitant = hasPerInhabitant(indicator.row.kind);
    for (const index of indices) {
      const cell = cells?.get(cellKey(id, index));
      const c = completeness('quarter', cell);
      const quarter = fromIndex(index);
      const target = targets?.target(id, quarter.year);
      // The tiles' and the scope file's rule: the pole's year to date at that quarter (a stock: its level).
      const progress = target ? yearProgress(indicator.row, target, targets!.ytd(id, index) ?? null, quarter.quarter) : null;
      const scaled = cell?.value ?? null;
      out.push({
        indicator,
        area,
        quarter,
        value: scaled === null ? null : scaled / SCALE,
        provisional: closure.quarterProvisional(index),
        reported: c.reported,
        expected: c.expected,
        completenessPct: sharePct(c.reported, c.expected),
        perInhabitant: perInhabitant ? perInhabitants(scaled, area.population) : null,
        target: target ? target.value_scaled / SCALE : null,
        targetPct: progress ? onePlace(progress.share) : null,
      });
    }
  }
  return out;
}
