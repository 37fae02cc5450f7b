// The dashboards' filters, all in the query string so that every view is a shareable URL. A repeated
// parameter arrives as an array (query parser 'simple') and fails z.string(): 400, like any bad value.
import { z } from 'zod';
import { blank, quarterParam } from '../http/query-params.ts';
import { BASES, type Base } from '../aggregates/aggregates.repo.ts';
import { BadRequest } from '../http/errors.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { t } from '../i18n/messages.ts';
import { addQuarters, quarterIndex, type Quarter } from '../lib/quarters.ts';

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
});

export interface DashboardFilters {
  /** The indicator of the trend, breakdown and map (its code; checked against the catalogue by the service). */
  indicator: string | undefined;
  from: Quarter;
  to: Quarter;
  base: Base;
}

/**
 * Reads and checks the filters: malformed values, a range that ends after the last closed quarter, runs
 * backwards or is longer than MAX_SPAN, and a base other than « validated » asked by non-staff are 400.
 */
export function parseFilters(query: unknown, user: CurrentUser, lastClosed: Quarter): DashboardFilters {
  const parsed = dashboardQuery.safeParse(query ?? {});
  if (!parsed.success) throw new BadRequest('invalid dashboard filter');
  const { indicateur, de, a, base = 'validated' } = parsed.data;
  if (base !== 'validated' && user.role !== 'staff') throw new BadRequest('base reserved to staff');
  const to = a ?? lastClosed;
  const from = de ?? addQuarters(to, -(DEFAULT_SPAN - 1));
  const span = quarterIndex(to) - quarterIndex(from) + 1;
  if (quarterIndex(to) > quarterIndex(lastClosed) || span < 1 || span > MAX_SPAN) throw new BadRequest('invalid period range');
  return { indicator: indicateur, from, to, base };
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
