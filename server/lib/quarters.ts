import { DateTime } from 'luxon';
import { ZONE } from './clock.ts';

// The one module for quarters and years: how they are read, written, placed in URLs and stepped.
//
// One rule for T and Q. A quarter is written the French way, 2026-T3: that is its label, and the only
// form a URL path accepts. Text that a person types or a query sends (forms, query strings, the API) may
// write T or Q (the English form), in either case, spaces and hyphen optional. A path segment written
// any other way answers 404 rather than redirecting: the server writes every link it gives in the label
// form, so only a hand-made URL differs, and each page keeps exactly one address (a redirect would also
// have to lose a form's POST body).

/** A calendar quarter. */
export interface Quarter {
  year: number;
  quarter: number;
}

/** A period people name: one quarter, or one calendar year (its four quarters). */
export type Period = { kind: 'quarter'; year: number; quarter: number } | { kind: 'year'; year: number };

// Longer text is refused before any pattern runs: '2026 - T 3' is the longest sensible writing.
const MAX_TEXT = 12;
const QUARTER_TEXT = /^(\d{4})\s*-?\s*[TtQq]\s*([1-4])$/;
const YEAR_TEXT = /^\d{4}$/;

function trimmed(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const s = text.trim();
  return s.length <= MAX_TEXT ? s : null;
}

/** '2026-T3', '2026-Q3', '2026 t3'… → a quarter; anything else → null. */
export function parseQuarter(text: unknown): Quarter | null {
  const s = trimmed(text);
  const m = s === null ? null : QUARTER_TEXT.exec(s);
  return m ? { year: Number(m[1]), quarter: Number(m[2]) } : null;
}

/** A quarter as a quarter-of-year column writes it, without its year: 'T3', 'Q3' or '3'. */
export function parseQuarterOfYear(text: unknown): number | null {
  const s = trimmed(text);
  const m = s === null ? null : /^[TtQq]?\s*([1-4])$/.exec(s);
  return m ? Number(m[1]) : null;
}

/** A quarter as text ('2026-T3') or a year ('2026') → a period; anything else → null. */
export function parsePeriod(text: unknown): Period | null {
  const s = trimmed(text);
  if (s !== null && YEAR_TEXT.test(s)) return { kind: 'year', year: Number(s) };
  const q = parseQuarter(s);
  return q ? { kind: 'quarter', ...q } : null;
}

/** '2026-T3': the label of a quarter, and its URL segment. */
export function quarterLabel(q: Quarter): string {
  return `${q.year}-T${q.quarter}`;
}

/** '2026-T3' or '2026': the label of a period, and its URL segment. */
export function periodLabel(p: Period): string {
  return p.kind === 'quarter' ? quarterLabel(p) : String(p.year);
}

/** A URL segment naming a quarter: its label exactly, else null (the page answers 404). */
export function quarterFromSegment(segment: string | undefined): Quarter | null {
  const q = parseQuarter(segment);
  return q && quarterLabel(q) === segment ? q : null;
}

/** A URL segment naming a quarter or a year: its label exactly, else null (the page answers 404). */
export function periodFromSegment(segment: string | undefined): Period | null {
  const p = parsePeriod(segment);
  return p && periodLabel(p) === segment ? p : null;
}

/** The last quarter of a period: itself, or the year's fourth. */
export function lastQuarterOf(p: Period): Quarter {
  return { year: p.year, quarter: p.kind === 'quarter' ? p.quarter : 4 };
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

/** Calendar days (Paris) from a deadline's day to `at`'s day: « 15 jours après l'échéance »; ≤ 0 when on time. */
export function daysAfter(deadlineAt: DateTime, at: DateTime): number {
  return Math.round(at.setZone(ZONE).startOf('day').diff(deadlineAt.setZone(ZONE).startOf('day'), 'days').days);
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
