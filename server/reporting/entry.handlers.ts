import type { Request, Response } from 'express';
import { scopedPole } from '../http/access.ts';
import { t, tDynamic, tn } from '../i18n/messages.ts';
import { takePendingForm } from '../http/authenticate.ts';
import { NotFound } from '../http/errors.ts';
import { setFlash, takeFlash } from '../http/flash.ts';
import { quarterInPath } from '../http/params.ts';
import { formatDate, formatScaled } from '../lib/format.ts';
import { quarterLabel, quarterLastDay, type Quarter } from '../lib/quarters.ts';
import type { PoleRow } from '../poles/poles.service.ts';
import type { Services } from '../services.ts';
import { buildEntryView, errorLinks } from './entry-view.ts';
import { field, lineKey } from './entry-rules.ts';
import type { ReportRow, ValueRow } from './reporting.service.ts';
import { actor } from '../http/actor.ts';

/** The manager's quarterly form: show, save a draft, submit, and each value's history. */
export function createEntryHandlers({ reporting }: Pick<Services, 'reporting'>) {
  async function target(req: Request): Promise<{ pole: PoleRow; q: Quarter; base: string }> {
    const pole = scopedPole(req);
    const q = quarterInPath(req);
    if (!q) throw new NotFound();
    reporting.assertReportable(pole, q);
    return { pole, q, base: `/mon-pole/${pole.slug}/trimestres/${quarterLabel(q)}` };
  }

  async function render(
    req: Request,
    res: Response,
    status: number,
    pole: PoleRow,
    q: Quarter,
    opts: { body?: Record<string, unknown>; errors?: Record<string, string>; warnings?: Record<string, string>; notice?: string } = {},
  ) {
    const base = `/mon-pole/${pole.slug}/trimestres/${quarterLabel(q)}`;
    const [{ ctx, rows, previousRows, lastYear }, report] = await Promise.all([reporting.context(pole, q), reporting.report(pole, q)]);
    const editable = report === undefined || report.status === 'draft' || report.status === 'returned';
    // Typed values re-shown after a refusal carry their own warnings; otherwise the stored draft's.
    const warnings = opts.body ? (opts.warnings ?? {}) : reporting.draftWarnings(ctx, report);
    const groups = buildEntryView({
      ctx,
      rows,
      previousRows,
      lastYear,
      body: opts.body,
      errors: opts.errors,
      warnings,
      historyBase: `${base}/historique`,
      registerDate: formatDate(quarterLastDay(q)),
    });
    const body = opts.body as Record<string, string> | undefined;
    res.status(status).render('pages/reporting/entry', {
      title: t('entry.title', { period: quarterLabel(q) }),
      nav: 'my-pole',
      pole,
      period: quarterLabel(q),
      action: base,
      report,
      editable,
      exempt: report?.status === 'exempt',
      groups,
      errors: opts.errors ?? {},
      errorList: opts.errors ? errorLinks(ctx, opts.errors) : [],
      warningList: errorLinks(ctx, warnings),
      highlights: body?.highlights ?? report?.highlights ?? '',
      difficulties: body?.difficulties ?? report?.difficulties ?? '',
      version: report?.version ?? 0,
      formToken: reporting.newFormToken(),
      deadline: formatDate(reporting.deadlineOf(q)),
      submittedOn: report?.submitted_at ? formatDate(report.submitted_at) : '',
      // Typed values shown back (refused, or restored after a session expired) are not stored yet.
      unsaved: opts.body !== undefined,
      notice: opts.notice ?? takeFlash(req),
    });
  }

  return {
    async show(req: Request, res: Response) {
      const { pole, q, base } = await target(req);
      const restored = takePendingForm(req, base);
      if (restored) return render(req, res, 200, pole, q, { body: restored, notice: t('entry.restored') });
      await render(req, res, 200, pole, q);
    },

    async save(req: Request, res: Response) {
      const { pole, q, base } = await target(req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const submit = body.action === 'soumettre';
      const outcome = await reporting.save(pole, q, body, submit, actor(req));
      switch (outcome.kind) {
        case 'saved':
          setFlash(req, savedMessage(outcome.status, outcome.warnings ?? 0));
          return res.redirect(303, outcome.status === 'submitted' ? `/mon-pole/${pole.slug}` : base);
        case 'invalid':
          return render(req, res, 422, pole, q, { body, errors: outcome.errors, warnings: outcome.warnings });
        case 'locked':
          return render(req, res, 409, pole, q, { notice: t('entry.locked') });
        case 'conflict':
          return renderConflict(res, pole, q, body, outcome.report, outcome.stored, base);
      }
    },

    async history(req: Request, res: Response) {
      const { pole, q, base } = await target(req);
      const code = typeof req.query.indicateur === 'string' ? req.query.indicateur : '';
      const { indicator, revisions } = await reporting.history(pole, q, code);
      const show = (v: number | null, na: boolean | null) =>
        na ? t('entry.notAvailable').toLowerCase() : v === null ? '—' : formatScaled(v, indicator.decimals);
      res.render('pages/reporting/history', {
        title: t('history.title', { indicator: indicator.label_fr }),
        nav: 'my-pole',
        pole,
        period: quarterLabel(q),
        back: base,
        revisions: revisions.map((r) => ({
          when: r.created_at,
          who: r.actor_name,
          action: tDynamic('action', r.action),
          category: r.category,
          old: show(r.old_value_scaled, r.old_not_available),
          new: show(r.new_value_scaled, r.new_not_available),
          why: r.new_not_available ? r.new_na_reason : r.new_comment,
        })),
      });
    },
  };

  function savedMessage(status: string, warnings: number): string {
    if (status === 'submitted') return t('entry.submitted');
    return warnings ? tn('entry.savedWithWarnings', warnings) : t('entry.saved');
  }

  /** 409: the stored values beside the user's own; nothing was written. */
  async function renderConflict(
    res: Response,
    pole: PoleRow,
    q: Quarter,
    body: Record<string, unknown>,
    report: ReportRow | undefined,
    stored: ValueRow[],
    base: string,
  ) {
    const { ctx } = await reporting.context(pole, q);
    const byKey = new Map(stored.map((v) => [`${v.indicator_id}.${v.category}`, v]));
    const rows = ctx.indicators.flatMap((ind) =>
      [{ code: '', label: ind.label }, ...ind.categories.map((c) => ({ code: c.code, label: `${ind.label} — ${c.label}` }))].map((line) => {
        const v = byKey.get(`${ind.id}.${line.code}`);
        const mine = body[field.value(ind.code, line.code)];
        return {
          label: line.label,
          stored: v ? (v.not_available ? t('entry.notAvailable') : formatScaled(v.value_scaled, ind.decimals)) : '—',
          yours:
            line.code === '' && body[field.na(ind.code)] ? t('entry.notAvailable') : typeof mine === 'string' && mine.trim() ? mine : '—',
          key: lineKey(ind.code, line.code),
        };
      }),
    );
    res.status(409).render('pages/reporting/conflict', {
      title: t('conflict.title'),
      nav: 'my-pole',
      pole,
      period: quarterLabel(q),
      rows: rows.map((r) => ({ ...r, differs: r.stored !== r.yours })),
      storedStatus: report ? t(`status.${report.status}`) : '',
      back: base,
    });
  }
}
