import type { Request, Response } from 'express';
import { summaryFile, summaryPrintModel, type SummaryFormat } from '../exports/summary-files.ts';
import type { SummaryPeriod } from '../exports/summary.types.ts';
import { BadRequest, NotFound } from '../http/errors.ts';
import { failureView, handleForm } from '../http/form-handler.ts';
import { formValues, parseForm } from '../http/form.ts';
import { idParam, param, periodInPath } from '../http/params.ts';
import { t } from '../i18n/messages.ts';
import type { Services } from '../services.ts';
import { parsePeriod, periodLabel } from '../lib/quarters.ts';
import { publishablePeriods } from './publication-period.ts';
import { publishFormSchema, REASON_MAX } from './publications.schema.ts';
import { completenessRows, diffView, FILE_FORMATS, headView, nationalRows, versionHref } from './publications.view.ts';
import { actor } from '../http/actor.ts';

/** The :period and :version of a URL, or 404. */
function target(req: Request): { period: SummaryPeriod; version: number } {
  const period = periodInPath(req);
  const version = idParam(req, 'version');
  if (!period || version === undefined) throw new NotFound();
  return { period, version };
}

/** The title every rendering of a version carries (files, print page): period and version. */
const versionTitle = (period: SummaryPeriod, version: number) => t('publications.fileTitle', { period: periodLabel(period), version });

/** Publications: the list, each version, what changed, downloads (staff and funders); publishing (staff). */
export function createPublicationsHandlers({ publications, clock }: Pick<Services, 'publications' | 'clock'>) {
  async function renderForm(
    res: Response,
    status: number,
    view: { values: Record<string, unknown>; errors: Record<string, string>; conflict?: boolean },
  ) {
    const chosen = typeof view.values.periode === 'string' ? parsePeriod(view.values.periode) : null;
    const next = chosen ? await publications.nextVersion(chosen) : null;
    const previous = chosen && next && next > 1 ? headView(await publications.get(chosen, next - 1)) : null;
    // Changes not yet in the aggregates would not be in the publication: say so before it is frozen.
    const pending = await publications.pendingChanges();
    res.status(status).render('pages/publications/form', {
      title: t('publications.new'),
      nav: 'publications',
      periodOptions: publishablePeriods(clock.now()).map((p) => ({
        value: periodLabel(p),
        label: t(`publications.option.${p.kind}`, { period: periodLabel(p) }),
        selected: chosen !== null && periodLabel(p) === periodLabel(chosen),
      })),
      chosen: chosen && publications.isPublishable(chosen) ? periodLabel(chosen) : null,
      next,
      previous,
      reasonRequired: next !== null && next > 1,
      reasonMax: REASON_MAX,
      pending,
      ...view,
    });
  }

  return {
    async list(req: Request, res: Response) {
      const items = (await publications.list()).map(headView);
      res.render('pages/publications/list', {
        title: t('publications.title'),
        nav: 'publications',
        items,
        canPublish: req.user!.role === 'staff',
      });
    },

    async show(req: Request, res: Response) {
      const { period, version } = target(req);
      const pub = await publications.get(period, version);
      const all = await publications.versions(period);
      res.render('pages/publications/show', {
        title: t('publications.versionTitle', { period: periodLabel(period), version }),
        nav: 'publications',
        pub: headView(pub),
        base: t(`exports.base.${pub.summary.base}`),
        computedAt: pub.summary.computedAt,
        national: nationalRows(pub.summary),
        completeness: completenessRows(pub.summary),
        versions: all.map((p) => ({ ...headView(p), current: p.version === version })),
        latest: all.length > 0 && all[0].version === version,
        canPublish: req.user!.role === 'staff',
      });
    },

    async changes(req: Request, res: Response) {
      const { period, version } = target(req);
      const { current, previous, diff } = await publications.changes(period, version);
      res.render('pages/publications/changes', {
        title: t('publications.changesTitle', { period: periodLabel(period), version, previous: version - 1 }),
        nav: 'publications',
        pub: headView(current),
        previous: headView(previous),
        ...diffView(diff, previous.summary, current.summary),
      });
    },

    async download(req: Request, res: Response) {
      const { period, version } = target(req);
      const format = param(req, 'format');
      if (!format || !(FILE_FORMATS as readonly string[]).includes(format)) throw new NotFound();
      const pub = await publications.get(period, version);
      const file = await summaryFile(pub.summary, format as SummaryFormat, { title: versionTitle(period, version), version });
      res.setHeader('Content-Type', file.contentType);
      res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(file.body);
    },

    async print(req: Request, res: Response) {
      const { period, version } = target(req);
      const pub = await publications.get(period, version);
      res.render('pages/exports/summary-print', {
        ...summaryPrintModel(pub.summary, { title: versionTitle(period, version) }),
        backHref: versionHref(pub),
      });
    },

    async showNew(req: Request, res: Response) {
      const raw = req.query.periode;
      if (raw !== undefined && typeof raw !== 'string') throw new BadRequest();
      const values: Record<string, unknown> = { periode: raw ?? '' };
      const errors: Record<string, string> = {};
      if (raw) {
        const p = parsePeriod(raw);
        if (!p) errors.periode = t('publications.badPeriod');
        else if (!publications.isPublishable(p)) errors.periode = t('publications.notEnded');
      }
      await renderForm(res, Object.keys(errors).length ? 422 : 200, { values, errors });
    },

    async publish(req: Request, res: Response) {
      const values = formValues(req.body);
      await handleForm(req, res, {
        parse: () => parseForm(publishFormSchema, req.body),
        run: (form) => publications.publish(form, actor(req)),
        rerender: (f) => renderForm(res, f.status, { values, ...failureView(f) }),
        success: ({ period, version }) => ({
          flash: t('publications.published', { period: periodLabel(period), version }),
          to: versionHref({ period, version }),
        }),
      });
    },
  };
}
