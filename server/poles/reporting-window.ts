// Which validated values a change of a pole's reporting window (first quarter, archive date) takes out of
// the figures, and whether the staff member has confirmed that many. Pure: the service counts, this decides.
import { DateTime } from 'luxon';
import { ZONE } from '../lib/clock.ts';
import { fromIndex, quarterIndex, quarterOf, type Quarter } from '../lib/quarters.ts';

/** A pole's reporting window as quarter indices; `last` is null while it is not archived. */
export interface PoleWindow {
  first: number;
  last: number | null;
}

/** Validated values that count today and would not after the change: how many, first and last quarter. */
export interface Leaving {
  count: number;
  from: Quarter | null;
  to: Quarter | null;
}

/** The window of a pole row (the quarter of its archive date is its last, as reportingQuarters says). */
export function poleWindow(p: { first_report_year: number; first_report_quarter: number; archived_on: string | null }): PoleWindow {
  return {
    first: quarterIndex({ year: p.first_report_year, quarter: p.first_report_quarter }),
    last: p.archived_on ? quarterIndex(quarterOf(DateTime.fromISO(p.archived_on, { zone: ZONE }))) : null,
  };
}

// The end of an open window (a pole not archived): year 9999, still an integer to PostgreSQL's int4.
export const OPEN_END = 9999 * 4 + 3;

/** The quarter index ranges (inclusive) inside `before` and outside `after`: where values leave. */
export function leavingRanges(before: PoleWindow, after: PoleWindow): [number, number][] {
  const ranges: [number, number][] = [];
  if (after.first > before.first) ranges.push([before.first, after.first - 1]);
  if (after.last !== null && (before.last === null || after.last < before.last)) {
    ranges.push([Math.max(after.last + 1, before.first), before.last ?? OPEN_END]);
  }
  return ranges.filter(([a, b]) => a <= b);
}

/** The leaving values from the counted rows' count and quarter index bounds. */
export function leaving(count: number, min: number | null, max: number | null): Leaving {
  return { count, from: count && min !== null ? fromIndex(min) : null, to: count && max !== null ? fromIndex(max) : null };
}

/**
 * Whether the change may go ahead: no value leaves, or the staff member confirmed exactly this count
 * (a count that changed since the confirmation page was shown asks again).
 */
export function mayApply(l: Leaving, confirmed: number | null): boolean {
  return l.count === 0 || confirmed === l.count;
}

/** Thrown by the service when values would leave the figures unconfirmed; nothing was written. */
export class WindowNeedsConfirmation extends Error {
  constructor(readonly leaving: Leaving) {
    super('reporting window change needs confirmation');
  }
}
