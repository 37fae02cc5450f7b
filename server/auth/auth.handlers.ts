import type { Request, Response } from 'express';
import { t, tn } from '../i18n/messages.ts';
import { endSession, startSession } from '../http/authenticate.ts';
import { SESSION_COOKIE } from '../http/session.ts';
import { takeFlash } from '../http/flash.ts';
import { hasReturnTo, isLocalPath, takeReturnTo } from '../http/anonymous-forms.ts';
import type { Services } from '../services.ts';

function field(body: unknown, name: string, max = 500): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
}

/** /connexion and /deconnexion. */
export function createAuthHandlers({ auth, clock }: Pick<Services, 'auth' | 'clock'>) {
  return {
    showSignIn(req: Request, res: Response) {
      if (req.user) return res.redirect(303, '/');
      // After sign-out the session is gone, so the message travels in the URL.
      // Someone sent here from a page they asked for is told why, unless a flash already says more.
      const asked = hasReturnTo(req) || req.session?.returnTo !== undefined;
      const flash =
        req.query.deconnecte === '1' ? t('signIn.signedOut') : (takeFlash(req) ?? (asked ? t('signIn.protectedPage') : undefined));
      res.render('pages/auth/sign-in', { title: t('signIn.title'), values: {}, errors: {}, flash });
    },

    async signIn(req: Request, res: Response) {
      const email = field(req.body, 'email', 254).trim();
      const password = field(req.body, 'password', 1024);
      const errors: Record<string, string> = {};
      if (!email) errors.email = t('signIn.emailRequired');
      if (!password) errors.password = t('signIn.passwordRequired');
      if (Object.keys(errors).length) {
        return res.status(422).render('pages/auth/sign-in', { title: t('signIn.title'), values: { email }, errors });
      }
      const result = await auth.signIn(email, password, req.ip ?? 'unknown');
      if (!result.ok) {
        if (result.reason === 'throttled') {
          res.setHeader('Retry-After', String(result.retryAfter));
          return res.status(429).render('pages/auth/sign-in', {
            title: t('signIn.title'),
            values: { email },
            errors: {},
            formError: tn('signIn.throttled', Math.ceil(result.retryAfter / 60)),
          });
        }
        return res.status(401).render('pages/auth/sign-in', {
          title: t('signIn.title'),
          values: { email },
          errors: {},
          formError: t('signIn.invalid'),
        });
      }
      const returnTo = req.session.returnTo ?? takeReturnTo(req, res);
      await startSession(req, result.user.id, result.generation, clock.now().toMillis());
      delete req.session.returnTo;
      // Only a local path, never an open redirect.
      res.redirect(303, returnTo && isLocalPath(returnTo) ? returnTo : '/');
    },

    async signOut(req: Request, res: Response) {
      await endSession(req);
      res.clearCookie(SESSION_COOKIE);
      res.redirect(303, '/connexion?deconnecte=1');
    },
  };
}
