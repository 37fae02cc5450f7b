import type { NextFunction, Request, Response } from 'express';
import { TooManyRequests } from './errors.ts';
import { t } from '../i18n/messages.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import { ApiProblem } from '../api/api-problem.ts';
import type { ApiTokensService } from '../api/api-tokens.service.ts';

/**
 * Runs before every /api/v1 route: resolves `Authorization: Bearer <token>` to its user (a bad token is a
 * 401, even with a session), otherwise keeps the session's user; then counts the request against the
 * limit of its token, its user, or (anonymous) its IP address, in the database so that it holds across
 * instances. The route's guard then checks the declared access.
 */
export function apiAuthenticate(tokens: ApiTokensService, limiter: RateLimiter, perMinute: number) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    let key: string;
    if (header !== undefined) {
      const m = /^Bearer +([^\s]{1,200}) *$/i.exec(header);
      const found = m ? await tokens.authenticate(m[1]) : null;
      if (!found) {
        // A wrong token counts against its address, as an anonymous call does: guessing is rate-limited too.
        const d = await limiter.consume(`api:i:${req.ip ?? 'unknown'}`, perMinute, 60_000);
        if (!d.allowed) throw new TooManyRequests(d.resetSeconds);
        res.setHeader('WWW-Authenticate', 'Bearer realm="ptce-impact", error="invalid_token"');
        throw new ApiProblem(401, 'invalid_token', t('api.error.invalidToken'));
      }
      req.user = found.user;
      res.locals.user = found.user;
      key = `api:t:${found.tokenId}`;
    } else {
      key = req.user ? `api:u:${req.user.id}` : `api:i:${req.ip ?? 'unknown'}`;
    }
    const d = await limiter.consume(key, perMinute, 60_000);
    res.setHeader('RateLimit-Limit', String(d.limit));
    res.setHeader('RateLimit-Remaining', String(d.remaining));
    res.setHeader('RateLimit-Reset', String(d.resetSeconds));
    if (!d.allowed) throw new TooManyRequests(d.resetSeconds);
    next();
  };
}
