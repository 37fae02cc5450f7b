// The period of a publication as URLs and forms write it: '2026-T3' for a quarter, '2026' for a year.
import type { SummaryPeriod } from '../exports/summary.types.ts';
import { parseSummaryPeriod, periodLabel } from '../exports/summary.service.ts';
import { compareQuarters, lastClosedQuarter, type Quarter } from '../lib/quarters.ts';
import type { DateTime } from 'luxon';

export const FIRST_YEAR = 2013; // the first call for PTCE projects

/** '2026-T3' or '2026-Q3' → a quarter; '2026' → a year; anything else (or too long) → null. */
export function parsePeriod(text: unknown): SummaryPeriod | null {
  if (typeof text !== 'string' || text.length > 12) return null;
  return parseSummaryPeriod(text);
}

/** '2026-T3' or '2026': the label and the URL segment of a period. */
export const periodKey = (p: SummaryPeriod): string => periodLabel(p);

/** A period that has ended by `now` and is not older than the platform: the only ones one may publish. */
export function isPublishable(p: SummaryPeriod, now: DateTime): boolean {
  const last = lastClosedQuarter(now);
  if (p.year < FIRST_YEAR) return false;
  const end: Quarter = p.kind === 'quarter' ? p : { year: p.year, quarter: 4 };
  return compareQuarters(end, last) <= 0;
}

/** The periods offered in the publish form: recent closed quarters, then ended years, newest first. */
export function publishablePeriods(now: DateTime, quarters = 8, years = 3): SummaryPeriod[] {
  const last = lastClosedQuarter(now);
  const out: SummaryPeriod[] = [];
  let q: Quarter = last;
  for (let i = 0; i < quarters && q.year >= FIRST_YEAR; i++) {
    out.push({ kind: 'quarter', year: q.year, quarter: q.quarter });
    q = q.quarter === 1 ? { year: q.year - 1, quarter: 4 } : { year: q.year, quarter: q.quarter - 1 };
  }
  const lastYear = last.quarter === 4 ? last.year : last.year - 1;
  for (let y = lastYear; y > lastYear - years && y >= FIRST_YEAR; y--) out.push({ kind: 'year', year: y });
  return out;
}

/** The period as the database stores it. */
export function periodColumns(p: SummaryPeriod): { period_kind: 'quarter' | 'year'; year: number; quarter: number | null } {
  return { period_kind: p.kind, year: p.year, quarter: p.kind === 'quarter' ? p.quarter : null };
}
