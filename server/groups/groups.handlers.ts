import type { Request, Response } from 'express';
import { actor } from '../http/actor.ts';
import { NotFound } from '../http/errors.ts';
import { failureView, handleForm } from '../http/form-handler.ts';
import { formValues, parseForm } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import { t } from '../i18n/messages.ts';
import type { Services } from '../services.ts';
import type { GroupSetRow, PoleGroupRow } from './groups.service.ts';
import { groupFormSchema, setFormSchema } from './groups.schema.ts';

interface FormView {
  values: Record<string, unknown>;
  errors: Record<string, string>;
  conflict?: boolean;
}

const activeOptions = (value: unknown) =>
  (['oui', 'non'] as const).map((v) => ({ value: v, label: t(`groups.active.${v}`), selected: v === (value ?? 'oui') }));

/** Staff pages for group sets and their groups: the list, and the forms to create and rename them. */
export function createGroupsHandlers({ groups }: Pick<Services, 'groups'>) {
  async function setOr404(req: Request): Promise<GroupSetRow> {
    const id = idParam(req, 'setId');
    const set = id === undefined ? undefined : await groups.set(id);
    if (!set) throw new NotFound();
    return set;
  }

  async function groupOr404(req: Request, set: GroupSetRow): Promise<PoleGroupRow> {
    const id = idParam(req, 'groupId');
    const group = id === undefined ? undefined : await groups.group(set.id, id);
    if (!group) throw new NotFound();
    return group;
  }

  function renderSet(res: Response, status: number, set: GroupSetRow | null, view: FormView) {
    res.status(status).render('pages/groups/set-form', {
      title: set ? t('groups.set.edit', { set: set.label_fr }) : t('groups.set.new'),
      nav: 'poles',
      set,
      action: set ? `/admin/groupes/ensembles/${set.id}/modifier` : '/admin/groupes/ensembles/nouveau',
      ...view,
    });
  }

  function renderGroup(res: Response, status: number, set: GroupSetRow, group: PoleGroupRow | null, view: FormView) {
    const base = `/admin/groupes/ensembles/${set.id}/groupes`;
    res.status(status).render('pages/groups/group-form', {
      title: group ? t('groups.group.edit', { group: group.label_fr }) : t('groups.group.new', { set: set.label_fr }),
      nav: 'poles',
      set,
      group,
      action: group ? `${base}/${group.id}/modifier` : `${base}/nouveau`,
      activeOptions: activeOptions(view.values.active),
      ...view,
    });
  }

  return {
    async list(_req: Request, res: Response) {
      const sets = await groups.catalogue();
      res.render('pages/groups/list', { title: t('groups.title'), nav: 'poles', sets });
    },

    async showNewSet(_req: Request, res: Response) {
      const next = groups.nextOrder(await groups.catalogue());
      renderSet(res, 200, null, { values: { display_order: String(next) }, errors: {} });
    },

    async createSet(req: Request, res: Response) {
      const values = formValues(req.body);
      await handleForm(req, res, {
        parse: () => parseForm(setFormSchema('new'), req.body),
        run: (form) => groups.createSet(form, actor(req)),
        rerender: (f) => renderSet(res, f.status, null, { values, ...failureView(f) }),
        success: (_id, form) => ({ flash: t('groups.set.created', { set: form.label_fr }), to: '/admin/groupes' }),
      });
    },

    async showEditSet(req: Request, res: Response) {
      const set = await setOr404(req);
      const values = { ...set, display_order: String(set.display_order), version: String(set.version) };
      renderSet(res, 200, set, { values, errors: {} });
    },

    async updateSet(req: Request, res: Response) {
      const set = await setOr404(req);
      const values = { ...formValues(req.body), code: set.code };
      await handleForm(req, res, {
        parse: () => parseForm(setFormSchema('edit'), req.body),
        run: (form) => groups.updateSet(set, form.version ?? -1, form, actor(req)),
        rerender: (f) => renderSet(res, f.status, set, { values, ...failureView(f) }),
        success: (changed, form) => ({
          flash: t(changed ? 'groups.set.updated' : 'groups.unchanged', { set: form.label_fr }),
          to: `/admin/groupes#ensemble-${set.id}`,
        }),
      });
    },

    async showNewGroup(req: Request, res: Response) {
      const set = await setOr404(req);
      const next = groups.nextOrder((await groups.catalogue()).find((s) => s.id === set.id)?.groups ?? []);
      renderGroup(res, 200, set, null, { values: { display_order: String(next), active: 'oui' }, errors: {} });
    },

    async createGroup(req: Request, res: Response) {
      const set = await setOr404(req);
      const values = formValues(req.body);
      await handleForm(req, res, {
        parse: () => parseForm(groupFormSchema('new'), req.body),
        run: (form) => groups.createGroup(set, form, actor(req)),
        rerender: (f) => renderGroup(res, f.status, set, null, { values, ...failureView(f) }),
        success: (_id, form) => ({ flash: t('groups.group.created', { group: form.label_fr }), to: `/admin/groupes#ensemble-${set.id}` }),
      });
    },

    async showEditGroup(req: Request, res: Response) {
      const set = await setOr404(req);
      const group = await groupOr404(req, set);
      const values = {
        ...group,
        display_order: String(group.display_order),
        active: group.active ? 'oui' : 'non',
        version: String(group.version),
      };
      renderGroup(res, 200, set, group, { values, errors: {} });
    },

    async updateGroup(req: Request, res: Response) {
      const set = await setOr404(req);
      const group = await groupOr404(req, set);
      const values = { ...formValues(req.body), code: group.code };
      await handleForm(req, res, {
        parse: () => parseForm(groupFormSchema('edit'), req.body),
        run: (form) => groups.updateGroup(group, form.version ?? -1, form, actor(req)),
        rerender: (f) => renderGroup(res, f.status, set, group, { values, ...failureView(f) }),
        success: (changed, form) => ({
          flash: t(changed ? 'groups.group.updated' : 'groups.unchanged', { group: form.label_fr, set: form.label_fr }),
          to: `/admin/groupes#ensemble-${set.id}`,
        }),
      });
    },
  };
}
