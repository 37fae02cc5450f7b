// The dashboards' filters, all in the query string so that every view is a shareable URL. A repeated
// parameter arrives as an array (query parser 'simple') and fails z.string(): 400, like any bad value.
import { z } from 'zod';
import { blank, quarterParam } from '../http/query-params.ts';
import { BASES, type Base } from '../aggregates/aggregates.repo.ts';
import { BadRequest } from '../http/errors.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { t } from '../i18n/messages.ts';
import { addQuarters, quarterIndex, quarterLabel, type Quarter } from '../lib/quarters.ts';
import { MEASURES, type Measure } from '../reference/per-inhabitant.ts';

/** Quarters the trend shows when the URL names no range. */
export const DEFAULT_SPAN = 8;
/** The longest range a trend may cover (ten years), so a URL cannot ask for an unbounded read. */
export const MAX_SPAN = 40;

const dashboardQuery = z.object({
  indicateur: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,39}$/)
      .optional(),
  ),
  de: z.preprocess(blank, quarterParam.optional()),
  a: z.preprocess(blank, quarterParam.optional()),
  base: z.preprocess(blank, z.enum(BASES as [Base, ...Base[]]).optional()),
  // « brut » (default) or « habitants »: flows and stocks per 10 000 inhabitants of their area.
  mesure: z.preprocess(blank, z.enum(MEASURES).optional()),
});

/** The filters as the URL gives them: a range end left out takes its default once the scope's closure is known. */
export interface RequestedFilters {
  /** The indicator of the trend, breakdown and map (its code; checked against the catalogue by the service). */
  indicator: string | undefined;
  from: Quarter | undefined;
  to: Quarter | undefined;
  base: Base;
  /** Raw figures, or per 10 000 inhabitants (absent: raw). */
  measure?: Measure;
}

export interface DashboardFilters {
  indicator: string | undefined;
  from: Quarter;
  to: Quarter;
  base: Base;
  measure: Measure;
  /** True when the URL named no end: the page opened on its default quarter. */
  defaultTo: boolean;
}

/** What was corrected in a range, said next to the field (« de », « a »). */
/** Messages next to the filter fields: a range corrected, an indicator not found. */
export type RangeNotes = { de?: string; a?: string; indicateur?: string };

/**
 * Reads and checks the filters: a malformed or repeated value, and a base other than « validated » asked
 * by non-staff, are 400 (a French page). A range that is only wrong in its order or length is corrected
 * by resolveRange, which says so next to the field.
 */
export function parseFilters(query: unknown, user: CurrentUser): RequestedFilters {
  const parsed = dashboardQuery.safeParse(query ?? {});
  if (!parsed.success) throw new BadRequest('invalid dashboard filter');
  const { indicateur, de, a, base = 'validated', mesure = 'brut' } = parsed.data;
  if (base !== 'validated' && user.role !== 'staff') throw new BadRequest('base reserved to staff');
  return { indicator: indicateur, from: de, to: a, base, measure: mesure };
}

/**
 * The range shown: `a` or the default end (the latest consolidated quarter), `de` or DEFAULT_SPAN quarters
 * before it. A reversed range is swapped, an end after the last closed quarter brought back to it, a range
 * longer than MAX_SPAN shortened from its start; each correction leaves a note for its field.
 */
export function resolveRange(
  r: RequestedFilters,
  o: { lastClosed: Quarter; defaultTo: Quarter },
): { filters: DashboardFilters; notes: RangeNotes } {
  const notes: RangeNotes = {};
  let to = r.to ?? o.defaultTo;
  let from = r.from ?? addQuarters(to, -(DEFAULT_SPAN - 1));
  if (quarterIndex(from) > quarterIndex(to)) {
    notes.de = t('closure.range.reversed', { from: quarterLabel(from), to: quarterLabel(to) });
    [from, to] = [to, from];
  }
  const last = quarterIndex(o.lastClosed);
  if (quarterIndex(to) > last) {
    notes.a = t('closure.range.open', { asked: quarterLabel(to), last: quarterLabel(o.lastClosed) });
    to = o.lastClosed;
    if (quarterIndex(from) > last) from = r.from && !r.to ? addQuarters(to, -(DEFAULT_SPAN - 1)) : o.lastClosed;
  }
  if (quarterIndex(to) - quarterIndex(from) + 1 > MAX_SPAN) {
    from = addQuarters(to, -(MAX_SPAN - 1));
    notes.de = t('closure.range.tooLong', { max: MAX_SPAN, from: quarterLabel(from) });
  }
  const filters = { indicator: r.indicator, from, to, base: r.base, measure: r.measure ?? 'brut', defaultTo: r.to === undefined };
  return { filters, notes };
}

/** Only the base, for the pole page (its history always ends at the last closed quarter). */
export function parseBase(query: unknown, user: CurrentUser): Base {
  const parsed = z.object({ base: z.preprocess(blank, z.enum(BASES as [Base, ...Base[]]).optional()) }).safeParse(query ?? {});
  if (!parsed.success) throw new BadRequest('invalid base');
  const base = parsed.data.base ?? 'validated';
  if (base !== 'validated' && user.role !== 'staff') throw new BadRequest('base reserved to staff');
  return base;
}

/** The staff's base select: [{ value, label, selected }]. */
export function baseOptions(selected: Base) {
  return BASES.map((b) => ({ value: b, label: t(`dash.base.${b}`), selected: b === selected }));
}
