import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';
import { Forbidden } from './errors.ts';

/**
 * Synchroniser token kept in the session, sent back as the `_csrf` form field (or X-CSRF-Token header);
 * a multipart upload sends it as `?_csrf=` in its URL.
 */
export function csrfProtection() {
  const { generateToken, isRequestValid } = csrfSync({
    getTokenFromRequest: (req) => {
      // A file upload's body is only read by its route, after this check: its form carries the token in
      // the action's query string instead. Only there: every other request must send it in the body.
      if (req.is('multipart/form-data')) {
        const query = req.query._csrf;
        return typeof query === 'string' ? query : undefined;
      }
      const body = req.body as Record<string, unknown> | undefined;
      const field = body?._csrf;
      if (typeof field === 'string') return field;
      const header = req.headers['x-csrf-token'];
      return typeof header === 'string' ? header : undefined;
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    // GET never changes state, so it only needs a token to put in its forms.
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      res.locals.csrfToken = () => generateToken(req);
      return next();
    }
    if (!req.session || !isRequestValid(req)) return next(new Forbidden('csrf'));
    res.locals.csrfToken = () => generateToken(req);
    next();
  };
}
