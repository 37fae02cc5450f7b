import type { NextFunction, Request, Response } from 'express';

/** A one-time message for the next page (after a redirect). */
export function setFlash(req: Request, message: string): void {
  if (req.session) req.session.flash = message;
}

export function takeFlash(req: Request): string | undefined {
  const message = req.session?.flash;
  if (message) delete req.session.flash;
  return message;
}

/**
 * Offers the pending message to every page as `flash` (the layout shows it). Taken only when a page is
 * rendered with 200 (the page a redirect leads to), never by a redirect, a file, JSON, an error page or a
 * form shown again (409, 422), so it waits for the page it was meant for.
 */
export function flashLocals(req: Request, res: Response, next: NextFunction): void {
  let taken = false;
  let message: string | undefined;
  Object.defineProperty(res.locals, 'flash', {
    enumerable: true,
    configurable: true,
    get() {
      if (res.statusCode !== 200) return undefined;
      if (!taken) {
        taken = true;
        message = takeFlash(req);
      }
      return message;
    },
  });
  next();
}
