import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { param } from './params.ts';
import type { CurrentUser, Role } from './current-user.ts';
import { Forbidden, NotFound, Unauthorized } from './errors.ts';

/**
 * Who may use a route, declared once per route in server/routes.ts.
 * - public: anyone, signed in or not.
 * - signedIn: the listed roles; `scope` says which objects the URL may name:
 *   'pole'   → the :slug (or :poleId) parameter must be a pole in the user's scope, else 404;
 *   'region' → the :code parameter must be a region in the user's scope, else 404;
 *   'self'   → the user's own account; 'all' → staff-wide pages (roles should be ['staff']).
 * `json` marks API routes (see `api()`): without a user they answer 401 instead of redirecting to sign-in.
 */
export type Access = (
  | { kind: 'public' }
  | { kind: 'signedIn'; roles: readonly Role[]; scope: 'self' | 'pole' | 'region' | 'all' }
) & { json?: true };

export const PUBLIC: Access = { kind: 'public' };
export const anyRole = (scope: 'self' | 'pole' | 'region' = 'self'): Access => ({
  kind: 'signedIn',
  roles: ['staff', 'manager', 'funder'],
  scope,
});
export const STAFF: Access = { kind: 'signedIn', roles: ['staff'], scope: 'all' };
export const roles = (r: readonly Role[], scope: 'self' | 'pole' | 'region' | 'all'): Access => ({ kind: 'signedIn', roles: r, scope });
/** The same access for an API route: 401 without credentials (its errors are JSON, see api/api-errors.ts). */
export const api = (access: Access): Access => ({ ...access, json: true });

/** Answers whether a pole or region is inside a user's scope (object-level checks). */
export interface ScopeChecker {
  poleInScope(user: CurrentUser, slugOrId: string): Promise<boolean>;
  regionInScope(user: CurrentUser, code: string): Promise<boolean>;
}

export type Guard = RequestHandler & { access: Access };

/** The first handler of every route: checks the declared access before anything else runs. */
export function guard(access: Access, scopes: ScopeChecker): Guard {
  const fn = async (req: Request, res: Response, next: NextFunction) => {
    if (access.kind === 'public') return next();
    const user = req.user;
    if (!user) {
      if (access.json) throw new Unauthorized();
      if (req.session) {
        if (req.method === 'GET') req.session.returnTo = req.originalUrl;
        else if (req.session.expiredUserId !== undefined && req.body && typeof req.body === 'object') {
          // The session timed out while a form was being filled: keep what was typed, and come back to it.
          const { _csrf: _token, ...body } = req.body as Record<string, unknown>;
          req.session.pendingForm = { path: req.path, userId: req.session.expiredUserId, body };
          req.session.returnTo = req.path;
        }
      }
      return res.redirect(303, '/connexion');
    }
    if (!access.roles.includes(user.role)) throw new Forbidden();
    if (access.scope === 'pole') {
      const key = param(req, 'slug') ?? param(req, 'poleId');
      if (key === undefined || !(await scopes.poleInScope(user, key))) throw new NotFound();
    }
    if (access.scope === 'region') {
      const code = param(req, 'code');
      if (code === undefined || !(await scopes.regionInScope(user, code))) throw new NotFound();
    }
    next();
  };
  return Object.assign(fn, { access });
}
