import type { Request, Response } from 'express';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CurrentUser } from '../http/current-user.ts';
import type { FieldErrors } from '../http/form.ts';
import { t, tDynamic } from '../i18n/messages.ts';
import { quarterLabel } from '../lib/quarters.ts';
import type { Services } from '../services.ts';
import { queryValues } from './exports.schema.ts';
import { seriesCsv, seriesFilename, seriesNote, writeSeriesXlsx } from './series-files.ts';
import type { SeriesRow } from './series-rows.ts';
import { MAX_SERIES_QUARTERS, parseSeriesQuery, SERIES_FORMATS, type SeriesErrors } from './series.schema.ts';
import type { SeriesPlan } from './series.service.ts';

type Values = Record<string, string | string[]>;

/** The series form's model on the exports page (`series` in the view): its options, values and errors. */
export interface SeriesSection {
  values: Values;
  errors: SeriesErrors;
  /** The errors as the page's error summary links them (#f-serie-<field>: the form's own ids). */
  summaryErrors: FieldErrors;
  indicatorOptions: { value: string; label: string; selected: boolean }[];
  formatOptions: { value: string; label: string; selected: boolean }[];
  quarterHint: string;
}

const selected = (values: Values, key: string, v: string) => {
  const x = values[key];
  return Array.isArray(x) ? x.includes(v) : x === v;
};

/** The series form: what was typed and its messages, or the defaults (the scope's last two consolidated years). */
export async function seriesSection(
  series: Services['series'],
  user: CurrentUser,
  typed?: Values,
  errors: SeriesErrors = {},
): Promise<SeriesSection> {
  const form = await series.form(user);
  const values = typed ?? { de: quarterLabel(form.from), a: quarterLabel(form.to), format: 'csv-excel' };
  return {
    values,
    errors,
    summaryErrors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [`serie-${k}`, v])),
    indicatorOptions: form.indicators.map((i) => ({
      value: i.code,
      label: `${i.label} (${i.code})`,
      selected: selected(values, 'indicateurs', i.code),
    })),
    formatOptions: SERIES_FORMATS.map((f) => ({ value: f, label: tDynamic('exports.format', f), selected: selected(values, 'format', f) })),
    quarterHint: t('series.field.quarterHint', { max: MAX_SERIES_QUARTERS, last: quarterLabel(series.lastClosed()) }),
  };
}

/** Renders the exports page with the series form in this state (exports.handlers.ts owns the page). */
export type RenderScopePage = (req: Request, res: Response, section: SeriesSection, status: number) => Promise<void>;

/** The rows, their first one already read: a failing first read reaches the error handler before any byte is sent. */
async function started(rows: AsyncGenerator<SeriesRow>): Promise<AsyncGenerator<SeriesRow>> {
  const first = await rows.next();
  return (async function* () {
    if (!first.done) yield first.value;
    yield* rows;
  })();
}

/** `GET /exports/series`: the user's scope as time series, streamed (CSV in chunks, XLSX row by row). */
export function createSeriesHandlers(
  { series, clock, logger }: Pick<Services, 'series' | 'clock' | 'logger'>,
  renderScope: RenderScopePage,
) {
  async function send(req: Request, res: Response, plan: SeriesPlan) {
    const rows = await started(series.rows(plan));
    const xlsx = plan.format === 'xlsx';
    res.status(200).set({
      'Content-Type': xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${seriesFilename(plan, plan.format)}"`,
    });
    try {
      if (plan.format === 'xlsx') {
        const out = new PassThrough();
        const sent = pipeline(out, res);
        await writeSeriesXlsx(out, seriesNote(plan, series.vintage, clock.now()), rows).catch((err: Error) => out.destroy(err));
        await sent;
      } else await pipeline(Readable.from(seriesCsv(rows, plan.format)), res);
    } catch (err) {
      // A client that left, or a read that failed midway: the response ends where it is (a cut file,
      // never one that looks complete); pipeline has closed both ends.
      if ((err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE')
        logger.error({ err, requestId: req.requestId }, 'series export failed');
    }
  }

  return {
    async file(req: Request, res: Response) {
      const user = req.user!;
      const parsed = parseSeriesQuery(req.query, series.lastClosed());
      const planned = parsed.ok ? await series.plan(user, parsed.data) : parsed;
      if (!planned.ok) return renderScope(req, res, await seriesSection(series, user, queryValues(req.query), planned.errors), 422);
      await send(req, res, planned.data);
    },
  };
}
