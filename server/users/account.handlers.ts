import type { Request, Response } from 'express';
import { t } from '../i18n/messages.ts';
import { NotFound, StaleVersion, TooManyRequests, ValidationError } from '../http/errors.ts';
import { formValues, parseForm, type FieldErrors } from '../http/form.ts';
import { setFlash, takeFlash } from '../http/flash.ts';
import { idParam, param } from '../http/params.ts';
import type { Services } from '../services.ts';
import type { TokenPurpose } from './tokens.repo.ts';
import type { UserRow } from './users.repo.ts';
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
      flash: status === 200 ? takeFlash(req) : undefined,
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
        const parsed = parseForm(setPasswordSchema, req.body);
        if (!parsed.ok) return renderSetPassword(res, 422, purpose, link.user, token!, parsed.errors);
        try {
          const state = await account.useLink(purpose, token, parsed.data.password, req.requestId);
          if (state !== 'valid') return renderLinkProblem(res, state);
        } catch (err) {
          if (err instanceof ValidationError) return renderSetPassword(res, 422, purpose, link.user, token!, err.fields);
          throw err;
        }
        setFlash(req, t('account.link.done'));
        res.redirect(303, '/connexion');
      },
    };
  }

  const invitation = linkPages('invitation');
  const reset = linkPages('reset');

  return {
    showProfile: (req: Request, res: Response) => renderProfile(req, res, 200),

    async updateProfile(req: Request, res: Response) {
      const values = formValues(req.body);
      const parsed = parseForm(profileSchema, req.body);
      if (!parsed.ok) return renderProfile(req, res, 422, { values, errors: parsed.errors });
      try {
        const changed = await account.updateDisplayName(req.user!, parsed.data.version ?? -1, parsed.data.display_name, req.requestId);
        setFlash(req, changed ? t('account.nameUpdated') : t('users.unchanged'));
      } catch (err) {
        if (err instanceof StaleVersion) return renderProfile(req, res, 409, { values, conflict: true });
        throw err;
      }
      res.redirect(303, '/profil');
    },

    async changePassword(req: Request, res: Response) {
      const parsed = parseForm(changePasswordSchema, req.body);
      if (!parsed.ok) return renderProfile(req, res, 422, { errors: parsed.errors });
      try {
        const generation = await account.changePassword(req.user!, parsed.data.current_password, parsed.data.new_password, {
          ip: req.ip ?? 'unknown',
          requestId: req.requestId,
        });
        // Every session of the user ended with the new generation; this one is re-attached so the browser stays signed in.
        req.session.generation = generation;
      } catch (err) {
        if (err instanceof ValidationError) return renderProfile(req, res, 422, { errors: err.fields });
        if (err instanceof TooManyRequests) {
          res.setHeader('Retry-After', String(err.retryAfterSeconds));
          const minutes = Math.ceil(err.retryAfterSeconds / 60);
          return renderProfile(req, res, 429, { errors: { current_password: t('signIn.throttled', { minutes }) } });
        }
        throw err;
      }
      setFlash(req, t('account.passwordChanged'));
      res.redirect(303, '/profil');
    },

    /** « Jetons d'accès à l'API »: the new token is shown in this answer only, never stored in clear. */
    async createApiToken(req: Request, res: Response) {
      const values = formValues(req.body);
      const parsed = parseForm(createTokenSchema, req.body);
      if (!parsed.ok) return renderProfile(req, res, 422, { values, errors: parsed.errors });
      try {
        const { token } = await apiTokens.create(req.user!, parsed.data.token_name, req.requestId);
        await renderProfile(req, res, 201, { newToken: { name: parsed.data.token_name, token } });
      } catch (err) {
        if (err instanceof ValidationError) return renderProfile(req, res, 422, { values, errors: { token_name: err.fields.name } });
        throw err;
      }
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
