import type { NextFunction, Request, Response } from 'express';
import { containsControlChar, hasControlChar } from '../lib/text.ts';
import { BadRequest } from './errors.ts';

const hasNul = (s: string) => s.includes('\u0000');

/**
 * The request-wide half of the text rule (lib/text.ts). The path and the query are refused (400) when they
 * hold any control character: they are links and filters, never typed text, so there is no field to show
 * a message next to. The form body is refused only for NUL, which no keyboard types and PostgreSQL cannot
 * store: the other control characters reach the form schemas (http/form.ts textField), which refuse them
 * with a message next to the field and keep what was typed.
 */
export function refuseNulCharacters(req: Request, _res: Response, next: NextFunction) {
  let path = req.path;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    // A malformed escape is left to the router, which answers 404 or 400.
  }
  // The API reads its query through api/api-query.ts, which refuses the same characters in JSON, naming the parameter.
  const query = path.startsWith('/api/') ? false : containsControlChar(req.query);
  if (hasControlChar(path) || query || containsControlChar(req.body, hasNul)) return next(new BadRequest('control character'));
  next();
}
