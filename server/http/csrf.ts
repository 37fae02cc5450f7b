import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';
import { Forbidden } from './errors.ts';

/** Synchroniser token kept in the session, sent back as the `_csrf` form field (or X-CSRF-Token header). */
export function csrfProtection() {
  const { generateToken, isRequestValid } = csrfSync({
    getTokenFromRequest: (req) => {
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
