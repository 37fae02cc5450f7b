import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { HttpError, TooManyRequests } from './errors.ts';
import { ApiProblem } from '../api/api-problem.ts';
import { t, tn, type MessageKey } from '../i18n/messages.ts';
import type { ApiErrorBody } from '../api/api.schema.ts';

const GENERIC: Record<number, [string, MessageKey]> = {
  400: ['bad_request', 'api.error.badRequest'],
  401: ['unauthorized', 'api.error.unauthorized'],
  403: ['forbidden', 'api.error.forbidden'],
  404: ['not_found', 'api.error.notFound'],
};

function send(res: Response, status: number, body: ApiErrorBody) {
  res.setHeader('Cache-Control', 'no-store');
  if (status === 401 && !res.getHeader('WWW-Authenticate')) res.setHeader('WWW-Authenticate', 'Bearer realm="ptce-impact"');
  res.status(status).json(body);
}

/** Paths under /api that no route answers: JSON 404, not the HTML page. */
export function apiNotFound(_req: Request, res: Response) {
  send(res, 404, { error: { code: 'not_found', message: t('api.error.notFound') } });
}

/** The API's error handler: every error becomes JSON with a French message; never a stack trace. */
export function apiErrorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof ApiProblem) {
      return send(res, err.status, {
        error: { code: err.code, message: err.french, ...(err.parameter ? { parameter: err.parameter } : {}) },
      });
    }
    if (err instanceof TooManyRequests) {
      res.setHeader('Retry-After', String(err.retryAfterSeconds));
      return send(res, 429, {
        error: { code: 'too_many_requests', message: tn('api.error.tooManyRequests', err.retryAfterSeconds) },
      });
    }
    const status =
      err instanceof HttpError ? err.status : ((err as { status?: number })?.status ?? (err as { statusCode?: number })?.statusCode);
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const [code, key] = GENERIC[status] ?? GENERIC[400];
      return send(res, status, { error: { code, message: t(key) } });
    }
    logger.error({ err, requestId: req.requestId }, 'unhandled API error');
    send(res, 500, { error: { code: 'internal_error', message: t('api.error.internal') } });
  };
}
