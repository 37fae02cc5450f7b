import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { t, type MessageKey } from '../i18n/messages.ts';
import { HttpError, TooManyRequests, ValidationError } from './errors.ts';

function render(res: Response, status: number, titleKey: MessageKey, bodyKey: MessageKey) {
  res.status(status).render('pages/errors/error', { title: t(titleKey), status, message: t(bodyKey) });
}

export function notFoundHandler(_req: Request, res: Response) {
  render(res, 404, 'error.404.title', 'error.404.body');
}

/** The one error handler: typed errors become French pages; anything else is a 500 without details. */
export function errorHandler(logger: Logger, showStack: boolean) {
  // Express recognises an error handler by its four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      logger.error({ err, requestId: req.requestId }, 'error after headers were sent');
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    if (err instanceof TooManyRequests) {
      res.setHeader('Retry-After', String(err.retryAfterSeconds));
      return render(res, 429, 'error.429.title', 'error.429.body');
    }
    if (err instanceof HttpError) {
      if (err.status === 404) return render(res, 404, 'error.404.title', 'error.404.body');
      if (err.status === 403) return render(res, 403, 'error.403.title', err.message === 'csrf' ? 'error.csrf.body' : 'error.403.body');
      if (err.status === 409) return render(res, 409, 'error.409.title', 'form.conflict');
      return render(res, err.status, 'error.400.title', 'error.400.body');
    }
    if (err instanceof ValidationError) return render(res, 422, 'error.400.title', 'form.errorSummary');
    // body-parser and friends attach a client status (400 malformed, 413 too large).
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return render(res, status, 'error.400.title', 'error.400.body');
    }
    logger.error({ err, requestId: req.requestId }, 'unhandled error');
    res.status(500).render('pages/errors/error', {
      title: t('error.500.title'),
      status: 500,
      message: t('error.500.body'),
      stack: showStack ? String((err as Error)?.stack ?? err) : undefined,
    });
  };
}
