import type { Request } from 'express';

/** A one-time message for the next page (after a redirect). */
export function setFlash(req: Request, message: string): void {
  if (req.session) req.session.flash = message;
}

export function takeFlash(req: Request): string | undefined {
  const message = req.session?.flash;
  if (message) delete req.session.flash;
  return message;
}
