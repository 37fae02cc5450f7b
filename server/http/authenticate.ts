import type { NextFunction, Request, Response } from 'express';
import type { AuthService } from '../auth/auth.service.ts';
import type { Clock } from '../lib/clock.ts';

/** Loads req.user from the session; ends sessions past the absolute timeout or revoked. */
export function authenticate(auth: AuthService, clock: Clock, absoluteHours: number) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const s = req.session;
    if (s?.userId !== undefined) {
      const expired = (s.signedInAt ?? 0) + absoluteHours * 3600_000 < clock.now().toMillis();
      const user = expired ? null : await auth.load(s.userId, s.generation);
      if (user) {
        req.user = user;
        res.locals.user = user;
      } else {
        delete s.userId;
        delete s.generation;
        delete s.signedInAt;
      }
    }
    next();
  };
}

/** Starts a signed-in session under a new id (no session fixation). */
export function startSession(req: Request, userId: number, generation: number, now: number): Promise<void> {
  const returnTo = req.session.returnTo;
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.userId = userId;
      req.session.generation = generation;
      req.session.signedInAt = now;
      if (returnTo) req.session.returnTo = returnTo;
      req.session.save((e) => (e ? reject(e) : resolve()));
    }),
  );
}

export function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}
