import type { Request, Response } from 'express';
import { t } from '../i18n/messages.ts';
import type { Services } from '../services.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function emailOf(body: unknown): string {
  const v = (body as Record<string, unknown> | undefined)?.email;
  return typeof v === 'string' ? v.slice(0, 254).trim() : '';
}

/** « Mot de passe oublié ? »: the request form, and its answer, the same whether the address has an account. */
export function createPasswordHelpHandlers({ passwordHelp }: Pick<Services, 'passwordHelp'>) {
  const render = (res: Response, status: number, view: { values?: { email: string }; errors?: Record<string, string>; done?: boolean }) =>
    res.status(status).render('pages/auth/forgot', {
      title: t('forgot.title'),
      values: view.values ?? { email: '' },
      errors: view.errors ?? {},
      done: view.done,
    });

  return {
    show(req: Request, res: Response) {
      if (req.user) return res.redirect(303, '/profil');
      render(res, 200, { done: req.query.demande === '1' });
    },

    async request(req: Request, res: Response) {
      const email = emailOf(req.body);
      if (!EMAIL.test(email))
        return render(res, 422, { values: { email }, errors: { email: t(email ? 'forgot.emailInvalid' : 'forgot.emailRequired') } });
      const outcome = await passwordHelp.request(email, req.ip ?? 'unknown', req.requestId ?? null);
      if (outcome === 'throttled') return render(res, 429, { values: { email }, errors: { email: t('forgot.throttled') } });
      // After the post, a page of its own (a reload does not ask again).
      res.redirect(303, '/mot-de-passe-oublie?demande=1');
    },
  };
}
