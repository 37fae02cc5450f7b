import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';
import type { AnonymousForms } from './anonymous-forms.ts';
import { Forbidden } from './errors.ts';

/** The token a request sends: the `_csrf` form field, the X-CSRF-Token header, or `?_csrf=` for an upload. */
function tokenOf(req: Request): string | undefined {
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
}

/**
 * Signed-in users: a synchroniser token kept in their session. Anyone else (sign-in, invitation and reset
 * forms): a token bound to a cookie of their browser, which needs no stored session (anonymous-forms.ts).
 * An anonymous token is accepted only while nobody is signed in.
 */
export function csrfProtection(anonymous: AnonymousForms) {
  const { generateToken, isRequestValid } = csrfSync({ getTokenFromRequest: tokenOf });
  return (req: Request, res: Response, next: NextFunction) => {
    const issue = () => (req.user ? generateToken(req) : anonymous.token(req, res));
    // GET never changes state, so it only needs a token to put in its forms.
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      res.locals.csrfToken = issue;
      return next();
    }
    const token = tokenOf(req);
    const valid = anonymous.isAnonymousToken(token)
      ? !req.user && anonymous.isValid(req, token)
      : Boolean(req.session) && isRequestValid(req);
    if (!valid) return next(new Forbidden('csrf'));
    res.locals.csrfToken = issue;
    next();
  };
}
