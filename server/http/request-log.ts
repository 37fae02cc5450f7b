import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

// Paths whose next segment is a credential (invitation and reset links).
const TOKEN_IN_PATH = /^(\/(?:invitation|reinitialisation))\/[^/]+/;
// Probes and static files are logged one level down, so a load balancer does not flood the logs.
const QUIET = /^\/(?:healthz|readyz|static\/)/;

/**
 * The path as logged: never the query string (it may carry anything), and a credential segment
 * replaced by `:token` when no route matched (a matched route logs its pattern instead).
 */
export function loggablePath(req: Request): string {
  // The whole path: req.path lacks the mount point when a mounted middleware answered (static files, the API).
  let pathname = (req.originalUrl || req.url).split('?')[0];
  // Any route parameter named token is a credential, whatever the route (new features included).
  const token = (req.params as Record<string, unknown> | undefined)?.token;
  if (typeof token === 'string' && token) {
    pathname = pathname
      .split('/')
      .map((segment) => (segment === token || segment === encodeURIComponent(token) ? ':token' : segment))
      .join('/');
  }
  return pathname.replace(TOKEN_IN_PATH, '$1/:token');
}

/**
 * One JSON line per request, written when the answer is sent (or the client goes away): request id,
 * method, route pattern, path without secrets, status, duration and user id. Nothing from the body,
 * the headers or the query string.
 */
export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    let written = false;
    const write = (aborted: boolean) => {
      if (written) return;
      written = true;
      const path = loggablePath(req);
      const line = {
        requestId: req.requestId,
        method: req.method,
        route: req.route?.path as string | undefined,
        path,
        status: aborted ? undefined : res.statusCode,
        aborted: aborted || undefined,
        ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
        userId: req.user?.id,
      };
      if (!aborted && res.statusCode >= 500) logger.error(line, 'request');
      else if (QUIET.test(path)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    };
    res.once('finish', () => write(false));
    res.once('close', () => write(!res.writableFinished));
    next();
  };
}
