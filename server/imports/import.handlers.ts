import type { Request, Response } from 'express';
import { scopedPole } from '../http/access.ts';
import { t, tDynamic } from '../i18n/messages.ts';
import { NotFound } from '../http/errors.ts';
import { setFlash, takeFlash } from '../http/flash.ts';
import { param, quarterInPath, readInteger } from '../http/params.ts';
import { quarterLabel, type Quarter } from '../lib/quarters.ts';
import type { PoleRow } from '../poles/poles.service.ts';
import type { Services } from '../services.ts';
import type { BatchRow } from './imports.service.ts';
import type { ConfirmOutcome } from './imports.service.ts';
import { parseSpreadsheet } from './import-parse.ts';
import { batchPreview, plural } from './import-preview-view.ts';
import type { ImportKind } from './import-rows.ts';
import { importSlots } from './import-slots.ts';
import { MIME, longCsv, longXlsx, quarterCsv, quarterXlsx } from './import-templates.ts';
import { LONG_MAX_BYTES, QUARTER_MAX_BYTES, megabytes, receiveFile } from '../http/upload.ts';
import { actor } from '../http/actor.ts';

const STATUSES = { brouillon: 'draft', valide: 'validated' } as const;

interface QuarterTarget {
  pole: PoleRow;
  q: Quarter;
  period: string;
  staff: boolean;
  /** The import pages' base: /mon-pole/… for managers, /admin/poles/… for staff. */
  base: string;
  /** Where the quarter is read or entered. */
  back: string;
}

/** Spreadsheet import: templates, upload, preview, confirm; per quarter (managers, staff) and long format (staff). */
export function createImportHandlers({ imports, reporting, poles }: Pick<Services, 'imports' | 'reporting' | 'poles'>) {
  async function target(req: Request): Promise<QuarterTarget> {
    const pole = scopedPole(req);
    const q = quarterInPath(req);
    if (!q) throw new NotFound();
    const period = quarterLabel(q);
    reporting.assertReportable(pole, q);
    const staff = req.originalUrl.startsWith('/admin/');
    const base = `${staff ? '/admin/poles' : '/mon-pole'}/${pole.slug}/trimestres/${period}`;
    return { pole, q, period, staff, base, back: staff ? `/admin/trimestres/${pole.slug}/${period}` : base };
  }

  /** The upload form posts its token in the URL: its multipart body is read after the CSRF check. */
  function uploadAction(res: Response, path: string): string {
    return `${path}?_csrf=${encodeURIComponent((res.locals.csrfToken as () => string)())}`;
  }

  function batchId(req: Request): number {
    const raw = param(req, 'batchId') ?? (typeof req.query.lot === 'string' ? req.query.lot : '');
    return readInteger(raw) ?? 0;
  }

  /** A quarter batch of this user for this very pole and quarter, else 404. */
  async function quarterBatch(req: Request, tg: QuarterTarget): Promise<BatchRow> {
    const batch = await imports.findBatch(req.user!.id, batchId(req));
    if (batch.kind !== 'quarter' || batch.pole_id !== tg.pole.id || batch.year !== tg.q.year || batch.quarter !== tg.q.quarter)
      throw new NotFound();
    return batch;
  }

  async function renderQuarterUpload(req: Request, res: Response, status: number, tg: QuarterTarget, error?: string) {
    const report = await reporting.report(tg.pole, tg.q);
    res.status(status).render('pages/imports/upload', {
      title: t('import.quarter.title', { period: tg.period }),
      nav: tg.staff ? 'poles' : 'my-pole',
      pole: tg.pole,
      subtitle: `${tg.pole.name} · ${tg.period}`,
      action: uploadAction(res, `${tg.base}/import`),
      templateCsv: `${tg.base}/modele/csv`,
      templateXlsx: `${tg.base}/modele/xlsx`,
      back: tg.back,
      maxSize: megabytes(QUARTER_MAX_BYTES),
      locked:
        report && (report.status === 'submitted' || report.status === 'validated')
          ? t('import.lockedNotice', { status: t(`status.${report.status}`).toLowerCase() })
          : '',
      error,
    });
  }

  async function renderLongUpload(req: Request, res: Response, status: number, error?: string, statusChoice = 'valide') {
    res.status(status).render('pages/imports/upload', {
      title: t('import.long.title'),
      nav: 'import',
      long: true,
      action: uploadAction(res, '/admin/import'),
      templateCsv: '/admin/import/modele/csv',
      templateXlsx: '/admin/import/modele/xlsx',
      maxSize: megabytes(LONG_MAX_BYTES),
      statusOptions: Object.keys(STATUSES).map((value) => ({
        value,
        label: tDynamic('import.long.status', value),
        selected: value === statusChoice,
      })),
      error,
    });
  }

  async function renderPreview(req: Request, res: Response, status: number, batch: BatchRow, notice?: string) {
    let pole: PoleRow | undefined;
    let base = '';
    let back = '/admin/import';
    if (batch.kind === 'quarter') {
      pole = await poles.findById(batch.pole_id!);
      const period = quarterLabel({ year: batch.year!, quarter: batch.quarter! });
      const staff = req.originalUrl.startsWith('/admin/');
      base = `${staff ? '/admin/poles' : '/mon-pole'}/${pole!.slug}/trimestres/${period}`;
      back = staff ? `/admin/trimestres/${pole!.slug}/${period}` : base;
    }
    const confirmAction = batch.kind === 'quarter' ? `${base}/import/${batch.id}/confirmer` : `/admin/import/${batch.id}/confirmer`;
    res.status(status).render('pages/imports/preview', {
      title: t('import.preview.title'),
      nav: batch.kind === 'long' ? 'import' : req.user!.role === 'staff' ? 'poles' : 'my-pole',
      long: batch.kind === 'long',
      subtitle: pole
        ? `${pole.name} · ${quarterLabel({ year: batch.year!, quarter: batch.quarter! })}`
        : t(`import.long.status.${batch.import_status === 'validated' ? 'valide' : 'brouillon'}Summary`),
      ...batchPreview(batch),
      confirmAction,
      again: batch.kind === 'quarter' ? `${base}/import` : '/admin/import',
      back,
      notice: notice ?? takeFlash(req),
    });
  }

  /** After a confirm: where to go, or the preview again with why nothing was written (409). */
  async function afterConfirm(req: Request, res: Response, batch: BatchRow, outcome: ConfirmOutcome, done: string) {
    if (outcome.kind === 'applied') {
      setFlash(
        req,
        outcome.changes
          ? t('import.applied', { changes: plural(outcome.changes, t('import.word.change'), t('import.word.changes')) })
          : t('import.appliedNothing'),
      );
      return res.redirect(303, done);
    }
    const fresh = await imports.findBatch(req.user!.id, batch.id);
    const notice = outcome.kind === 'closed' ? tDynamic('import.closed', outcome.status) : t(`import.${outcome.kind}`);
    return renderPreview(req, res, 409, fresh, notice);
  }

  /** Reads an upload into rows; on failure, the reason for the upload page. */
  async function parseUpload(req: Request, res: Response, kind: ImportKind, maxBytes: number) {
    const upload = await receiveFile(req, res, maxBytes);
    if (!upload.ok) return upload;
    const read = await parseSpreadsheet(upload.buffer, upload.filename, kind);
    if (!read.ok) return { ok: false as const, status: 'status' in read ? read.status : 422, error: read.error };
    return { ok: true as const, fields: upload.fields, file: { filename: upload.filename, ...read } };
  }

  /**
   * Runs one import (receive, read, judge) in a slot: one per user, a few per process; 429 on the upload
   * page otherwise. The slot is taken before the body is read and released however the import ends.
   */
  async function inSlot(req: Request, refuse: (error: string) => Promise<void>, run: () => Promise<void>) {
    const slot = importSlots.acquire(req.user!.id);
    if (!slot.ok) return refuse(t(`import.busy.${slot.reason}`));
    try {
      await run();
    } finally {
      slot.release();
    }
  }

  function sendFile(res: Response, format: string, name: string, body: string | Buffer) {
    res.setHeader('Content-Type', MIME[format as 'csv' | 'xlsx']);
    res.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
    res.send(body);
  }

  return {
    async template(req: Request, res: Response) {
      const tg = await target(req);
      const format = param(req, 'format');
      if (format !== 'csv' && format !== 'xlsx') throw new NotFound();
      const rows = await imports.templateRows(tg.pole, tg.q);
      const body = format === 'csv' ? quarterCsv(rows) : await quarterXlsx(rows, `${tg.pole.name} · ${tg.period}`);
      sendFile(res, format, `ptce-modele-${tg.pole.slug}-${tg.period}`, body);
    },

    async showUpload(req: Request, res: Response) {
      const tg = await target(req);
      if (req.query.lot !== undefined) return renderPreview(req, res, 200, await quarterBatch(req, tg));
      await renderQuarterUpload(req, res, 200, tg);
    },

    async upload(req: Request, res: Response) {
      const tg = await target(req);
      await inSlot(
        req,
        (error) => renderQuarterUpload(req, res, 429, tg, error),
        async () => {
          const parsed = await parseUpload(req, res, 'quarter', QUARTER_MAX_BYTES);
          if (!parsed.ok) return renderQuarterUpload(req, res, parsed.status, tg, parsed.error);
          const id = await imports.previewQuarter(req.user!.id, tg.pole, tg.q, parsed.file);
          res.redirect(303, `${tg.base}/import?lot=${id}`);
        },
      );
    },

    async confirm(req: Request, res: Response) {
      const tg = await target(req);
      const batch = await quarterBatch(req, tg);
      const outcome = await imports.confirm(batch, actor(req));
      await afterConfirm(req, res, batch, outcome, tg.staff ? `/admin/import/${batch.id}` : tg.base);
    },

    async longTemplate(req: Request, res: Response) {
      const format = param(req, 'format');
      if (format !== 'csv' && format !== 'xlsx') throw new NotFound();
      const body = format === 'csv' ? longCsv() : await longXlsx(await imports.longReference(req.user!));
      sendFile(res, format, 'ptce-modele-import', body);
    },

    async showLongUpload(req: Request, res: Response) {
      await renderLongUpload(req, res, 200);
    },

    async longUpload(req: Request, res: Response) {
      await inSlot(
        req,
        (error) => renderLongUpload(req, res, 429, error),
        async () => {
          const parsed = await parseUpload(req, res, 'long', LONG_MAX_BYTES);
          if (!parsed.ok) return renderLongUpload(req, res, parsed.status, parsed.error);
          const choice = parsed.fields.statut ?? 'valide';
          if (!(choice in STATUSES)) return renderLongUpload(req, res, 422, t('import.long.status.invalid'));
          const id = await imports.previewLong(req.user!.id, parsed.file, STATUSES[choice as keyof typeof STATUSES]);
          res.redirect(303, `/admin/import/${id}`);
        },
      );
    },

    async showBatch(req: Request, res: Response) {
      const batch = await imports.findBatch(req.user!.id, batchId(req));
      // A quarter's batch is shown here once applied by staff; a targets batch has its own page.
      if (batch.kind === 'targets') throw new NotFound();
      await renderPreview(req, res, 200, batch);
    },

    async longConfirm(req: Request, res: Response) {
      const batch = await imports.findBatch(req.user!.id, batchId(req));
      if (batch.kind !== 'long') throw new NotFound();
      const outcome = await imports.confirm(batch, actor(req));
      await afterConfirm(req, res, batch, outcome, `/admin/import/${batch.id}`);
    },
  };
}
