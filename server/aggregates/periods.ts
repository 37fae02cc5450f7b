// Grains and periods of aggregates, on the quarter arithmetic of lib/quarters.ts. An aggregate's period
// is keyed by its grain and its last quarter's index: quarter 2026-T2, year 2026 (key 2026-T4),
// ytd 2026-T2 (T1..T2), rolling4 2026-T2 (2025-T3..2026-T2).
import { fromIndex, quarterIndex, type Period, type Quarter } from '../lib/quarters.ts';

export const GRAINS = ['quarter', 'year', 'ytd', 'rolling4'] as const;
export type Grain = (typeof GRAINS)[number];

/** The key of an aggregate row: its grain and the index of its period's last quarter. */
export interface AggregateKey {
  grain: Grain;
  endIndex: number;
}

/**
 * The aggregates a named period reads: a year is keyed by its fourth quarter; the year still running is
 * its year to date (ending at the last closed quarter), as on the dashboards' tiles, so that stocks and
 * completeness refer to a quarter that has ended.
 */
export function aggregateKey(p: Period, lastClosed?: Quarter): AggregateKey {
  if (p.kind === 'quarter') return { grain: 'quarter', endIndex: quarterIndex(p) };
  if (lastClosed && lastClosed.year === p.year && lastClosed.quarter < 4) return { grain: 'ytd', endIndex: quarterIndex(lastClosed) };
  return { grain: 'year', endIndex: quarterIndex({ year: p.year, quarter: 4 }) };
}

/** The quarter indices a period covers, oldest first. */
export function periodIndices(grain: Grain, endIndex: number): number[] {
  const end = fromIndex(endIndex);
  switch (grain) {
    case 'quarter':
      return [endIndex];
    case 'year':
      return [1, 2, 3, 4].map((q) => quarterIndex({ year: end.year, quarter: q }));
    case 'ytd':
      return Array.from({ length: end.quarter }, (_, i) => quarterIndex({ year: end.year, quarter: i + 1 }));
    case 'rolling4':
      return [endIndex - 3, endIndex - 2, endIndex - 1, endIndex];
  }
}

/** The period keys (last quarter index) of a grain between two quarters, for a full computation. */
export function periodEnds(grain: Grain, firstIndex: number, lastIndex: number): number[] {
  const out: number[] = [];
  if (grain === 'year') {
    for (let y = fromIndex(firstIndex).year; y <= fromIndex(lastIndex).year; y++) out.push(quarterIndex({ year: y, quarter: 4 }));
    return out;
  }
  for (let i = firstIndex; i <= lastIndex; i++) out.push(i);
  return out;
}

/** The periods whose figures a change in quarter `index` can move (up to the last computed quarter). */
export function affectedPeriodEnds(grain: Grain, index: number, lastIndex: number): number[] {
  const q: Quarter = fromIndex(index);
  switch (grain) {
    case 'quarter':
      return [index];
    case 'year':
      return [quarterIndex({ year: q.year, quarter: 4 })];
    case 'ytd': {
      const out: number[] = [];
      for (let k = q.quarter; k <= 4; k++) {
        const i = quarterIndex({ year: q.year, quarter: k });
        if (i <= lastIndex) out.push(i);
      }
      return out;
    }
    case 'rolling4':
      return [index, index + 1, index + 2, index + 3].filter((i) => i <= lastIndex);
  }
}
