// What a change from a year earlier may say, decided from the like-for-like comparison stored with each
// cell (semantics.ts `Comparison`): never from two totals of different sets of poles. One place for the
// rule, read by the dashboards, the files and the API.
import { SCALE } from '../lib/decimal.ts';
import { percent, type Cell, type Kind } from './semantics.ts';

/** Below this many poles in the common base, no percentage is shown (config MIN_COMPARABLE_POLES). */
export const DEFAULT_MIN_COMPARABLE_POLES = 3;

export type LikeForLike =
  | {
      status: 'significant';
      /** Poles in the common base, and poles expected in the period. */
      poles: number;
      polesExpected: number;
      /** Both sides' figures over the common base (scaled, as every figure). */
      current: number | null;
      previous: number | null;
      /** % of the previous figure, or points for a ratio (a percentage's change in % would mislead); null when the previous is 0. */
      change: number | null;
      unit: 'percent' | 'points';
    }
  | { status: 'not_significant'; poles: number; polesExpected: number }
  | { status: 'none'; poles: 0; polesExpected: number };

/** One side of the comparison as the figure it compares: a sum, a ratio of sums or an average. */
function side(kind: Kind, total: number | null, den: number | null, poles: number): number | null {
  if (total === null) return null;
  if (kind === 'ratio') return den === null ? null : percent(total, den);
  if (kind === 'score') return poles ? Math.round(total / poles) : null;
  return total;
}

/**
 * The like-for-like change of an area's cell. For an area (a region, the nation, a funder's scope) the
 * common base must hold at least `minPoles` poles and half the poles expected; a single pole's own
 * figures (`single`) compare whenever it reported both periods.
 */
export function likeForLike(
  kind: Kind,
  cell: Pick<Cell, 'cmp' | 'polesExpected'> | undefined,
  minPoles: number,
  single = false,
): LikeForLike {
  const polesExpected = cell?.polesExpected ?? 0;
  const cmp = cell?.cmp;
  if (!cmp || cmp.poles === 0) return { status: 'none', poles: 0, polesExpected };
  if (!single && (cmp.poles < minPoles || cmp.poles * 2 < polesExpected))
    return { status: 'not_significant', poles: cmp.poles, polesExpected };
  const current = side(kind, cmp.cur, cmp.curDen, cmp.poles);
  const previous = side(kind, cmp.prev, cmp.prevDen, cmp.poles);
  const unit = kind === 'ratio' ? 'points' : 'percent';
  let change: number | null = null;
  if (current !== null && previous !== null) {
    if (unit === 'points') change = current - previous;
    else if (previous !== 0) change = ((current - previous) / Math.abs(previous)) * 100;
  }
  return { status: 'significant', poles: cmp.poles, polesExpected, current, previous, change, unit };
}

/** A like-for-like comparison in the figure's own units (not × 10 000), as files and the API give it. */
export interface PlainComparison {
  status: LikeForLike['status'];
  poles: number;
  polesExpected: number;
  current: number | null;
  previous: number | null;
  /** Rounded to one decimal: % of the previous figure, or points for a ratio. */
  change: number | null;
  changeUnit: 'percent' | 'points' | null;
}

/** likeForLike() in plain units: what a file or an API answer states, null where nothing may be stated. */
export function plainComparison(
  kind: Kind,
  cell: Pick<Cell, 'cmp' | 'polesExpected'> | undefined,
  minPoles: number,
  single = false,
): PlainComparison {
  const c = likeForLike(kind, cell, minPoles, single);
  if (c.status !== 'significant')
    return {
      status: c.status,
      poles: c.poles,
      polesExpected: c.polesExpected,
      current: null,
      previous: null,
      change: null,
      changeUnit: null,
    };
  const units = (v: number | null) => (v === null ? null : v / SCALE);
  return {
    status: c.status,
    poles: c.poles,
    polesExpected: c.polesExpected,
    current: units(c.current),
    previous: units(c.previous),
    change: c.change === null ? null : Math.round((c.unit === 'points' ? c.change / SCALE : c.change) * 10) / 10,
    changeUnit: c.unit,
  };
}
