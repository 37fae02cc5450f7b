import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { t, tDynamic } from '../i18n/messages.ts';
import { BadRequest } from '../http/errors.ts';
import { setFlash } from '../http/flash.ts';
import { formatDate } from '../lib/format.ts';
import type { Services } from '../services.ts';
import { JOB_NAMES, type JobName } from './job-definitions.ts';
import { cronInWords } from './cron-words.ts';

const runForm = z.object({ tache: z.enum(JOB_NAMES as [JobName, ...JobName[]]) });

function duration(start: string, end: string | null): string {
  if (!end) return '';
  const ms = DateTime.fromISO(end).toMillis() - DateTime.fromISO(start).toMillis();
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s`;
}

/** « Tâches planifiées »: next runs, history with durations and errors, « Recalculer maintenant », progress. */
export function createJobsHandlers({ scheduler, jobHistory }: Pick<Services, 'scheduler' | 'jobHistory'>) {
  return {
    async list(req: Request, res: Response) {
      const [runs, freshness] = await Promise.all([jobHistory.runs(50), jobHistory.freshness()]);
      const running = runs.filter((r) => r.status === 'running');
      res.render('pages/jobs/list', {
        title: t('jobs.title'),
        nav: 'jobs',
        jobs: scheduler.jobs.map((j) => {
          const next = scheduler.nextRun(j.name);
          return {
            name: j.name,
            label: t(`jobs.${j.name}`),
            cron: j.cron,
            schedule: cronInWords(j.cron),
            next: next ? formatDate(DateTime.fromJSDate(next), true) : null,
            // Running here, or on another instance (its run is recorded as running in the history).
            running: scheduler.isRunning(j.name) || running.some((r) => r.job === j.name),
          };
        }),
        running: running.map((r) => {
          const m = /^(\d+)\/(\d+)$/.exec(r.progress ?? '');
          return { ...r, done: m ? Number(m[1]) : null, max: m ? Number(m[2]) : null };
        }),
        // While a run is in progress the page reloads itself (no script needed).
        autoRefresh: running.length > 0,
        freshness: {
          generation: freshness.generation,
          computedAt: freshness.refreshedAt ? formatDate(freshness.refreshedAt, true) : null,
          rebuiltAt: freshness.rebuiltAt ? formatDate(freshness.rebuiltAt, true) : null,
          pending: freshness.pending,
        },
        runs: runs.map((r) => ({
          ...r,
          label: tDynamic('jobs', r.job),
          statusLabel: t(`jobs.status.${r.status}`),
          duration: duration(r.started_at, r.finished_at),
        })),
      });
    },

    async runNow(req: Request, res: Response) {
      const parsed = runForm.safeParse(req.body ?? {});
      if (!parsed.success) throw new BadRequest();
      const name: JobName = parsed.data.tache;
      if (scheduler.isRunning(name)) setFlash(req, t('jobs.alreadyRunning'));
      else if (scheduler.isBlocked(name)) setFlash(req, t('jobs.blocked'));
      else {
        scheduler.runInBackground(name);
        setFlash(req, t('jobs.started'));
      }
      res.redirect(303, '/admin/taches');
    },
  };
}
