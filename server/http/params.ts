import type { Request } from 'express';
import { periodFromSegment, quarterFromSegment, type Period, type Quarter } from '../lib/quarters.ts';

/**
 * The largest integer id or version a column holds: PostgreSQL's `integer` (and `serial`) is 32-bit
 * signed. A larger number in a query would make PostgreSQL answer « out of range » (a 500), where
 * SQLite simply finds nothing; so every id and version read from a URL, a query or a form is bounded here.
 */
export const MAX_INT = 2_147_483_647;
/** A version posted back is stored plus one on save: the largest that can still be incremented. */
export const MAX_VERSION = MAX_INT - 1;

/**
 * An integer written the canonical way (digits only, no sign, no leading zero, no exponent, no space),
 * between `min` and `max`; anything else is undefined. Ids start at 1; versions may be 0 and stop at
 * MAX_VERSION (readVersion).
 */
export function readInteger(raw: unknown, min = 1, max = MAX_INT): number | undefined {
  if (typeof raw !== 'string' || !/^(0|[1-9]\d{0,9})$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
}

/** A version posted back by a form (0..MAX_VERSION), else undefined. */
export function readVersion(raw: unknown, min = 0): number | undefined {
  return readInteger(raw, min, MAX_VERSION);
}

/** A named route parameter as a string (Express 5 types wildcard parameters as arrays). */
export function param(req: Request, name: string): string | undefined {
  const v = (req.params as Record<string, string | string[] | undefined>)[name];
  return typeof v === 'string' ? v : undefined;
}

/** A route's id parameter (:userId, :batchId…) when it can name a row, else undefined: the handler answers 404. */
export function idParam(req: Request, name: string): number | undefined {
  return readInteger(param(req, name));
}

/** A route's quarter parameter when written as its label (2026-T3), else undefined: the handler answers 404. */
export function quarterInPath(req: Request, name = 'period'): Quarter | undefined {
  return quarterFromSegment(param(req, name)) ?? undefined;
}

/** A route's period parameter, a quarter (2026-T3) or a year (2026), else undefined: the handler answers 404. */
export function periodInPath(req: Request, name = 'period'): Period | undefined {
  return periodFromSegment(param(req, name)) ?? undefined;
}
