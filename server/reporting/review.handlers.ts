import type { Request, Response } from 'express';
import { scopedPole } from '../http/access.ts';
import { blank, quarterParam } from '../http/query-params.ts';
import { z } from 'zod';
import { t, tDynamic } from '../i18n/messages.ts';
import { BadRequest, NotFound, StaleVersion, WrongState } from '../http/errors.ts';
import { handleForm, type FormFailure } from '../http/form-handler.ts';
import { quarterInPath } from '../http/params.ts';
import { versionField, type FormResult } from '../http/form.ts';
import { controlCharProblem, normaliseNewlines } from '../lib/text.ts';
import { addQuarters, lastClosedQuarter, quarterLabel, sameQuarter, type Quarter } from '../lib/quarters.ts';
import type { PoleRow } from '../poles/poles.service.ts';
import type { Services } from '../services.ts';
import { actor } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';

type Decision = 'validate' | 'return' | 'reopen' | 'exempt';

const REASON_MAX = 2000;
const STATUSES = ['submitted', 'draft', 'validated', 'returned', 'exempt'] as const;
const RECENT_QUARTERS = 12;

const regionParam = z.string().regex(/^\d{2,3}$/);
const queueQuery = z.object({
  statut: z.preprocess(blank, z.enum([...STATUSES, 'tous']).optional()),
  region: z.preprocess(blank, regionParam.optional()),
  periode: z.preprocess(blank, quarterParam.optional()),
});
const completenessQuery = z.object({
  periode: z.preprocess(blank, quarterParam.optional()),
  region: z.preprocess(blank, regionParam.optional()),
});
// The version is the server's own hidden field: anything but an integer the column holds is a forged form (400).
const decisionBody = z.object({
  version: versionField(),
  reason: z.string().optional(),
});

/** The decision's reason, normalised: required to return or reopen, bounded, without control characters. */
function readReason(kind: Decision, typed: string): FormResult<string> {
  const reason = normaliseNewlines(typed).trim();
  if (kind === 'validate' && reason === '') return { ok: true, data: reason };
  const error =
    kind !== 'validate' && reason === ''
      ? kind === 'exempt'
        ? t('review.exempt.required')
        : t(`review.reason.required.${kind}`)
      : reason.length > REASON_MAX
        ? t('review.reason.tooLong')
        : (controlCharProblem(reason) ?? undefined);
  return error ? { ok: false, errors: { reason: error } } : { ok: true, data: reason };
}

const paragraphs = (text: string | undefined) =>
  (text ?? '')
    .split(/\r?\n\s*/)
    .map((p) => p.trim())
    .filter(Boolean);

interface PageState {
  status?: number;
  alert?: string;
  reason?: string;
  reasonError?: string;
}

/** Staff review: the queue of quarters, the review page and its decisions, and completeness per quarter. */
export function createReviewHandlers({
  reporting,
  review,
  reference,
  clock,
  reminders,
  exemptions,
}: Pick<Services, 'reporting' | 'review' | 'reference' | 'clock' | 'reminders' | 'exemptions'>) {
  /** The pole and quarter named by the URL; 404 unless the pole reports that quarter. */
  async function target(req: Request): Promise<{ pole: PoleRow; q: Quarter }> {
    const pole = scopedPole(req);
    const q = quarterInPath(req);
    if (!q) throw new NotFound();
    reporting.assertReportable(pole, q);
    return { pole, q };
  }

  /** The last closed quarters, newest first, plus the chosen one when it is older. */
  function periodOptions(selected: Quarter | undefined) {
    const last = lastClosedQuarter(clock.now());
    const list = Array.from({ length: RECENT_QUARTERS }, (_, i) => addQuarters(last, -i));
    if (selected && !list.some((x) => sameQuarter(x, selected))) list.unshift(selected);
    return list.map((x) => ({ value: quarterLabel(x), label: quarterLabel(x), selected: Boolean(selected && sameQuarter(x, selected)) }));
  }

  async function regionOptions(selected: string | undefined) {
    const regions = await reference.regions();
    return regions.map((r) => ({ value: r.code, label: r.name, selected: r.code === selected }));
  }

  async function renderReview(req: Request, res: Response, pole: PoleRow, q: Quarter, state: PageState = {}) {
    const context = await reporting.context(pole, q);
    const [report, sheet, { history, sinceReturn }, region] = await Promise.all([
      reporting.report(pole, q),
      review.sheet(q, context),
      review.revisionsOf(pole, q),
      reference.region(pole.region_code),
    ]);
    const names = await review.displayNames([report?.submitted_by ?? null, report?.reviewed_by ?? null]);
    const period = quarterLabel(q);
    const status = report?.status;
    res.status(state.status ?? 200).render('pages/review/show', {
      title: t('review.title', { pole: pole.name, period }),
      nav: 'review',
      pole,
      period,
      base: `/admin/trimestres/${pole.slug}/${period}`,
      regionName: region?.name ?? pole.region_code,
      report,
      statusCode: status ?? 'todo',
      late: reporting.isLate(q, status),
      lateDays: report ? review.submittedLate(report, reporting) : 0,
      deadline: reporting.deadlineOf(q).toUTC().toISO(),
      submittedBy: report?.submitted_by ? names.get(report.submitted_by) : undefined,
      reviewedBy: report?.reviewed_by ? names.get(report.reviewed_by) : undefined,
      // A return's reason stays on the report when the pole submits again: it is then the previous one.
      returnReason: status === 'returned' ? report?.reason : null,
      previousReason: status === 'submitted' ? report?.reason : null,
      // Beside the return's reason: what the pole changed since (a resubmitted quarter).
      sinceReturn: status === 'submitted' ? sinceReturn : null,
      // Narrative paragraphs as the manager typed them (line breaks kept without any markup from the user).
      highlights: paragraphs(report?.highlights),
      difficulties: paragraphs(report?.difficulties),
      lines: sheet.lines,
      flagCount: sheet.flagCount,
      history,
      journalUrl: report ? `/admin/journal?objet=quarter_report&id=${report.id}` : null,
      canValidate: status === 'submitted',
      reasonForm: status === 'submitted' ? 'return' : status === 'validated' ? 'reopen' : null,
      // « Sans objet » says itself in its own card, with the reason and « Lever ».
      noDecision: status === 'draft' || status === 'returned' ? t(`review.noDecision.${status}`) : null,
      // « Sans objet »: declared on a quarter the pole has not submitted, lifted from the same place.
      canExempt: exemptions.canExempt(status),
      exemptReason: status === 'exempt' ? report?.reason : null,
      keepsDraft: status === 'draft' || status === 'returned',
      version: report?.version ?? 0,
      reason: state.reason ?? '',
      reasonError: state.reasonError,
      reasonErrors: state.reasonError ? { reason: state.reasonError } : undefined,
      alert: state.alert,
    });
  }

  /** A refused decision: its reason's message (422), or why the quarter's state forbids it (409), the reason kept. */
  function rerenderDecision(req: Request, res: Response, pole: PoleRow, q: Quarter, typed: string, f: FormFailure) {
    if (f.status === 422) return renderReview(req, res, pole, q, { status: 422, reason: typed, reasonError: f.errors.reason });
    const alert =
      f.conflict instanceof WrongState ? t('review.invalidState', { status: tDynamic('status', f.conflict.state) }) : t('review.conflict');
    return renderReview(req, res, pole, q, { status: 409, alert, reason: typed });
  }

  function decide(kind: Exclude<Decision, 'exempt'>) {
    return async (req: Request, res: Response) => {
      const { pole, q } = await target(req);
      const parsed = decisionBody.safeParse(req.body ?? {});
      if (!parsed.success) throw new BadRequest();
      const report = await reporting.report(pole, q);
      // The URL names a real quarter of the pole: nothing to decide on is a conflict with its state, not a 404.
      if (!report) return renderReview(req, res, pole, q, { status: 409, alert: t('review.nothingToDecide') });
      const typed = parsed.data.reason ?? '';
      await handleForm(req, res, {
        parse: () => readReason(kind, typed),
        run: async (reason) => {
          const outcome = await review.decide(report, kind, parsed.data.version, reason, actor(req));
          if (outcome === 'conflict') throw new StaleVersion();
          if (outcome === 'invalid_state') throw new WrongState(report.status);
        },
        rerender: (f) => rerenderDecision(req, res, pole, q, typed, f),
        success: () => ({ flash: t(`review.done.${kind}`, { pole: pole.name, period: quarterLabel(q) }), to: '/admin/trimestres' }),
      });
    };
  }

  /** Declares the quarter « sans objet » (with a reason), or lifts the declaration. */
  function exemption(kind: 'exempt' | 'lift') {
    return async (req: Request, res: Response) => {
      const { pole, q } = await target(req);
      const parsed = decisionBody.safeParse(req.body ?? {});
      if (!parsed.success) throw new BadRequest();
      const report = await reporting.report(pole, q);
      const typed = parsed.data.reason ?? '';
      await handleForm(req, res, {
        parse: () => (kind === 'exempt' ? readReason('exempt', typed) : { ok: true, data: '' }),
        run: async (reason) => {
          const outcome =
            kind === 'exempt'
              ? await exemptions.exempt(pole, q, report, parsed.data.version, reason, actor(req))
              : await exemptions.lift(pole, q, report, parsed.data.version, actor(req));
          if (outcome === 'conflict') throw new StaleVersion();
          if (outcome === 'invalid_state') throw new WrongState(report?.status ?? 'todo');
        },
        rerender: (f) => rerenderDecision(req, res, pole, q, typed, f),
        success: () => ({
          flash: t(kind === 'exempt' ? 'review.done.exempt' : 'review.done.unexempt', { pole: pole.name, period: quarterLabel(q) }),
          to: `/admin/trimestres/${pole.slug}/${quarterLabel(q)}`,
        }),
      });
    };
  }

  return {
    async queue(req: Request, res: Response) {
      const parsed = queueQuery.safeParse(req.query);
      if (!parsed.success) throw new BadRequest();
      const statut = parsed.data.statut ?? 'submitted';
      const filter = { status: statut === 'tous' ? undefined : statut, region: parsed.data.region, q: parsed.data.periode };
      const [result, regions] = await Promise.all([review.queue(filter, reporting), regionOptions(filter.region)]);
      res.render('pages/review/queue', {
        title: t('review.queue.title'),
        nav: 'review',
        rows: result.rows.map((r) => ({ ...r, period: quarterLabel(r), url: `/admin/trimestres/${r.pole_slug}/${quarterLabel(r)}` })),
        truncated: result.truncated,
        limit: result.limit,
        statusOptions: [...STATUSES, 'tous'].map((v) => ({
          value: v,
          label: v === 'tous' ? t('review.queue.all') : tDynamic('status', v),
          selected: v === statut,
        })),
        regionOptions: regions,
        periodOptions: periodOptions(filter.q),
      });
    },

    async show(req: Request, res: Response) {
      const { pole, q } = await target(req);
      await renderReview(req, res, pole, q);
    },

    validate: decide('validate'),
    returnReport: decide('return'),
    reopen: decide('reopen'),
    exempt: exemption('exempt'),
    liftExemption: exemption('lift'),

    async completeness(req: Request, res: Response) {
      const parsed = completenessQuery.safeParse(req.query);
      if (!parsed.success) throw new BadRequest();
      const q = parsed.data.periode ?? lastClosedQuarter(clock.now());
      const period = quarterLabel(q);
      const [data, regions] = await Promise.all([review.completeness(q, parsed.data.region, reporting), regionOptions(parsed.data.region)]);
      res.render('pages/review/completeness', {
        title: t('completeness.title', { period }),
        nav: 'completeness',
        period,
        deadline: data.deadline.toUTC().toISO(),
        poles: data.poles.map((p) => ({ ...p, statusCode: p.status ?? 'todo', url: `/admin/trimestres/${p.slug}/${period}` })),
        regions: data.regions,
        total: data.total,
        periodOptions: periodOptions(q),
        regionOptions: regions,
      });
    },

    /** « Relancer »: a reminder now to a late pole's managers, at most once a day per quarter. */
    async remind(req: Request, res: Response) {
      const { pole, q } = await target(req);
      const report = await reporting.report(pole, q);
      const back = `/admin/completude?periode=${quarterLabel(q)}`;
      if (!reporting.isLate(q, report?.status)) {
        setFlash(req, t('completeness.remind.notLate', { pole: pole.name, period: quarterLabel(q) }));
        return res.redirect(303, back);
      }
      const outcome = await reminders.remindNow(pole, q, actor(req));
      setFlash(
        req,
        t(outcome === 'sent' ? 'completeness.remind.sent' : 'completeness.remind.already', { pole: pole.name, period: quarterLabel(q) }),
      );
      res.redirect(303, back);
    },
  };
}
