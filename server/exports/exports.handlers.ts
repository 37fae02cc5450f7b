import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FieldErrors } from '../http/form.ts';
import { t, tDynamic } from '../i18n/messages.ts';
import { quarterLabel } from '../lib/quarters.ts';
import type { Services } from '../services.ts';
import { csvChunks } from './csv.ts';
import { parseRawQuery, parseSummaryQuery, queryValues, STATUSES } from './exports.schema.ts';
import { summaryFile, summaryPrintModel } from './summary-files.ts';
import { seriesSection, type SeriesSection } from './series.handlers.ts';

type Values = Record<string, string | string[]>;

const has = (values: Values, key: string, v: string) => {
  const x = values[key];
  return Array.isArray(x) ? x.includes(v) : x === v;
};
const options = (items: { value: string; label: string }[], values: Values, key: string) =>
  items.map((i) => ({ ...i, selected: has(values, key, i.value) }));
const formatOptions = (values: Values, key: string, formats: readonly string[]) =>
  options(
    formats.map((f) => ({ value: f, label: tDynamic('exports.format', f) })),
    values,
    key,
  );

function sendFile(res: Response, file: { filename: string; contentType: string; body: Buffer }) {
  res
    .status(200)
    .set({ 'Content-Type': file.contentType, 'Content-Disposition': `attachment; filename="${file.filename}"` })
    .send(file.body);
}

/** Staff's exports page (national summary, raw values) and a funder's scope exports; every export is a GET. */
export function createExportsHandlers({
  summaries,
  rawExports,
  series,
  logger,
}: Pick<Services, 'summaries' | 'rawExports' | 'series' | 'logger'>) {
  const lastClosed = () => summaries.lastClosed();

  /** The period select: the quarters holding data in the user's scope (provisional ones say so), then their years. */
  async function periodOptions(req: Request, values: Values) {
    const { latest, withData } = await summaries.periodChoices(req.user!);
    const items = withData.map(({ quarter, provisional }) => ({
      value: quarterLabel(quarter),
      label: provisional ? t('closure.period', { period: quarterLabel(quarter) }) : quarterLabel(quarter),
    }));
    for (const year of new Set(withData.map((d) => d.quarter.year))) items.push({ value: String(year), label: String(year) });
    // A period typed in a URL stays selectable, so that a refused one is shown with its message.
    const asked = values.periode;
    if (typeof asked === 'string' && asked && !items.some((i) => i.value === asked)) items.unshift({ value: asked, label: asked });
    return { periodOptions: options(items, values, 'periode'), latest: quarterLabel(latest) };
  }

  async function renderAdmin(req: Request, res: Response, values: Values, errors: FieldErrors, status = 200) {
    const { regions, poles, indicators } = await rawExports.choices();
    const periods = await periodOptions(req, values);
    res.status(status).render('pages/exports/admin', {
      title: t('exports.admin.title'),
      nav: 'exports',
      values,
      errors,
      baseOptions: options(
        [
          { value: 'validated', label: t('dash.base.validated') },
          { value: 'validated_or_submitted', label: t('dash.base.validated_or_submitted') },
        ],
        values,
        'base',
      ),
      formatOptions: formatOptions(values, 'format', ['xlsx', 'csv', 'csv-excel']),
      fileOptions: formatOptions(values, 'fichier', ['csv', 'csv-excel']),
      regionOptions: options(
        regions.map((r) => ({ value: r.code, label: r.name })),
        values,
        'regions',
      ),
      poleOptions: options(
        poles.map((p) => ({ value: p.slug, label: `${p.name} (${p.region_name})` })),
        values,
        'poles',
      ),
      indicatorOptions: options(
        indicators.map((i) => ({ value: i.code, label: `${i.label_fr} (${i.code})` })),
        values,
        'indicateurs',
      ),
      statusOptions: options(
        STATUSES.map((st) => ({ value: st, label: t(`status.${st}`) })),
        values,
        'statuts',
      ),
      lastClosed: quarterLabel(lastClosed()),
      ...periods,
    });
  }

  async function renderScope(req: Request, res: Response, values: Values, errors: FieldErrors, status = 200, section?: SeriesSection) {
    const staff = req.user!.role === 'staff';
    const periods = await periodOptions(req, values);
    // The time-series form (series.handlers.ts): its defaults, or what was typed with its messages.
    const seriesForm = section ?? (await seriesSection(series, req.user!));
    res.status(status).render('pages/exports/scope', {
      title: t('exports.scope.title'),
      nav: 'exports',
      values,
      errors: { ...errors, ...seriesForm.summaryErrors },
      series: seriesForm,
      isStaff: staff,
      formatOptions: formatOptions(values, 'format', ['xlsx', 'csv', 'csv-excel']),
      lastClosed: quarterLabel(lastClosed()),
      ...periods,
    });
  }

  /** The form opens on the latest consolidated quarter of the user's scope (a regional funder: its regions). */
  const defaults = async (req: Request): Promise<Values> => ({
    periode: quarterLabel((await summaries.periodChoices(req.user!)).latest),
    format: 'xlsx',
    fichier: 'csv-excel',
  });

  return {
    async adminPage(req: Request, res: Response) {
      await renderAdmin(req, res, await defaults(req), {});
    },

    /** The national summary as a file (`?periode=2026-T2&base=validated&format=xlsx`). */
    async nationalFile(req: Request, res: Response) {
      const parsed = parseSummaryQuery(req.query, { staff: true, lastClosed: lastClosed() });
      if (!parsed.ok) return renderAdmin(req, res, queryValues(req.query), parsed.errors, 422);
      const summary = await summaries.national(parsed.data.period, parsed.data.base);
      sendFile(res, await summaryFile(summary, parsed.data.format));
    },

    async nationalPrint(req: Request, res: Response) {
      const parsed = parseSummaryQuery(req.query, { staff: true, lastClosed: lastClosed(), print: true });
      if (!parsed.ok) return renderAdmin(req, res, queryValues(req.query), parsed.errors, 422);
      const summary = await summaries.national(parsed.data.period, parsed.data.base);
      res.render('pages/exports/summary-print', { ...summaryPrintModel(summary), nav: 'exports', backHref: '/admin/exports' });
    },

    /** Every value matching the filters, streamed as CSV: memory stays flat, a slow client slows the reads. */
    async rawFile(req: Request, res: Response) {
      const parsed = parseRawQuery(req.query);
      const resolved = parsed.ok ? await rawExports.resolve(parsed.data) : parsed;
      if (!parsed.ok || !resolved.ok) return renderAdmin(req, res, queryValues(req.query), resolved.ok ? {} : resolved.errors, 422);
      const format = parsed.data.format;
      const chunks = csvChunks(rawExports.records(resolved.data), format === 'csv-excel' ? 'excel-fr' : 'standard');
      // The first chunk is read before anything is sent, so a failing read still reaches the error handler.
      const first = await chunks.next();
      res
        .status(200)
        .set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${rawExports.filename(format)}"` });
      const body = Readable.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* chunks;
        })(),
      );
      try {
        await pipeline(body, res);
      } catch (err) {
        // A client that left, or a read that failed midway: the response ends where it is (a cut file,
        // never one that looks complete); pipeline has closed both ends.
        if ((err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE')
          logger.error({ err, requestId: req.requestId }, 'raw export failed');
      }
    },

    async scopePage(req: Request, res: Response) {
      await renderScope(req, res, await defaults(req), {});
    },

    /** The scope page with the series form in the state given (a refused series query: 422). */
    async scopePageWithSeries(req: Request, res: Response, section: SeriesSection, status: number) {
      await renderScope(req, res, await defaults(req), {}, status, section);
    },

    /** A funder's scope (staff: the whole nation with every pole) as a file. */
    async scopeFile(req: Request, res: Response) {
      const user = req.user!;
      const parsed = parseSummaryQuery(req.query, { staff: user.role === 'staff', lastClosed: lastClosed() });
      if (!parsed.ok) return renderScope(req, res, queryValues(req.query), parsed.errors, 422);
      const summary = await summaries.scope(user, parsed.data.period, parsed.data.base);
      sendFile(res, await summaryFile(summary, parsed.data.format));
    },

    async scopePrint(req: Request, res: Response) {
      const user = req.user!;
      const parsed = parseSummaryQuery(req.query, { staff: user.role === 'staff', lastClosed: lastClosed(), print: true });
      if (!parsed.ok) return renderScope(req, res, queryValues(req.query), parsed.errors, 422);
      const summary = await summaries.scope(user, parsed.data.period, parsed.data.base);
      res.render('pages/exports/summary-print', { ...summaryPrintModel(summary), nav: 'exports', backHref: '/exports' });
    },
  };
}
