import { z } from 'zod';
import { parseQuarter } from '../lib/quarters.ts';

// Query-string pieces shared by the filter forms and the API. A form's « all » option sends '' (= not
// given); a repeated parameter arrives as an array (query parser 'simple') and fails z.string(): 400.

export const blank = (v: unknown) => (v === '' ? undefined : v);

/** The years a query may name: beyond them a quarter is a typo, not a question. */
export const QUERY_YEARS = { min: 2000, max: 2100 } as const;

/** A quarter in a query string, written 2026-T3 or 2026-Q3 (lib/quarters.ts), within QUERY_YEARS. */
export const quarterParam = z
  .string()
  .max(12)
  .transform((s, c) => {
    const q = parseQuarter(s);
    if (!q || q.year < QUERY_YEARS.min || q.year > QUERY_YEARS.max) {
      c.addIssue({ code: 'custom', message: 'période' });
      return z.NEVER;
    }
    return q;
  });
