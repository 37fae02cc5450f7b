// The time-series export's query: /exports/series?de=2025-T1&a=2026-T3&indicateurs=EMP_CREES&format=csv.
// `indicateurs` may be repeated (none: every indicator); `de`, `a` and `format` are one value each. A bad
// value is a message next to its field on the exports page (422), what was typed kept; never a 500.
// Whether an indicator code exists is the service's to say (the catalogue is in the database).
import { quarterParam } from '../http/query-params.ts';
import { t } from '../i18n/messages.ts';
import { quarterIndex, quarterLabel, type Quarter } from '../lib/quarters.ts';
import type { Parsed } from './exports.schema.ts';

export const SERIES_FORMATS = ['csv', 'csv-excel', 'xlsx'] as const;
export type SeriesFormat = (typeof SERIES_FORMATS)[number];

/** The longest range one file covers: ten years of quarters (a 2,000-pole network stays near a million rows). */
export const MAX_SERIES_QUARTERS = 40;
/** More indicator codes than any catalogue holds means a forged URL. */
const MAX_INDICATORS = 200;
const INDICATOR_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

export type SeriesField = 'de' | 'a' | 'indicateurs' | 'format';
export type SeriesErrors = Partial<Record<SeriesField, string>>;

export interface SeriesQuery {
  from: Quarter;
  to: Quarter;
  /** The codes asked, without duplicates; undefined: every active indicator. */
  indicators?: string[];
  format: SeriesFormat;
}

/** One value of a single-valued field ('' when absent), or null when repeated or too long. */
function single(v: unknown): string | null {
  if (v === undefined) return '';
  if (typeof v !== 'string' || v.length > 40) return null;
  return v.trim();
}

function quarterField(q: Record<string, unknown>, field: 'de' | 'a', errors: SeriesErrors): Quarter | undefined {
  const text = single(q[field]);
  if (text === null) errors[field] = t('series.error.repeated');
  else if (text === '') errors[field] = t(field === 'de' ? 'series.error.fromMissing' : 'series.error.toMissing');
  else {
    const parsed = quarterParam.safeParse(text);
    if (parsed.success) return parsed.data;
    errors[field] = t('series.error.quarter');
  }
  return undefined;
}

function indicatorsField(raw: unknown, errors: SeriesErrors): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const items = Array.isArray(raw) ? raw : [raw];
  if (items.length > MAX_INDICATORS || items.some((x) => typeof x !== 'string' || x.length > 40)) {
    errors.indicateurs = t('series.error.indicatorsList');
    return undefined;
  }
  const codes = [...new Set((items as string[]).map((x) => x.trim()).filter((x) => x !== ''))];
  const bad = codes.find((c) => !INDICATOR_CODE.test(c));
  if (bad !== undefined) errors.indicateurs = t('series.error.indicatorUnknown', { code: bad });
  return codes.length ? codes : undefined;
}

/** Reads the query; `lastClosed`: the latest quarter that has ended (later ones have no figures yet). */
export function parseSeriesQuery(query: unknown, lastClosed: Quarter): Parsed<SeriesQuery> {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const errors: SeriesErrors = {};
  const from = quarterField(q, 'de', errors);
  const to = quarterField(q, 'a', errors);
  if (to && quarterIndex(to) > quarterIndex(lastClosed)) errors.a = t('series.error.open', { last: quarterLabel(lastClosed) });
  else if (from && to && quarterIndex(from) > quarterIndex(to)) errors.a = t('series.error.range');
  else if (from && to && quarterIndex(to) - quarterIndex(from) + 1 > MAX_SERIES_QUARTERS)
    errors.de = t('series.error.tooLong', { max: MAX_SERIES_QUARTERS, count: quarterIndex(to) - quarterIndex(from) + 1 });
  const indicators = indicatorsField(q.indicateurs, errors);
  const format = single(q.format);
  if (format === null || !(SERIES_FORMATS as readonly string[]).includes(format)) errors.format = t('series.error.format');
  if (Object.keys(errors).length || !from || !to) return { ok: false, errors };
  return { ok: true, data: { from, to, indicators, format: format as SeriesFormat } };
}
