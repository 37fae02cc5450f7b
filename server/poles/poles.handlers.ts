import type { Request, Response } from 'express';
import { scopedPole } from '../http/access.ts';
import { z } from 'zod';
import { t } from '../i18n/messages.ts';
import { BadRequest } from '../http/errors.ts';
import { failureView, handleForm } from '../http/form-handler.ts';
import { formValues, parseForm, versionField } from '../http/form.ts';
import { quarterLabel } from '../lib/quarters.ts';
import type { Services } from '../services.ts';
import type { PoleRow } from './poles.service.ts';
import { FOUNDING_WAVES, archiveFormSchema, poleFormSchema } from './poles.schema.ts';
import { setFlash } from '../http/flash.ts';
import { baseOptions, parseBase } from '../dashboards/dashboards.schema.ts';
import { actor } from '../http/actor.ts';

const listQuery = z.object({
  q: z.string().max(200).optional(),
  region: z.string().max(3).optional(),
  etat: z.enum(['actifs', 'archives', 'tous']).optional(),
});

/** The pole's form values as the edit page shows them. */
function poleToValues(p: PoleRow, territories: { kind: string; code: string }[]) {
  return {
    name: p.name,
    slug: p.slug,
    region_code: p.region_code,
    departement_code: p.departement_code,
    territory_epci: territories
      .filter((x) => x.kind === 'epci')
      .map((x) => x.code)
      .join(', '),
    territory_departements: territories.filter((x) => x.kind === 'departement').map((x) => x.code),
    creation_year: String(p.creation_year),
    first_report: quarterLabel({ year: p.first_report_year, quarter: p.first_report_quarter }),
    legal_form: p.legal_form,
    description: p.description,
    contact_email: p.contact_email,
    website: p.website,
    founding_wave: p.founding_wave,
    version: String(p.version),
  };
}

/** Pole pages: the pole page for everyone in scope, and the staff list and forms. */
export function createPolesHandlers({
  poles,
  reference,
  dashboards,
  clock,
}: Pick<Services, 'poles' | 'reference' | 'dashboards' | 'clock'>) {
  async function formOptions(values: Record<string, unknown>) {
    const [regions, departements] = await Promise.all([reference.regions(), reference.departements()]);
    const chosenTerritories = new Set(
      Array.isArray(values.territory_departements) ? values.territory_departements : [values.territory_departements],
    );
    return {
      regionOptions: regions.map((r) => ({ value: r.code, label: r.name, selected: r.code === values.region_code })),
      departementOptions: departements.map((d) => ({
        value: d.code,
        label: `${d.code} — ${d.name}`,
        selected: d.code === values.departement_code,
      })),
      territoryOptions: departements.map((d) => ({
        value: d.code,
        label: `${d.code} — ${d.name}`,
        selected: chosenTerritories.has(d.code),
      })),
      waveOptions: FOUNDING_WAVES.map((w) => ({ value: w, label: t(`poles.wave.${w}`), selected: w === values.founding_wave })),
    };
  }

  async function renderForm(
    res: Response,
    status: number,
    view: { mode: 'new' | 'edit'; pole?: PoleRow; values: Record<string, unknown>; errors: Record<string, string>; conflict?: boolean },
  ) {
    res.status(status).render('pages/poles/form', {
      title: view.mode === 'new' ? t('poles.new') : t('poles.edit'),
      nav: 'poles',
      action: view.mode === 'new' ? '/admin/poles/nouveau' : `/admin/poles/${view.pole!.slug}/modifier`,
      ...view,
      ...(await formOptions(view.values)),
    });
  }

  return {
    async show(req: Request, res: Response) {
      const pole = scopedPole(req);
      const base = parseBase(req.query, req.user!);
      const [details, dashboard] = await Promise.all([poles.details(pole), dashboards.pole(pole, base)]);
      res.render('pages/poles/show', {
        title: pole.name,
        ...details,
        dashboard: { ...dashboard, isStaff: req.user!.role === 'staff', baseOptions: baseOptions(base) },
        firstReport: quarterLabel({ year: pole.first_report_year, quarter: pole.first_report_quarter }),
        canEdit: req.user!.role === 'staff',
        archiveValues: { archived_on: poles.today() },
      });
    },

    async list(req: Request, res: Response) {
      const parsed = listQuery.safeParse(req.query);
      if (!parsed.success) throw new BadRequest();
      const filter = {
        q: parsed.data.q?.trim() || undefined,
        region: parsed.data.region || undefined,
        archived: parsed.data.etat ?? 'actifs',
      };
      const [found, regions] = await Promise.all([poles.search(filter), reference.regions()]);
      res.render('pages/poles/list', {
        title: t('poles.title'),
        nav: 'poles',
        poles: found,
        filter,
        regionOptions: regions.map((r) => ({ value: r.code, label: r.name, selected: r.code === filter.region })),
        stateOptions: (['actifs', 'archives', 'tous'] as const).map((v) => ({
          value: v,
          label: t(`poles.state.${v}`),
          selected: v === filter.archived,
        })),
      });
    },

    async showNew(_req: Request, res: Response) {
      await renderForm(res, 200, { mode: 'new', values: { founding_wave: 'autre', territory_departements: [] }, errors: {} });
    },

    async create(req: Request, res: Response) {
      const values = formValues(req.body);
      await handleForm(req, res, {
        parse: () => parseForm(poleFormSchema(clock.now().year), req.body),
        run: (form) => poles.create(form, actor(req)),
        rerender: (f) => renderForm(res, f.status, { mode: 'new', values, ...failureView(f) }),
        success: (slug) => ({ flash: t('poles.created'), to: `/poles/${slug}` }),
      });
    },

    async showEdit(req: Request, res: Response) {
      const pole = scopedPole(req);
      const territories = await poles.territories(pole);
      await renderForm(res, 200, { mode: 'edit', pole, values: poleToValues(pole, territories), errors: {} });
    },

    async update(req: Request, res: Response) {
      const pole = scopedPole(req);
      const values = formValues(req.body);
      await handleForm(req, res, {
        parse: () => parseForm(poleFormSchema(clock.now().year), req.body),
        run: (form) => poles.update(pole, form.version ?? -1, form, actor(req)),
        rerender: (f) => renderForm(res, f.status, { mode: 'edit', pole, values, ...failureView(f) }),
        success: (slug) => ({ flash: t('poles.updated'), to: `/poles/${slug}` }),
      });
    },

    async archive(req: Request, res: Response) {
      const pole = scopedPole(req);
      const parsed = parseForm(archiveFormSchema, req.body);
      if (!parsed.ok) {
        const details = await poles.details(pole);
        return res.status(422).render('pages/poles/show', {
          title: pole.name,
          ...details,
          canEdit: true,
          archiveErrors: parsed.errors,
          archiveValues: formValues(req.body),
          firstReport: quarterLabel({ year: pole.first_report_year, quarter: pole.first_report_quarter }),
        });
      }
      await poles.setArchived(pole, parsed.data.version, parsed.data.archived_on, actor(req));
      setFlash(req, t('poles.archived'));
      res.redirect(303, `/poles/${pole.slug}`);
    },

    async unarchive(req: Request, res: Response) {
      const pole = scopedPole(req);
      const version = versionField().safeParse((req.body as Record<string, unknown>)?.version);
      if (!version.success) throw new BadRequest();
      await poles.setArchived(pole, version.data, null, actor(req));
      setFlash(req, t('poles.unarchived'));
      res.redirect(303, `/poles/${pole.slug}`);
    },
  };
}
