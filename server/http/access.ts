import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { param } from './params.ts';
import { rememberReturnTo } from './anonymous-forms.ts';
import type { CurrentUser, Role } from './current-user.ts';
import type { PoleRow } from '../poles/poles.repo.ts';
import { Forbidden, NotFound, Unauthorized } from './errors.ts';

/**
 * Who may use a route, declared once per route in server/routes.ts.
 * - public: anyone, signed in or not.
 * - signedIn: the listed roles; `scope` says which objects the URL may name:
 *   'pole'   → the :slug parameter must be a pole in the user's scope, else 404;
 *   'region' → the :code parameter must be a region in the user's scope, else 404;
 *   'self'   → the user's own account; 'all' → staff-wide pages (roles should be ['staff']).
 * Whatever the scope, a route whose path names a pole (:slug) or a region (:code) has it resolved here,
 * once, inside the user's scope, and the handler reads that very row (`scopedPole(req)`, `scopedRegion(req)`):
 * the object checked and the object used cannot differ.
 * `json` marks API routes (see `api()`): without a user they answer 401 instead of redirecting to sign-in.
 */
export type Access = ({ kind: 'public' } | { kind: 'signedIn'; roles: readonly Role[]; scope: 'self' | 'pole' | 'region' | 'all' }) & {
  json?: true;
};

export const PUBLIC: Access = { kind: 'public' };
export const anyRole = (scope: 'self' | 'pole' | 'region' = 'self'): Access => ({
  kind: 'signedIn',
  roles: ['staff', 'manager', 'funder'],
  scope,
});
export const STAFF: Access = { kind: 'signedIn', roles: ['staff'], scope: 'all' };
export const roles = (r: readonly Role[], scope: 'self' | 'pole' | 'region' | 'all'): Access => ({ kind: 'signedIn', roles: r, scope });
/** The same access for an API route: 401 without credentials (its errors are JSON, see http/api-errors.ts). */
export const api = (access: Access): Access => ({ ...access, json: true });

/** Loads the pole or region a URL names, inside a user's scope (undefined: not there, or not theirs). */
export interface ScopeResolver {
  pole(user: CurrentUser, slug: string): Promise<PoleRow | undefined>;
  region(user: CurrentUser, code: string): Promise<ScopedRegion | undefined>;
}

export interface ScopedRegion {
  code: string;
  name: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The objects the route's URL names, resolved by its guard (see `guard`). */
    scoped?: { pole?: PoleRow; region?: ScopedRegion };
  }
}

export type Guard = RequestHandler & { access: Access };

/** The first handler of every route: checks the declared access before anything else runs. */
export function guard(access: Access, scopes: ScopeResolver): Guard {
  const fn = async (req: Request, res: Response, next: NextFunction) => {
    if (access.kind === 'public') return next();
    const user = req.user;
    if (!user) {
      if (access.json) throw new Unauthorized();
      if (req.session?.expiredUserId === undefined) {
        // Nobody was signed in here: the page asked for waits in a cookie, so this writes no session row.
        if (req.method === 'GET') rememberReturnTo(res, req.originalUrl);
      } else if (req.session) {
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
    req.scoped = {};
    const slug = param(req, 'slug');
    if (access.scope === 'pole' || slug !== undefined) {
      const pole = slug === undefined ? undefined : await scopes.pole(user, slug);
      if (!pole) throw new NotFound();
      req.scoped.pole = pole;
    }
    const code = param(req, 'code');
    if (access.scope === 'region' || code !== undefined) {
      const region = code === undefined ? undefined : await scopes.region(user, code);
      if (!region) throw new NotFound();
      req.scoped.region = region;
    }
    next();
  };
  return Object.assign(fn, { access });
}

/** The pole the route's guard resolved from the URL (the route must name one: a programming error otherwise). */
export function scopedPole(req: Request): PoleRow {
  const pole = req.scoped?.pole;
  if (!pole) throw new Error(`route ${req.route?.path ?? req.path} has no pole resolved by its guard`);
  return pole;
}

/** The region the route's guard resolved from the URL. */
export function scopedRegion(req: Request): ScopedRegion {
  const region = req.scoped?.region;
  if (!region) throw new Error(`route ${req.route?.path ?? req.path} has no region resolved by its guard`);
  return region;
}
