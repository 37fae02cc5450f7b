// Reads an API query string against its schema: a repeated parameter (an array under the 'simple' query
// parser), an unknown one or a malformed one is a 400 naming the parameter, in French.
import type { z } from 'zod';
import type { Base } from '../aggregates/aggregates.repo.ts';
import type { Grain } from '../aggregates/periods.ts';
import { t, tDynamic } from '../i18n/messages.ts';
import { quarterIndex } from '../lib/quarters.ts';
import { hasControlChar } from '../lib/text.ts';
import { ApiProblem, badParameter } from './api-problem.ts';
import { aggregatesQuery, DEFAULT_LIMIT, MAX_LIMIT, targetsQuery, type Level } from './api.schema.ts';

function check<S extends z.ZodObject>(schema: S, query: unknown): z.infer<S> {
  const raw = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const known = Object.keys(schema.shape);
  for (const [name, value] of Object.entries(raw)) {
    // Refused, not cleaned: a query is a machine's request, and a cleaned one would answer another question.
    if (hasControlChar(name) || (typeof value === 'string' && hasControlChar(value))) {
      const shown = known.includes(name) ? name : '?';
      throw badParameter(shown, t('api.error.controlChar', { name: shown }));
    }
    const shown = name.slice(0, 40);
    if (!known.includes(name)) throw badParameter(shown, t('api.error.unknownParameter', { name: shown }));
    if (typeof value !== 'string') throw badParameter(name, t('api.error.repeatedParameter', { name }));
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const name = String(parsed.error.issues[0]?.path[0] ?? '');
  if (!known.includes(name)) throw new ApiProblem(400, 'bad_request', t('api.error.badRequest'));
  throw badParameter(name, tDynamic('api.error.parameter', name, { max: MAX_LIMIT }));
}

/** A query without parameters (any parameter is refused). */
export function checkNoParameters(schema: z.ZodObject, query: unknown): void {
  check(schema, query);
}

export interface AggregatesRequest {
  indicator: string | undefined;
  level: Level;
  area: string | undefined;
  grain: Grain;
  /** Quarter indices; 'latest' is resolved by the service (the latest consolidated quarter of the scope). */
  fromIndex: number | 'latest' | undefined;
  toIndex: number | 'latest' | undefined;
  base: Base;
  limit: number;
  page: number;
}

/** The checked filters of GET /api/v1/aggregates (defaults applied; periods as quarter indices). */
export function parseAggregatesQuery(query: unknown): AggregatesRequest {
  const q = check(aggregatesQuery, query);
  const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
  if (limit < 1 || limit > MAX_LIMIT) throw badParameter('limit', t('api.error.parameter.limit', { max: MAX_LIMIT }));
  const page = q.page === undefined ? 1 : Number(q.page);
  if (page < 1) throw badParameter('page', t('api.error.parameter.page'));
  const index = (p: typeof q.from) => (p === undefined || p === 'latest' ? p : quarterIndex(p));
  const fromIndex = index(q.from);
  const toIndex = index(q.to);
  if (typeof fromIndex === 'number' && typeof toIndex === 'number' && fromIndex > toIndex)
    throw badParameter('from', t('api.error.reversedRange'));
  return {
    indicator: q.indicator,
    level: q.level,
    area: q.area,
    grain: q.grain ?? 'quarter',
    fromIndex,
    toIndex,
    base: q.base ?? 'validated',
    limit,
    page,
  };
}

/** The checked filters of GET /api/v1/targets: a year (this year by default) and maybe one pole. */
export function parseTargetsQuery(query: unknown, thisYear: number): { year: number; pole?: string } {
  const q = check(targetsQuery, query);
  return { year: q.year === undefined ? thisYear : Number(q.year), pole: q.pole };
}
