// Which periods one may publish, and how the database stores them. Reading and writing a period
// ('2026-T3', '2026') is lib/quarters.ts's.
import type { SummaryPeriod } from '../exports/summary.types.ts';
import { compareQuarters, lastClosedQuarter, lastQuarterOf, periodLabel, previousQuarter, type Quarter } from '../lib/quarters.ts';
import type { DateTime } from 'luxon';

export const FIRST_YEAR = 2013; // the first call for PTCE projects

/** The key open data files a publication's table under: its period's label ('2026-T3', '2026'). */
export const periodKey = (p: SummaryPeriod): string => periodLabel(p);

/** A period that has ended by `now` and is not older than the platform: the only ones one may publish. */
export function isPublishable(p: SummaryPeriod, now: DateTime): boolean {
  const last = lastClosedQuarter(now);
  if (p.year < FIRST_YEAR) return false;
  return compareQuarters(lastQuarterOf(p), last) <= 0;
}

/** The periods offered in the publish form: recent closed quarters, then ended years, newest first. */
export function publishablePeriods(now: DateTime, quarters = 8, years = 3): SummaryPeriod[] {
  const last = lastClosedQuarter(now);
  const out: SummaryPeriod[] = [];
  let q: Quarter = last;
  for (let i = 0; i < quarters && q.year >= FIRST_YEAR; i++) {
    out.push({ kind: 'quarter', year: q.year, quarter: q.quarter });
    q = previousQuarter(q);
  }
  const lastYear = last.quarter === 4 ? last.year : last.year - 1;
  for (let y = lastYear; y > lastYear - years && y >= FIRST_YEAR; y--) out.push({ kind: 'year', year: y });
  return out;
}

/** The period as the database stores it. */
export function periodColumns(p: SummaryPeriod): { period_kind: 'quarter' | 'year'; year: number; quarter: number | null } {
  return { period_kind: p.kind, year: p.year, quarter: p.kind === 'quarter' ? p.quarter : null };
}
