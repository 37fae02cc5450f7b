// Closed and provisional periods: the one rule that says whether a figure may be quoted as final. Pure
// (no I/O): the counts come from closure.repo.ts, the clock and thresholds from the caller.
import type { DateTime } from 'luxon';
import { deadline, fromIndex, quarterStart, type Quarter } from '../lib/quarters.ts';
import { periodIndices, type Grain } from './periods.ts';

export type ClosureStatus = 'consolidated' | 'provisional';

/** What is known of one quarter in one area (the nation, some regions, a pole). */
export interface QuarterFacts {
  /** Quarter index (year × 4 + quarter − 1). */
  index: number;
  /** Quarter reports expected: poles of the area inside their reporting window that quarter. */
  expected: number;
  /** Of those, the reports validated. */
  validated: number;
  /** A national summary of the quarter (or of its year) has been published. */
  published: boolean;
}

export interface ClosureRule {
  now: DateTime;
  /** config REPORT_DEADLINE_DAYS. */
  deadlineDays: number;
  /** config CLOSED_COMPLETENESS: the share of expected reports validated that closes a quarter. */
  threshold: number;
}

/**
 * « consolidé » once the reporting deadline has passed and the validated share of the expected reports
 * reaches the threshold, or once a national summary of it was published; otherwise « provisoire ».
 * A quarter where nothing is expected (a pole before its first quarter) has nothing left to wait for.
 */
export function quarterStatus(f: QuarterFacts, rule: ClosureRule): ClosureStatus {
  if (f.published) return 'consolidated';
  if (rule.now <= deadline(fromIndex(f.index), rule.deadlineDays)) return 'provisional';
  if (f.expected === 0) return 'consolidated';
  return f.validated / f.expected >= rule.threshold ? 'consolidated' : 'provisional';
}

/** A year, a year to date or four rolling quarters is provisional when any of its quarters is. */
export function periodProvisional(grain: Grain, endIndex: number, quarterProvisional: (index: number) => boolean): boolean {
  return periodIndices(grain, endIndex).some(quarterProvisional);
}

/** A pole's reporting window, as the database holds it. */
export interface PoleWindow {
  firstIndex: number;
  archivedOn: string | null;
}

/**
 * Whether a pole is expected to report a quarter: from its first reporting quarter, up to the quarter in
 * which it was archived (the rule of reportingQuarters in lib/quarters.ts, on ISO dates).
 */
export function expectedIn(w: PoleWindow, index: number): boolean {
  if (index < w.firstIndex) return false;
  return w.archivedOn === null || w.archivedOn >= quarterStart(fromIndex(index) as Quarter).toISODate()!;
}
