import { z } from 'zod';
import { parseQuarter } from '../lib/quarters.ts';

// Query-string pieces shared by the filter forms. A form's « all » option sends '' (= not given); a
// repeated parameter arrives as an array (query parser 'simple') and fails z.string(): 400.

export const blank = (v: unknown) => (v === '' ? undefined : v);

/** A quarter written 2026-T3 or 2026-Q3, within sane years. */
export const quarterParam = z
  .string()
  .max(12)
  .transform((s, c) => {
    const q = parseQuarter(s);
    if (!q || q.year < 2000 || q.year > 2100) {
      c.addIssue({ code: 'custom', message: 'période' });
      return z.NEVER;
    }
    return q;
  });
