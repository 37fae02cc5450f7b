import type { Request, Response } from 'express';
import { t, tn } from '../i18n/messages.ts';
import { NotFound, TooManyRequests } from '../http/errors.ts';
import { failureView, handleForm } from '../http/form-handler.ts';
import { formValues, parseForm, type FieldErrors } from '../http/form.ts';
import { setFlash } from '../http/flash.ts';
import { idParam, param } from '../http/params.ts';
import type { Services } from '../services.ts';
import type { TokenPurpose } from './account.service.ts';
import type { UserRow } from './users.service.ts';
import { changePasswordSchema, profileSchema, setPasswordSchema } from './users.schema.ts';
import { createTokenSchema } from '../api/api-tokens.schema.ts';

interface ProfileView {
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  conflict?: boolean;
  /** An API token just created: shown this once. */
  newToken?: { name: string; token: string };
}

const LINK_PATHS: Record<TokenPurpose, string> = { invitation: '/invitation', reset: '/reinitialisation' };

/** Profile, invitation and reset pages. */
export function createAccountHandlers({ account, apiTokens }: Pick<Services, 'account' | 'apiTokens'>) {
  async function renderProfile(req: Request, res: Response, status: number, view: ProfileView = {}) {
    const user = req.user!;
    const [p, tokens] = await Promise.all([account.profile(user), apiTokens.list(user)]);
    res.status(status).render('pages/account/profile', {
      title: t('account.title'),
      nav: 'profile',
      account: p.row,
      roleLabel: t(`role.${user.role}`),
      poleNames: p.poleNames,
      regionNames: p.regionNames,
      values: { display_name: p.row.display_name, version: String(p.row.version), ...view.values },
      errors: view.errors && Object.keys(view.errors).length ? view.errors : undefined,
      conflict: view.conflict,
      apiTokens: tokens,
      newToken: view.newToken,
    });
  }

  /** The page for a link that cannot be used: 404 when it never existed, 410 when used or expired. */
  function renderLinkProblem(res: Response, state: 'unknown' | 'spent') {
    const unknown = state === 'unknown';
    res.status(unknown ? 404 : 410).render('pages/account/link-invalid', {
      title: unknown ? t('account.link.unknownTitle') : t('account.link.spentTitle'),
      message: unknown ? t('account.link.unknown') : t('account.link.spent'),
    });
  }

  function renderSetPassword(res: Response, status: number, purpose: TokenPurpose, user: UserRow, token: string, errors?: FieldErrors) {
    res.status(status).render('pages/account/set-password', {
      title: purpose === 'invitation' ? t('account.link.invitationTitle') : t('account.link.resetTitle'),
      action: `${LINK_PATHS[purpose]}/${token}`,
      account: user,
      errors: errors && Object.keys(errors).length ? errors : undefined,
    });
  }

  function linkPages(purpose: TokenPurpose) {
    return {
      async show(req: Request, res: Response) {
        const token = param(req, 'token');
        const link = await account.checkLink(purpose, token);
        if (link.state !== 'valid') return renderLinkProblem(res, link.state);
        renderSetPassword(res, 200, purpose, link.user, token!);
      },

      async submit(req: Request, res: Response) {
        const token = param(req, 'token');
        const link = await account.checkLink(purpose, token);
        if (link.state !== 'valid') return renderLinkProblem(res, link.state);
        await handleForm(req, res, {
          parse: () => parseForm(setPasswordSchema, req.body),
          run: (form) => account.useLink(purpose, token, form.password, req.requestId),
          rerender: (f) => renderSetPassword(res, f.status, purpose, link.user, token!, failureView(f).errors),
          // Used or expired between the page and the post: the link's own page, not the form.
          success: (state) => (state === 'valid' ? { flash: t('account.link.done'), to: '/connexion' } : renderLinkProblem(res, state)),
        });
      },
    };
  }

  const invitation = linkPages('invitation');
  const reset = linkPages('reset');

  return {
    showProfile: (req: Request, res: Response) => renderProfile(req, res, 200),

    async updateProfile(req: Request, res: Response) {
      const values = formValues(req.body);
      await handleForm(req, res, {
        parse: () => parseForm(profileSchema, req.body),
        run: (form) => account.updateDisplayName(req.user!, form.version ?? -1, form.display_name, req.requestId),
        rerender: (f) => renderProfile(req, res, f.status, { values, ...failureView(f) }),
        success: (changed) => ({ flash: changed ? t('account.nameUpdated') : t('users.unchanged'), to: '/profil' }),
      });
    },

    async changePassword(req: Request, res: Response) {
      await handleForm(req, res, {
        parse: () => parseForm(changePasswordSchema, req.body),
        run: async (form) => {
          try {
            return await account.changePassword(req.user!, form.current_password, form.new_password, {
              ip: req.ip ?? 'unknown',
              requestId: req.requestId,
            });
          } catch (err) {
            // Too many wrong passwords: the answer is 429, with the wait next to the field (not the error page).
            if (!(err instanceof TooManyRequests)) throw err;
            res.setHeader('Retry-After', String(err.retryAfterSeconds));
            return err;
          }
        },
        rerender: (f) => renderProfile(req, res, f.status, failureView(f)),
        success: (generation) => {
          if (generation instanceof TooManyRequests) {
            return void renderProfile(req, res, 429, {
              errors: { current_password: tn('signIn.throttled', Math.ceil(generation.retryAfterSeconds / 60)) },
            });
          }
          // Every session of the user ended with the new generation; this one is re-attached so the browser stays signed in.
          req.session.generation = generation;
          return { flash: t('account.passwordChanged'), to: '/profil' };
        },
      });
    },

    /** « Jetons d'accès à l'API »: the new token is shown in this answer only, never stored in clear. */
    async createApiToken(req: Request, res: Response) {
      const values = formValues(req.body);
      await handleForm(req, res, {
        parse: () => parseForm(createTokenSchema, req.body),
        run: (form) => apiTokens.create(req.user!, form.token_name, req.requestId),
        rerender: (f) => renderProfile(req, res, f.status, { values, ...failureView(f) }),
        success: ({ token }, form) => renderProfile(req, res, 201, { newToken: { name: form.token_name, token } }),
      });
    },

    async revokeApiToken(req: Request, res: Response) {
      const id = idParam(req, 'tokenId');
      if (id === undefined) throw new NotFound();
      const { name, revoked } = await apiTokens.revoke(req.user!, id, req.requestId);
      setFlash(req, revoked ? t('apiTokens.revoked', { name }) : t('apiTokens.alreadyRevoked'));
      res.redirect(303, '/profil');
    },

    showInvitation: invitation.show,
    acceptInvitation: invitation.submit,
    showReset: reset.show,
    reset: reset.submit,
  };
}
