import type { Request, Response } from 'express';
import type { DateTime } from 'luxon';
import { t } from '../i18n/messages.ts';
import { BadRequest, NotFound } from '../http/errors.ts';
import { failureView, handleForm, noFields, type FormFailure } from '../http/form-handler.ts';
import { asList, formValues, parseForm, type FieldErrors } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import { ROLES } from '../http/current-user.ts';
import { formatDate } from '../lib/format.ts';
import type { Services } from '../services.ts';
import type { UserRow } from './users.service.ts';
import { newUserFormSchema, userFormSchema, userListQuery, versionOnlySchema } from './users.schema.ts';
import { actor } from '../http/actor.ts';

type Values = Record<string, unknown>;

interface FormView {
  mode: 'new' | 'edit';
  account?: UserRow;
  values: Values;
  errors?: FieldErrors;
  conflict?: boolean;
  actionError?: string;
  flash?: string;
  /** On a stale submit: the account as stored now, shown beside the typed values. */
  current?: Values;
}

/** « Pôle A, Pôle B » for a manager, regions or « national » for a funder, « toutes les données » for staff. */
function scopeText(u: { role: string; poleNames: string[]; regionNames: string[] }): string {
  if (u.role === 'manager') return u.poleNames.join(', ');
  if (u.role === 'funder') return u.regionNames.join(', ') || t('users.national');
  return t('users.allData');
}

/** Staff pages for accounts: list, create, edit, (de)activate, reset links. */
export function createUsersHandlers({ users, poles, reference, config }: Pick<Services, 'users' | 'poles' | 'reference' | 'config'>) {
  async function formOptions(values: Values) {
    const [allPoles, regions] = await Promise.all([poles.search({ archived: 'tous' }), reference.regions()]);
    const chosenPoles = new Set(asList(values.pole_ids));
    const chosenRegions = new Set(asList(values.region_codes));
    return {
      roleOptions: ROLES.map((r) => ({ value: r, label: t(`role.${r}`), selected: r === values.role })),
      poleOptions: allPoles.map((p) => ({
        value: String(p.id),
        label: `${p.name} — ${p.region_name}${p.archived_on ? ` ${t('users.archived')}` : ''}`,
        selected: chosenPoles.has(String(p.id)),
      })),
      regionOptions: regions.map((r) => ({ value: r.code, label: r.name, selected: chosenRegions.has(r.code) })),
    };
  }

  async function render(res: Response, status: number, view: FormView) {
    const edit = view.mode === 'edit';
    res.status(status).render('pages/users/form', {
      title: edit ? t('users.edit') : t('users.new'),
      nav: 'users',
      action: edit ? `/admin/utilisateurs/${view.account!.id}/modifier` : '/admin/utilisateurs/nouveau',
      ...view,
      // The shared error summary shows for any object, even an empty one.
      errors: view.errors && Object.keys(view.errors).length ? view.errors : undefined,
      ...(await formOptions(view.values)),
    });
  }

  /** The page that shows a link once: rendered in the POST's answer, never kept in the session. */
  function renderLink(res: Response, kind: 'invitation' | 'reset', account: UserRow, token: string, expiresAt: DateTime) {
    res.status(201).render('pages/users/link', {
      title: kind === 'invitation' ? t('users.link.invitationTitle') : t('users.link.resetTitle'),
      nav: 'users',
      account,
      link: `${config.publicUrl}/${kind === 'invitation' ? 'invitation' : 'reinitialisation'}/${token}`,
      expires: formatDate(expiresAt, true),
    });
  }

  async function userOr404(req: Request): Promise<UserRow> {
    const id = idParam(req, 'userId');
    const user = id === undefined ? undefined : await users.find(id);
    if (!user) throw new NotFound();
    return user;
  }

  async function storedValues(user: UserRow): Promise<Values> {
    const { poleIds, regionCodes } = await users.scopeOf(user);
    return {
      email: user.email,
      display_name: user.display_name,
      role: user.role,
      pole_ids: poleIds.map(String),
      region_codes: regionCodes,
      version: String(user.version),
    };
  }

  /** The edit page after a refused action (self-deactivation, stale version): values as stored now. */
  async function renderEditAgain(res: Response, status: number, user: UserRow, extra: Partial<FormView>) {
    const fresh = (await users.find(user.id))!;
    await render(res, status, { mode: 'edit', account: fresh, values: await storedValues(fresh), ...extra });
  }

  /** A refused action on the edit page: the service's message above the form (422), or the conflict (409). */
  function refusedAction(res: Response, user: UserRow, f: FormFailure) {
    return f.status === 422
      ? renderEditAgain(res, 422, user, { actionError: Object.values(f.errors)[0] })
      : renderEditAgain(res, 409, user, { conflict: true });
  }

  /** Typed values to show again: everything but passwords, which are never sent back to the browser. */
  function typedValues(req: Request): Values {
    const { password: _never, ...values } = formValues(req.body);
    return values;
  }

  async function currentSummary(id: number): Promise<Values | undefined> {
    const [row] = await users.search({ id });
    return row && { ...row, roleLabel: t(`role.${row.role}`), scope: scopeText(row) };
  }

  async function setActive(req: Request, res: Response, active: boolean) {
    const user = await userOr404(req);
    const parsed = versionOnlySchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new BadRequest();
    await handleForm(req, res, {
      parse: noFields,
      run: () => users.setActive(user, parsed.data.version, active, actor(req)),
      rerender: (f) => refusedAction(res, user, f),
      success: (changed) => ({
        flash: changed ? t(active ? 'users.reactivated' : 'users.deactivated') : t('users.unchanged'),
        to: `/admin/utilisateurs/${user.id}/modifier`,
      }),
    });
  }

  return {
    async list(req: Request, res: Response) {
      const parsed = userListQuery.safeParse(req.query);
      if (!parsed.success) throw new BadRequest();
      const filter = { q: parsed.data.q?.trim() || undefined, role: parsed.data.role || undefined, state: parsed.data.etat ?? 'tous' };
      const found = await users.search(filter);
      res.render('pages/users/list', {
        title: t('users.title'),
        nav: 'users',
        filter,
        users: found.map((u) => ({
          ...u,
          roleLabel: t(`role.${u.role}`),
          scope: scopeText(u),
        })),
        roleOptions: ROLES.map((r) => ({ value: r, label: t(`role.${r}`), selected: r === filter.role })),
        stateOptions: (['tous', 'actifs', 'inactifs'] as const).map((v) => ({
          value: v,
          label: t(`users.state.${v}`),
          selected: v === filter.state,
        })),
      });
    },

    async showNew(_req: Request, res: Response) {
      await render(res, 200, { mode: 'new', values: { role: 'manager' } });
    },

    async create(req: Request, res: Response) {
      const values = typedValues(req);
      await handleForm(req, res, {
        parse: () => parseForm(newUserFormSchema, req.body),
        run: (form) =>
          users.createUser(
            {
              email: form.email,
              displayName: form.display_name,
              role: form.role,
              poleIds: form.pole_ids,
              regionCodes: form.region_codes,
              password: form.password || undefined,
            },
            actor(req),
          ),
        rerender: (f) => render(res, f.status, { mode: 'new', values, ...failureView(f) }),
        success: async (created) => {
          if (!created.invitationToken || !created.expiresAt) return { flash: t('users.created'), to: '/admin/utilisateurs' };
          const account = (await users.find(created.id))!;
          renderLink(res, 'invitation', account, created.invitationToken, created.expiresAt);
        },
      });
    },

    async showEdit(req: Request, res: Response) {
      const user = await userOr404(req);
      await render(res, 200, { mode: 'edit', account: user, values: await storedValues(user) });
    },

    async update(req: Request, res: Response) {
      const user = await userOr404(req);
      const values = typedValues(req);
      await handleForm(req, res, {
        parse: () => parseForm(userFormSchema, req.body),
        run: (form) =>
          users.updateUser(
            user,
            form.version ?? -1,
            { email: form.email, displayName: form.display_name, role: form.role, poleIds: form.pole_ids, regionCodes: form.region_codes },
            actor(req),
          ),
        rerender: async (f) =>
          f.status === 422
            ? render(res, 422, { mode: 'edit', account: user, values, errors: f.errors })
            : render(res, 409, { mode: 'edit', account: user, values, conflict: true, current: await currentSummary(user.id) }),
        success: (changed) => ({ flash: changed ? t('users.updated') : t('users.unchanged'), to: '/admin/utilisateurs' }),
      });
    },

    deactivate: (req: Request, res: Response) => setActive(req, res, false),
    reactivate: (req: Request, res: Response) => setActive(req, res, true),

    async issueResetLink(req: Request, res: Response) {
      const user = await userOr404(req);
      await handleForm(req, res, {
        parse: noFields,
        run: () => users.issueResetLink(user, actor(req)),
        rerender: (f) => refusedAction(res, user, f),
        success: ({ token, expiresAt }) => renderLink(res, 'reset', user, token, expiresAt),
      });
    },
  };
}
