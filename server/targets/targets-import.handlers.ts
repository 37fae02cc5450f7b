import type { Request, Response } from 'express';
import { z } from 'zod';
import { actor } from '../http/actor.ts';
import { BadRequest, NotFound } from '../http/errors.ts';
import { setFlash, takeFlash } from '../http/flash.ts';
import { param, readInteger } from '../http/params.ts';
import { blank } from '../http/query-params.ts';
import { QUARTER_MAX_BYTES, megabytes, receiveFile } from '../http/upload.ts';
import { t, tDynamic } from '../i18n/messages.ts';
import { readSpreadsheet } from '../imports/import-files.ts';
import { importSlots } from '../imports/import-slots.ts';
import { MIME } from '../imports/import-templates.ts';
import { batchPreview, plural } from '../imports/import-preview-view.ts';
import type { Services } from '../services.ts';
import { readTargetRows } from './targets-import-rows.ts';
import { targetsCsv, targetsXlsx } from './targets-import-templates.ts';
import type { BatchRow, TargetsConfirmOutcome } from './targets-import.service.ts';
import { targetYears } from './target-rules.ts';

const BASE = '/admin/objectifs/import';
// A targets file has one row per pole and indicator: 2,000 poles × 10 indicators, with room.
const LIMITS = { maxRows: 50_000, maxInflated: 32 * 1024 * 1024 };

/** Staff import targets from a spreadsheet: template, upload, dry-run preview, confirm (all or nothing). */
export function createTargetsImportHandlers({ targetsImport, clock }: Pick<Services, 'targetsImport' | 'clock'>) {
  /** The year a template is for: `annee`, next year by default, within the years a target may be set for. */
  function templateYear(req: Request): number {
    const parsed = z
      .object({ annee: z.preprocess(blank, z.coerce.number().int().optional()) })
      .passthrough()
      .safeParse(req.query);
    if (!parsed.success) throw new BadRequest();
    const { min, max, current } = targetYears(clock);
    const year = parsed.data.annee ?? current + 1;
    if (year < min || year > max) throw new NotFound();
    return year;
  }

  function renderUpload(req: Request, res: Response, status: number, error?: string) {
    const { current } = targetYears(clock);
    res.status(status).render('pages/targets/import', {
      title: t('targets.import.title'),
      nav: 'import',
      action: `${BASE}?_csrf=${encodeURIComponent((res.locals.csrfToken as () => string)())}`,
      templates: [current + 1, current].map((year) => ({
        year,
        csv: `${BASE}/modele/csv?annee=${year}`,
        xlsx: `${BASE}/modele/xlsx?annee=${year}`,
      })),
      maxSize: megabytes(QUARTER_MAX_BYTES),
      error,
    });
  }

  function renderPreview(req: Request, res: Response, status: number, batch: BatchRow, notice?: string) {
    res.status(status).render('pages/imports/preview', {
      title: t('targets.import.previewTitle'),
      nav: 'import',
      long: true,
      whereHeading: t('targets.import.where'),
      oldHeading: t('targets.import.old'),
      newHeading: t('targets.import.new'),
      nothingText: t('targets.import.nothing'),
      confirmHint: t('targets.import.confirmHint'),
      subtitle: t('targets.import.subtitle'),
      ...batchPreview(batch),
      confirmAction: `${BASE}/${batch.id}/confirmer`,
      again: BASE,
      back: BASE,
      notice: notice ?? takeFlash(req),
    });
  }

  const batchOf = (req: Request) => targetsImport.findBatch(req.user!.id, readInteger(param(req, 'batchId') ?? '') ?? 0);

  return {
    async template(req: Request, res: Response) {
      const format = param(req, 'format');
      if (format !== 'csv' && format !== 'xlsx') throw new NotFound();
      const year = templateYear(req);
      const rows = await targetsImport.templateRows(req.user!, year);
      res.setHeader('Content-Type', MIME[format]);
      res.setHeader('Content-Disposition', `attachment; filename="ptce-objectifs-${year}.${format}"`);
      res.send(format === 'csv' ? targetsCsv(rows) : await targetsXlsx(rows, year));
    },

    async showUpload(req: Request, res: Response) {
      renderUpload(req, res, 200);
    },

    async upload(req: Request, res: Response) {
      // One import per user and a few per process, as for values: reading a file keeps a core busy.
      const slot = importSlots.acquire(req.user!.id);
      if (!slot.ok) return renderUpload(req, res, 429, t(`import.busy.${slot.reason}`));
      try {
        const upload = await receiveFile(req, res, QUARTER_MAX_BYTES);
        if (!upload.ok) return renderUpload(req, res, upload.status, upload.error);
        const sheet = await readSpreadsheet(upload.buffer, upload.filename, LIMITS);
        if (!sheet.ok) return renderUpload(req, res, sheet.status ?? 422, sheet.error);
        const read = readTargetRows(sheet.rows, sheet.format);
        if (!read.ok) return renderUpload(req, res, 422, read.error);
        const id = await targetsImport.preview(req.user!.id, { filename: upload.filename, ...read });
        res.redirect(303, `${BASE}/${id}`);
      } finally {
        slot.release();
      }
    },

    async showBatch(req: Request, res: Response) {
      renderPreview(req, res, 200, await batchOf(req));
    },

    async confirm(req: Request, res: Response) {
      const batch = await batchOf(req);
      const outcome: TargetsConfirmOutcome = await targetsImport.confirm(batch, actor(req));
      if (outcome.kind === 'applied') {
        setFlash(req, t('targets.import.applied', { changes: plural(outcome.changes, t('import.word.change'), t('import.word.changes')) }));
        return res.redirect(303, `${BASE}/${batch.id}`);
      }
      const fresh = await targetsImport.findBatch(req.user!.id, batch.id);
      const notice =
        outcome.kind === 'closed'
          ? tDynamic('import.closed', outcome.status)
          : outcome.kind === 'conflict'
            ? t('targets.import.conflict')
            : outcome.kind === 'changed'
              ? t('targets.import.changed')
              : t('import.problems');
      renderPreview(req, res, 409, fresh, notice);
    },
  };
}
