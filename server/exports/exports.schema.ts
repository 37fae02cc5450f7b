// The exports' query strings (every export is a GET: it changes nothing). A bad value is a field error
// shown next to the field on the form page (422), with what was typed kept; never a 500.
import { BASES, type Base } from '../aggregates/aggregates.repo.ts';
import type { FieldErrors } from '../http/form.ts';
import { t } from '../i18n/messages.ts';
import { parsePeriod, parseQuarter, quarterIndex, quarterLabel, type Quarter } from '../lib/quarters.ts';
import { QUERY_YEARS } from '../http/query-params.ts';
import type { RawFilter } from './exports.repo.ts';
import { SUMMARY_FORMATS, type SummaryFormat } from './summary-files.ts';
import type { SummaryPeriod } from './summary.types.ts';

export const RAW_FORMATS = ['csv', 'csv-excel'] as const;
export type RawFormat = (typeof RAW_FORMATS)[number];
export const STATUSES = ['draft', 'submitted', 'validated', 'returned'] as const;
/** More choices than any list offers means a forged URL. */
const MAX_CHOICES = 500;

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** The query as plain strings and string lists, for re-rendering what was typed. */
export function queryValues(query: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!query || typeof query !== 'object') return out;
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v.slice(0, 200);
    else if (Array.isArray(v))
      out[k] = v
        .filter((x): x is string => typeof x === 'string')
        .slice(0, MAX_CHOICES)
        .map((x) => x.slice(0, 200));
  }
  return out;
}

/** One value of a single-valued field (a repeated one is an error), or undefined when left empty. */
function single(q: Record<string, unknown>, key: string, errors: FieldErrors): string | undefined {
  const v = q[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || v.length > 40) {
    errors[key] = t('exports.error.single');
    return undefined;
  }
  return v;
}

/** A multi-valued field as a list (absent or empty = no restriction). */
function list(q: Record<string, unknown>, key: string, errors: FieldErrors): string[] | undefined {
  const v = q[key];
  if (v === undefined || v === '') return undefined;
  const items = (Array.isArray(v) ? v : [v]).filter((x) => x !== '');
  if (items.length > MAX_CHOICES || items.some((x) => typeof x !== 'string' || x.length > 120)) {
    errors[key] = t('exports.error.list');
    return undefined;
  }
  return items.length ? (items as string[]) : undefined;
}

function period(q: Record<string, unknown>, errors: FieldErrors, lastClosed: Quarter): SummaryPeriod | undefined {
  const text = single(q, 'periode', errors);
  if (errors.periode) return undefined;
  if (text === undefined) {
    errors.periode = t('exports.error.periodMissing');
    return undefined;
  }
  const p = parsePeriod(text);
  if (!p || p.year < QUERY_YEARS.min) {
    errors.periode = t('exports.error.period');
    return undefined;
  }
  const closed = p.kind === 'year' ? p.year <= lastClosed.year : quarterIndex(p) <= quarterIndex(lastClosed);
  if (!closed) {
    errors.periode = t('exports.error.periodOpen', { last: quarterLabel(lastClosed) });
    return undefined;
  }
  return p;
}

function base(q: Record<string, unknown>, errors: FieldErrors, staff: boolean): Base {
  const text = single(q, 'base', errors) ?? 'validated';
  if (!(BASES as string[]).includes(text)) errors.base = t('exports.error.choice');
  else if (text !== 'validated' && !staff) errors.base = t('exports.error.baseStaff');
  return text as Base;
}

function choice<T extends string>(q: Record<string, unknown>, key: string, allowed: readonly T[], errors: FieldErrors): T {
  const text = single(q, key, errors);
  if (errors[key]) return allowed[0];
  if (text === undefined || !(allowed as readonly string[]).includes(text)) {
    errors[key] = t('exports.error.choice');
    return allowed[0];
  }
  return text as T;
}

export interface SummaryQuery {
  period: SummaryPeriod;
  base: Base;
  format: SummaryFormat;
}

/** A summary's query: `periode` (2026-T2, 2026-Q2 or 2026, closed), `base` (staff), `format` unless `print`. */
export function parseSummaryQuery(query: unknown, o: { staff: boolean; lastClosed: Quarter; print?: boolean }): Parsed<SummaryQuery> {
  const q = (query ?? {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const p = period(q, errors, o.lastClosed);
  const b = base(q, errors, o.staff);
  // The print page ignores `format` (the form's print button sends it along).
  const format = o.print ? 'xlsx' : choice(q, 'format', SUMMARY_FORMATS, errors);
  if (Object.keys(errors).length || !p) return { ok: false, errors };
  return { ok: true, data: { period: p, base: b, format } };
}

/** What the raw filter names, as codes and slugs; the handler resolves them against the database. */
export interface RawQuery {
  regions?: string[];
  poles?: string[];
  indicators?: string[];
  from?: Quarter;
  to?: Quarter;
  statuses?: string[];
  format: RawFormat;
}

function quarterField(q: Record<string, unknown>, key: string, errors: FieldErrors): Quarter | undefined {
  const text = single(q, key, errors);
  if (text === undefined || errors[key]) return undefined;
  const parsed = parseQuarter(text);
  if (!parsed || parsed.year < QUERY_YEARS.min || parsed.year > QUERY_YEARS.max) errors[key] = t('exports.error.quarter');
  return parsed ?? undefined;
}

/** The raw export's filters: regions, poles, indicators, quarters from/to, statuses, file flavour. */
export function parseRawQuery(query: unknown): Parsed<RawQuery> {
  const q = (query ?? {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const statuses = list(q, 'statuts', errors);
  if (statuses?.some((s) => !(STATUSES as readonly string[]).includes(s))) errors.statuts = t('exports.error.choice');
  const from = quarterField(q, 'de', errors);
  const to = quarterField(q, 'a', errors);
  if (from && to && !errors.de && !errors.a && quarterIndex(from) > quarterIndex(to)) errors.a = t('exports.error.range');
  const data: RawQuery = {
    regions: list(q, 'regions', errors),
    poles: list(q, 'poles', errors),
    indicators: list(q, 'indicateurs', errors),
    from,
    to,
    statuses,
    format: choice(q, 'fichier', RAW_FORMATS, errors),
  };
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data };
}

/** Turns codes and slugs into the repo's filter; an unknown one is a field error. */
export function resolveRawFilter(
  raw: RawQuery,
  known: { regions: string[]; poles: Map<string, number>; indicators: Map<string, number> },
): Parsed<RawFilter> {
  const errors: FieldErrors = {};
  if (raw.regions?.some((c) => !known.regions.includes(c))) errors.regions = t('exports.error.unknown');
  if (raw.poles?.some((s) => !known.poles.has(s))) errors.poles = t('exports.error.unknown');
  if (raw.indicators?.some((c) => !known.indicators.has(c))) errors.indicateurs = t('exports.error.unknown');
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    data: {
      regionCodes: raw.regions,
      poleIds: raw.poles?.map((s) => known.poles.get(s)!),
      indicatorIds: raw.indicators?.map((c) => known.indicators.get(c)!),
      fromIndex: raw.from ? quarterIndex(raw.from) : undefined,
      toIndex: raw.to ? quarterIndex(raw.to) : undefined,
      statuses: raw.statuses,
    },
  };
}
