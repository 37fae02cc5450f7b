import type { NextFunction, Request, Response } from 'express';
import { t } from '../i18n/messages.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { Clock } from '../lib/clock.ts';

/**
 * Loads req.user from the session; ends sessions that are idle too long, past the absolute timeout,
 * or revoked (password change, deactivation). Timeouts are checked here, on the injected clock, and
 * not only through the cookie's expiry, so they hold whatever the browser keeps.
 */
export function authenticate(auth: AuthService, clock: Clock, timeouts: { idleMinutes: number; absoluteHours: number }) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const s = req.session;
    if (s?.userId !== undefined) {
      const now = clock.now().toMillis();
      // Activity is written at most every `step` (a session write per request would be wasted work), so
      // lastSeenAt may lag the last request by up to `step`: the session ends once it has been idle for
      // `idle + step` by that clock, that is after between `idle` and `idle + step` of real idleness,
      // never while the user is active (a step of a minute once signed out users every minute when the
      // idle time was one minute).
      const idleMs = timeouts.idleMinutes * 60_000;
      const step = Math.min(60_000, idleMs / 10);
      const idle = now - (s.lastSeenAt ?? s.signedInAt ?? 0) >= idleMs + step;
      const tooOld = now - (s.signedInAt ?? 0) > timeouts.absoluteHours * 3600_000;
      const user = idle || tooOld ? null : await auth.load(s.userId, s.generation);
      if (user) {
        req.user = user;
        res.locals.user = user;
        if (now - (s.lastSeenAt ?? 0) >= step) s.lastSeenAt = now;
      } else {
        // Remembered so that a form posted after the timeout can be given back to the same user.
        s.expiredUserId = s.userId;
        delete s.userId;
        delete s.generation;
        delete s.signedInAt;
        delete s.lastSeenAt;
        s.flash = t('signIn.sessionExpired');
      }
    }
    next();
  };
}

/** Starts a signed-in session under a new id (no session fixation). */
export function startSession(req: Request, userId: number, generation: number, now: number): Promise<void> {
  const returnTo = req.session.returnTo;
  // A form typed before the session expired survives the sign-in, for the same user only.
  const pending = req.session.pendingForm?.userId === userId ? req.session.pendingForm : undefined;
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      if (pending) req.session.pendingForm = pending;
      req.session.userId = userId;
      req.session.generation = generation;
      req.session.signedInAt = now;
      req.session.lastSeenAt = now;
      if (returnTo) req.session.returnTo = returnTo;
      req.session.save((e) => (e ? reject(e) : resolve()));
    }),
  );
}

export function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}

/** The form posted when the session had expired, if it was for this page: given once, then forgotten. */
export function takePendingForm(req: Request, path: string): Record<string, unknown> | undefined {
  const pending = req.session?.pendingForm;
  if (!pending || pending.path !== path || pending.userId !== req.user?.id) return undefined;
  delete req.session.pendingForm;
  return pending.body;
}
