// Progress against targets: one rule for every page, file and answer. Pure: the caller passes the target
// and the actual figure of the same pole over the same span (an aggregate cell: the year to date at the
// last consolidated quarter, or the whole year once it has ended), both scaled like every value.
import type { Kind } from './semantics.ts';

/** A flow within ±10 % of its trajectory is « conforme »; beyond, ahead or behind. */
export const TRAJECTORY_TOLERANCE = 0.1;

export type Direction = 'up' | 'down';
export type TrajectoryStatus = 'ahead' | 'on_track' | 'behind';

export interface ProgressInput {
  kind: Kind;
  direction: Direction;
  /** The target, scaled (a flow: the span's total; a stock: the level at its end; a ratio, a score: the level). */
  target: number;
  /** The actual figure over the consolidated part of the span, scaled; null when nothing was counted. */
  actual: number | null;
  /** Quarters of the span consolidated so far, and quarters in the span (4 a year). */
  elapsed: number;
  span: number;
}

export interface Progress {
  /** « % atteint » as a share: actual ÷ target, or target ÷ actual when lower is better; null without actual. */
  share: number | null;
  /** The target is met (at or beyond it in the wanted direction). */
  reached: boolean;
  /** Flows only, while the span runs: the share of the target expected by now (linear by quarter). */
  trajectory: { expected: number; status: TrajectoryStatus; gap: number } | null;
}

/** A pole's progress on one target. */
export function progress(p: ProgressInput): Progress {
  if (p.actual === null) return { share: null, reached: false, trajectory: null };
  const up = p.direction === 'up';
  // A flow where lower is better is judged once its span has ended: until then its trajectory says how it goes.
  const running = p.kind === 'flow' && p.elapsed < p.span;
  const reached = up ? p.actual >= p.target : !running && p.actual <= p.target;
  let share: number | null;
  if (up) share = p.target === 0 ? (p.actual > 0 ? null : 1) : p.actual / p.target;
  else share = p.actual === 0 ? null : p.target / p.actual;
  return { share, reached, trajectory: running ? trajectory(p, up) : null };
}

function trajectory(p: ProgressInput, up: boolean): Progress['trajectory'] {
  const expected = Math.round((p.target * p.elapsed) / p.span);
  const actual = p.actual!;
  const gap = actual - expected;
  const margin = Math.abs(expected) * TRAJECTORY_TOLERANCE;
  let status: TrajectoryStatus = 'on_track';
  if (gap > margin) status = up ? 'ahead' : 'behind';
  else if (gap < -margin) status = up ? 'behind' : 'ahead';
  return { expected, status, gap };
}

export interface PoleTarget {
  poleId: number;
  target: number;
  actual: number | null;
}

export interface AreaProgress {
  /** Poles of the area with a target, and poles of the area. */
  withTarget: number;
  poles: number;
  /** Flows and stocks: Σ targets and Σ actuals of the same poles (a pole without a target never counts as 0). */
  target: number | null;
  actual: number | null;
  /** Poles with a target but nothing counted yet: their actual is missing from the sum, said beside it. */
  withoutActual: number;
  /** Ratios and scores: poles meeting their target, among those with a target. */
  meeting: number | null;
  progress: Progress | null;
}

/**
 * An area's progress (a region, the nation): for totals, the sum of the poles' targets against the sum of
 * the same poles' actuals; for levels (ratios, scores), the share of poles that meet their target.
 */
export function areaProgress(
  kind: Kind,
  direction: Direction,
  items: PoleTarget[],
  poles: number,
  elapsed: number,
  span: number,
): AreaProgress {
  const withoutActual = items.filter((i) => i.actual === null).length;
  const base = { withTarget: items.length, poles, withoutActual };
  if (!items.length) return { ...base, target: null, actual: null, meeting: null, progress: null };
  if (kind === 'flow' || kind === 'stock') {
    const target = items.reduce((s, i) => s + i.target, 0);
    const counted = items.filter((i) => i.actual !== null);
    const actual = counted.length ? counted.reduce((s, i) => s + i.actual!, 0) : null;
    return { ...base, target, actual, meeting: null, progress: progress({ kind, direction, target, actual, elapsed, span }) };
  }
  const meeting = items.filter((i) => progress({ kind, direction, target: i.target, actual: i.actual, elapsed, span }).reached).length;
  return { ...base, target: null, actual: null, meeting, progress: null };
}
