import type { Request, Response } from 'express';
import { scopedPole } from '../http/access.ts';
import { z } from 'zod';
import { t } from '../i18n/messages.ts';
import { BadRequest } from '../http/errors.ts';
import { failureView, handleForm } from '../http/form-handler.ts';
import { formValues, parseForm, versionField } from '../http/form.ts';
import { quarterLabel, quarterOf } from '../lib/quarters.ts';
import { DateTime } from 'luxon';
import { ZONE } from '../lib/clock.ts';
import type { Services } from '../services.ts';
import type { PoleRow } from './poles.service.ts';
import { FOUNDING_WAVES, archiveFormSchema, poleFormSchema } from './poles.schema.ts';
import { setFlash } from '../http/flash.ts';
import { baseOptions, parseBase } from '../dashboards/dashboards.schema.ts';
import { actor } from '../http/actor.ts';
import { formatDate, formatNumber } from '../lib/format.ts';
import { WindowNeedsConfirmation } from './reporting-window.ts';

const listQuery = z.object({
  q: z.string().max(200).optional(),
  region: z.string().max(3).optional(),
  etat: z.enum(['actifs', 'archives', 'tous']).optional(),
});

/** The count a confirmation page carried back, or null (first post, or anything else). */
function confirmedCount(body: unknown): number | null {
  const v = (body as Record<string, unknown> | undefined)?.confirm_leaving;
  return typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : null;
}

/**
 * Shows what a window change takes out of the figures and asks for confirmation (422: nothing was
 * written); the form carries the typed values again, with the count the staff member saw.
 */
function renderConfirmation(req: Request, res: Response, pole: PoleRow, err: WindowNeedsConfirmation, change: string, back: string) {
  const { count, from, to } = err.leaving;
  const range =
    from && to && quarterLabel(from) !== quarterLabel(to)
      ? t('poles.window.range', { from: quarterLabel(from), to: quarterLabel(to) })
      : quarterLabel(from!);
  const hidden = Object.entries(formValues(req.body))
    .filter(([k]) => k !== 'confirm_leaving')
    .flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({ name, value })));
  res.status(422).render('pages/poles/confirm-window', {
    title: t('poles.window.title'),
    nav: 'poles',
    pole,
    count,
    leavingText: t(count === 1 ? 'poles.window.leaving.1' : 'poles.window.leaving.n', { count: formatNumber(count), range }),
    changeText: change,
    hidden,
    action: req.originalUrl,
    back,
  });
}

/** Runs a window change; a WindowNeedsConfirmation shows the confirmation page instead of failing. */
async function orConfirm(run: () => Promise<void>, confirm: (err: WindowNeedsConfirmation) => void): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof WindowNeedsConfirmation)) throw err;
    confirm(err);
  }
}

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
  targetProgress,
  memberships,
  clock,
}: Pick<Services, 'poles' | 'reference' | 'dashboards' | 'targetProgress' | 'memberships' | 'clock'>) {
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
      const [details, dashboard, panel, groups] = await Promise.all([
        poles.details(pole),
        dashboards.pole(pole, base),
        targetProgress.pagePanel(pole, base),
        memberships.poleSummary(pole),
      ]);
      // The headline charts draw the pole's targets beside its quarters.
      const lines = await targetProgress.chartLines(
        pole,
        dashboard.charts.map((c) => c.code),
        dashboard.quarters.map((q) => q.label),
      );
      const charts = dashboard.charts.map((c) => {
        const line = lines.get(c.code);
        return line ? { ...c, chart: { ...c.chart, series: [...c.chart.series, { ...line, axis: 'left', role: 'target' }] } } : c;
      });
      res.render('pages/poles/show', {
        title: pole.name,
        ...details,
        dashboard: { ...dashboard, charts, isStaff: req.user!.role === 'staff', baseOptions: baseOptions(base) },
        firstReport: quarterLabel({ year: pole.first_report_year, quarter: pole.first_report_quarter }),
        canEdit: req.user!.role === 'staff',
        targets: panel,
        targetsEditHref: req.user!.role === 'staff' ? `/admin/poles/${pole.slug}/objectifs?annee=${panel.year}` : null,
        archiveValues: { archived_on: poles.today() },
        // The pole's groups (« Filière : réemploi (depuis 2024-T1) »), for everyone who sees the pole.
        groups,
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
      let first = '';
      await orConfirm(
        () =>
          handleForm(req, res, {
            parse: () => parseForm(poleFormSchema(clock.now().year), req.body),
            run: (form) => {
              first = quarterLabel(form.first_report);
              return poles.update(pole, form.version ?? -1, form, actor(req), confirmedCount(req.body));
            },
            rerender: (f) => renderForm(res, f.status, { mode: 'edit', pole, values, ...failureView(f) }),
            success: (slug) => ({ flash: t('poles.updated'), to: `/poles/${slug}` }),
          }),
        (err) =>
          renderConfirmation(req, res, pole, err, t('poles.window.firstReport', { quarter: first }), `/admin/poles/${pole.slug}/modifier`),
      );
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
      const { version, archived_on: archivedOn } = parsed.data;
      await orConfirm(
        async () => {
          await poles.setArchived(pole, version, archivedOn, actor(req), confirmedCount(req.body));
          setFlash(req, t('poles.archived'));
          res.redirect(303, `/poles/${pole.slug}`);
        },
        (err) => {
          const quarter = quarterLabel(quarterOf(DateTime.fromISO(archivedOn, { zone: ZONE })));
          const change = t('poles.window.archive', { date: formatDate(archivedOn), quarter });
          renderConfirmation(req, res, pole, err, change, `/poles/${pole.slug}`);
        },
      );
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
