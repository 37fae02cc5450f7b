// Forms shown to someone not signed in (sign-in, invitation, reset) carry a CSRF token that needs no
// stored session: a keyed hash of a random nonce held in a cookie of this browser, and of the time it was
// issued. Keeping the token in the session, as signed-in forms do, wrote one session row per anonymous
// view of /connexion (kept 12 hours): anonymous traffic now writes nothing to the database. For the same
// reason, the page an anonymous visitor asked for is remembered in a cookie, not in a session.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { readCookie } from './cookies.ts';

const NONCE_COOKIE = 'ptce_csrf';
const RETURN_COOKIE = 'ptce_retour';
/** A sign-in page left open longer than this must be reloaded. */
const TOKEN_MAX_AGE_SECONDS = 12 * 3600;
const PREFIX = 'a.';

export interface AnonymousForms {
  /** A token for the forms of this response (sets the browser's nonce cookie on first use). */
  token(req: Request, res: Response): string;
  /** Whether a posted token was issued to this browser by this app, and is recent enough. */
  isValid(req: Request, token: string | undefined): boolean;
  isAnonymousToken(token: string | undefined): boolean;
}

const cookieOptions = (secure: boolean) => ({ httpOnly: true, sameSite: 'lax' as const, secure, path: '/' });

/** Remembers, for after sign-in, the page an anonymous visitor asked for. */
export function rememberReturnTo(res: Response, path: string): void {
  if (isLocalPath(path)) res.cookie(RETURN_COOKIE, path, { ...cookieOptions(res.req.secure), maxAge: 3600 * 1000 });
}

/** Whether a page asked for waits for the sign-in (the sign-in page then says why it is shown). */
export function hasReturnTo(req: Request): boolean {
  return readCookie(req, RETURN_COOKIE) !== undefined;
}

/** The local path remembered for after sign-in (cleared), or undefined. */
export function takeReturnTo(req: Request, res: Response): string | undefined {
  const path = readCookie(req, RETURN_COOKIE);
  if (path === undefined) return undefined;
  res.clearCookie(RETURN_COOKIE, cookieOptions(req.secure));
  return isLocalPath(path) ? path : undefined;
}

export function anonymousForms(opts: { secret: string; secure: boolean; now: () => number }): AnonymousForms {
  const cookie = cookieOptions(opts.secure);
  const mac = (nonce: string, issuedAt: string) =>
    createHmac('sha256', opts.secret).update(`csrf-anonyme.${nonce}.${issuedAt}`).digest('base64url');
  const nonceOf = (req: Request, res: Response): string => {
    const known = (res.locals.anonymousNonce as string | undefined) ?? readCookie(req, NONCE_COOKIE);
    if (known && /^[A-Za-z0-9_-]{22}$/.test(known)) return known;
    const nonce = randomBytes(16).toString('base64url');
    res.locals.anonymousNonce = nonce;
    res.cookie(NONCE_COOKIE, nonce, { ...cookie, maxAge: TOKEN_MAX_AGE_SECONDS * 1000 });
    return nonce;
  };
  return {
    token(req, res) {
      const issuedAt = String(Math.floor(opts.now() / 1000));
      return `${PREFIX}${issuedAt}.${mac(nonceOf(req, res), issuedAt)}`;
    },
    isAnonymousToken: (token) => typeof token === 'string' && token.startsWith(PREFIX),
    isValid(req, token) {
      const nonce = readCookie(req, NONCE_COOKIE);
      if (!nonce || typeof token !== 'string' || !token.startsWith(PREFIX)) return false;
      const [issuedAt, given] = token.slice(PREFIX.length).split('.');
      if (!issuedAt || !given || !/^\d{1,12}$/.test(issuedAt)) return false;
      const age = opts.now() / 1000 - Number(issuedAt);
      if (age < -60 || age > TOKEN_MAX_AGE_SECONDS) return false;
      const expected = Buffer.from(mac(nonce, issuedAt));
      const actual = Buffer.from(given);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}

/** Only a path of this site, never an open redirect (`//host` and `/\host` are other sites to a browser). */
export function isLocalPath(path: string): boolean {
  return path.length <= 2000 && /^\/(?![/\\])/.test(path) && !/[\u0000-\u001f]/.test(path);
}
