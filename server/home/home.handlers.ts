import type { Request, Response } from 'express';
import { scopedPole } from '../http/access.ts';
import { t, tDynamic } from '../i18n/messages.ts';
import { lastClosedQuarter, quarterLabel } from '../lib/quarters.ts';
import { formatDate } from '../lib/format.ts';
import type { Services } from '../services.ts';
import { isManualStep } from '../notices/reminder-steps.ts';
import type { PoleRow } from '../poles/poles.service.ts';

const WORK_ROWS = 10;

/** Landing pages: each role lands where its work is. */
export function createHomeHandlers({
  home,
  funderHome,
  poles,
  reporting,
  notices,
  review,
  outbox,
  jobHistory,
  audit,
  passwordHelp,
  targetProgress,
  clock,
}: Pick<
  Services,
  | 'home'
  | 'funderHome'
  | 'poles'
  | 'reporting'
  | 'notices'
  | 'review'
  | 'outbox'
  | 'jobHistory'
  | 'audit'
  | 'passwordHelp'
  | 'targetProgress'
  | 'clock'
>) {
  async function renderPole(req: Request, res: Response, pole: PoleRow) {
    const [details, mine, quarters, poleNotices, panel] = await Promise.all([
      poles.details(pole),
      home.polesInScope(req.user!),
      reporting.quarters(pole),
      notices.forPole(pole.id),
      targetProgress.pagePanel(pole, 'validated'),
    ]);
    res.render('pages/home/my-pole', {
      title: t('home.manager.title'),
      nav: 'my-pole',
      ...details,
      firstReport: quarterLabel({ year: pole.first_report_year, quarter: pole.first_report_quarter }),
      // Its targets and progress; next year's may be proposed to staff.
      targets: panel,
      proposeHref: `/mon-pole/${pole.slug}/objectifs`,
      proposeYear: clock.now().setZone('Europe/Paris').year + 1,
      quarters: quarters.map((x) => ({
        period: quarterLabel(x.q),
        status: x.status ?? 'todo',
        late: x.late,
        deadline: formatDate(x.deadline),
        reason: x.status === 'returned' ? x.report?.reason : null,
        exemptReason: x.status === 'exempt' ? x.report?.reason : null,
        editable: x.editable,
      })),
      // Decisions on its quarters and reminders of its deadlines, newest first.
      notices: poleNotices.map((n) => ({
        kind: n.kind,
        style: isManualStep(n.step) ? 'manual' : (n.step ?? n.kind),
        period: quarterLabel(n),
        label:
          n.kind === 'reminder'
            ? `${t('notices.kind.reminder')} : ${tDynamic('notices.step', isManualStep(n.step) ? 'manual' : n.step)}`
            : t(`notices.kind.${n.kind}`),
        reason: n.reason,
        actor: n.actor_name,
        at: n.created_at,
      })),
      switcher: mine.length > 1 ? mine.map((p) => ({ slug: p.slug, name: p.name, current: p.id === pole.id })) : null,
    });
  }

  return {
    async home(req: Request, res: Response) {
      const user = req.user!;
      if (user.role === 'manager') return res.redirect(303, '/mon-pole');
      if (user.role === 'staff') return res.redirect(303, '/admin');
      // One card per region: its latest consolidated figures, its poles late or returned, all its poles.
      const page = await funderHome.regions(user);
      res.render('pages/home/funder', {
        title: t('home.funder.title'),
        nav: 'home',
        national: user.regionCodes.length === 0,
        regionNames: page.regions.map((r) => r.name).join(', '),
        ...page,
        deadline: formatDate(page.deadline),
        attentionCount: page.regions.reduce((n, r) => n + r.attention.length, 0),
        withoutPoles: page.withoutPoles.join(', '),
      });
    },

    async myPole(req: Request, res: Response) {
      const mine = await home.polesInScope(req.user!);
      if (mine.length === 0) return res.render('pages/home/no-pole', { title: t('home.manager.title'), nav: 'my-pole' });
      await renderPole(req, res, mine[0]);
    },

    async myPoleShow(req: Request, res: Response) {
      await renderPole(req, res, scopedPole(req));
    },

    // The staff home starts from the work: what waits for review, who is late, what failed; then the counts.
    async adminHome(req: Request, res: Response) {
      const q = lastClosedQuarter(clock.now());
      const [active, summary, recent, waiting, quarter, mail, runs, resets] = await Promise.all([
        poles.search({ archived: 'actifs' }),
        home.staffSummary(),
        audit.list({ limit: 10 }),
        review.queue({ status: 'submitted' }, reporting),
        review.completeness(q, undefined, reporting),
        outbox.counts(),
        jobHistory.latestFailures(),
        passwordHelp.pending(),
      ]);
      const late = quarter.poles.filter((p) => p.late);
      res.render('pages/home/admin', {
        title: t('home.staff.title'),
        nav: 'home',
        poleCount: active.length,
        ...summary,
        recent,
        waiting: waiting.rows.slice(0, WORK_ROWS).map((r) => ({
          pole: r.pole_name,
          period: quarterLabel(r),
          url: `/admin/trimestres/${r.pole_slug}/${quarterLabel(r)}`,
          submittedAt: r.submitted_at,
          lateDays: r.lateDays,
        })),
        waitingCount: waiting.rows.length,
        waitingMore: waiting.truncated,
        period: quarterLabel(q),
        late: late
          .slice(0, WORK_ROWS)
          .map((p) => ({ name: p.name, region: p.region_name, url: `/poles/${p.slug}`, status: p.status ?? 'todo' })),
        lateCount: late.length,
        mailFailed: mail.failed,
        mailWaiting: mail.queued + mail.sending,
        resetRequests: resets.map((r) => ({
          name: r.display_name,
          email: r.email,
          at: r.created_at,
          url: `/admin/utilisateurs/${r.user_id}/modifier`,
        })),
        failedJobs: runs.map((r) => ({ label: tDynamic('jobs', r.job), at: r.started_at, error: r.error })),
      });
    },
  };
}
