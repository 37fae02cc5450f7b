import { DateTime } from 'luxon';
import { ZONE } from './clock.ts';

/** A calendar quarter. Written '2026-T3' in French; '2026-Q3' is accepted on input. */
export interface Quarter {
  year: number;
  quarter: number;
}

export function parseQuarter(text: string): Quarter | null {
  const m = /^\s*(\d{4})\s*-?\s*[TtQq]\s*([1-4])\s*$/.exec(text);
  if (!m) return null;
  return { year: Number(m[1]), quarter: Number(m[2]) };
}

export function quarterLabel(q: Quarter): string {
  return `${q.year}-T${q.quarter}`;
}

export function compareQuarters(a: Quarter, b: Quarter): number {
  return a.year - b.year || a.quarter - b.quarter;
}

export function sameQuarter(a: Quarter, b: Quarter): boolean {
  return a.year === b.year && a.quarter === b.quarter;
}

/** A quarter as one increasing integer (2026-T1 → 8105): handy for ranges and SQL. */
export function quarterIndex(q: Quarter): number {
  return q.year * 4 + (q.quarter - 1);
}

export function fromIndex(i: number): Quarter {
  return { year: Math.floor(i / 4), quarter: (i % 4) + 1 };
}

export function addQuarters(q: Quarter, n: number): Quarter {
  return fromIndex(quarterIndex(q) + n);
}

export const previousQuarter = (q: Quarter): Quarter => addQuarters(q, -1);
export const sameQuarterLastYear = (q: Quarter): Quarter => ({ year: q.year - 1, quarter: q.quarter });

/** The quarter a moment falls in, in Paris time. */
export function quarterOf(dt: DateTime): Quarter {
  const local = dt.setZone(ZONE);
  return { year: local.year, quarter: local.quarter };
}

export function quarterStart(q: Quarter): DateTime {
  return DateTime.fromObject({ year: q.year, month: (q.quarter - 1) * 3 + 1, day: 1 }, { zone: ZONE });
}

/** The last day of the quarter, as an ISO date ('2026-09-30'). */
export function quarterLastDay(q: Quarter): string {
  return quarterStart(addQuarters(q, 1)).minus({ days: 1 }).toISODate()!;
}

/** A quarter opens for entry when it has ended: at midnight, Paris time, on the first day of the next one. */
export function opensAt(q: Quarter): DateTime {
  return quarterStart(addQuarters(q, 1));
}

/** The deadline: `days` days after the quarter ended (end of that day, Paris time). */
export function deadline(q: Quarter, days: number): DateTime {
  return opensAt(q).plus({ days }).minus({ milliseconds: 1 });
}

export function isClosed(q: Quarter, now: DateTime): boolean {
  return now >= opensAt(q);
}

/** The most recent quarter that has ended. */
export function lastClosedQuarter(now: DateTime): Quarter {
  return previousQuarter(quarterOf(now));
}

/** Quarters from `from` to `to` included, oldest first. */
export function quarterRange(from: Quarter, to: Quarter): Quarter[] {
  const out: Quarter[] = [];
  for (let i = quarterIndex(from); i <= quarterIndex(to); i++) out.push(fromIndex(i));
  return out;
}

/**
 * The quarters a pole reports: from its first reporting quarter to the last closed one, stopping at the
 * quarter in which it was archived (a quarter that started after the archive date is not expected).
 */
export function reportingQuarters(
  pole: { first_report_year: number; first_report_quarter: number; archived_on: string | null },
  now: DateTime,
): Quarter[] {
  let last = lastClosedQuarter(now);
  if (pole.archived_on) {
    const archivedIn = quarterOf(DateTime.fromISO(pole.archived_on, { zone: ZONE }));
    if (compareQuarters(archivedIn, last) < 0) last = archivedIn;
  }
  return quarterRange({ year: pole.first_report_year, quarter: pole.first_report_quarter }, last);
}

/** Whether an indicator applies in a quarter (its first and last applicable quarters, both optional). */
export function indicatorApplies(
  ind: { first_year: number | null; first_quarter: number | null; last_year: number | null; last_quarter: number | null },
  q: Quarter,
): boolean {
  if (ind.first_year !== null && compareQuarters(q, { year: ind.first_year, quarter: ind.first_quarter ?? 1 }) < 0) return false;
  if (ind.last_year !== null && compareQuarters(q, { year: ind.last_year, quarter: ind.last_quarter ?? 4 }) > 0) return false;
  return true;
}
