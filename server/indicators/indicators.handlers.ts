import type { Request, Response } from 'express';
import { t } from '../i18n/messages.ts';
import { BadRequest, NotFound } from '../http/errors.ts';
import { failureView, handleForm } from '../http/form-handler.ts';
import { formValues, parseForm } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import type { Services } from '../services.ts';
import type { CatalogueItem } from './indicators.service.ts';
import { OBJECTIVES, indicatorFormSchema, listQuerySchema } from './indicators.schema.ts';
import { formOptions, indicatorToValues, listRow, newIndicatorValues, objectiveLegend } from './indicators.view.ts';
import { actor } from '../http/actor.ts';

interface FormView {
  mode: 'new' | 'edit';
  item?: CatalogueItem;
  values: Record<string, unknown>;
  errors: Record<string, string>;
  conflict?: boolean;
}

const STATES = ['tous', 'actifs', 'inactifs'] as const;

/** Staff pages for the indicator catalogue: the list, and the creation and edit forms. */
export function createIndicatorsHandlers({ indicators }: Pick<Services, 'indicators'>) {
  async function renderForm(res: Response, status: number, view: FormView) {
    const choices = await indicators.componentChoices(view.item?.indicator.id);
    res.status(status).render('pages/indicators/form', {
      title: view.mode === 'new' ? t('indicators.new') : t('indicators.edit'),
      nav: 'indicators',
      action: view.mode === 'new' ? '/admin/indicateurs/nouveau' : `/admin/indicateurs/${view.item!.indicator.id}/modifier`,
      ...view,
      // Handlebars treats {} as true: the shared error summary must only see errors when there are some.
      errors: Object.keys(view.errors).length ? view.errors : null,
      categories: view.item?.categories ?? [],
      ...formOptions(view.values, choices),
    });
  }

  // Ids are small positive integers; anything else (including numbers too large for the column) is not a page.
  async function itemOr404(req: Request): Promise<CatalogueItem> {
    const id = idParam(req, 'indicatorId');
    const item = id === undefined ? undefined : (await indicators.catalogue()).find((x) => x.indicator.id === id);
    if (!item) throw new NotFound();
    return item;
  }

  return {
    async list(req: Request, res: Response) {
      const parsed = listQuerySchema.safeParse(req.query);
      if (!parsed.success) throw new BadRequest();
      const state = parsed.data.etat ?? 'tous';
      const objective = parsed.data.objectif || undefined;
      const items = await indicators.catalogue({ active: state === 'tous' ? undefined : state === 'actifs', objective });
      res.render('pages/indicators/list', {
        title: t('indicators.title'),
        nav: 'indicators',
        rows: items.map(listRow),
        stateOptions: STATES.map((v) => ({ value: v, label: t(`indicators.state.${v}`), selected: v === state })),
        objectiveOptions: OBJECTIVES.map((o) => ({
          value: o,
          label: `${o} — ${t(`indicators.objective.${o}`)}`,
          selected: o === objective,
        })),
        legend: objectiveLegend(),
      });
    },

    async showNew(_req: Request, res: Response) {
      const next = await indicators.nextDisplayOrder();
      await renderForm(res, 200, { mode: 'new', values: newIndicatorValues(next), errors: {} });
    },

    async create(req: Request, res: Response) {
      const values = formValues(req.body);
      await handleForm(req, res, {
        parse: () => parseForm(indicatorFormSchema('new'), req.body),
        run: (form) => indicators.create(form, actor(req)),
        rerender: (f) => renderForm(res, f.status, { mode: 'new', values, ...failureView(f) }),
        success: (_id, form) => ({ flash: t('indicators.created', { code: form.code }), to: '/admin/indicateurs' }),
      });
    },

    async showEdit(req: Request, res: Response) {
      const item = await itemOr404(req);
      await renderForm(res, 200, { mode: 'edit', item, values: indicatorToValues(item), errors: {} });
    },

    async update(req: Request, res: Response) {
      const item = await itemOr404(req);
      // The code cannot change: show the stored one whatever was posted.
      const values = { ...formValues(req.body), code: item.indicator.code };
      await handleForm(req, res, {
        parse: () => parseForm(indicatorFormSchema('edit'), req.body),
        run: (form) => indicators.update(item.indicator, form.version ?? -1, form, actor(req)),
        rerender: (f) => renderForm(res, f.status, { mode: 'edit', item, values, ...failureView(f) }),
        success: (changed) => ({
          flash: t(changed ? 'indicators.updated' : 'indicators.unchanged', { code: item.indicator.code }),
          to: '/admin/indicateurs',
        }),
      });
    },
  };
}
