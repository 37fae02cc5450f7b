// The query of « Comparer des régions », all in the URL so that every view is shareable:
// /comparer?indicateur=EMP_CREES&regions=76&regions=75&de=2025-T4&a=2026-T3&mesure=habitants.
// `regions` may be repeated (1 to 6 codes); every other field is one value. A bad value is said next to
// its field (400, the form shown again with what was typed); what the catalogue or the scope decide
// (an unknown indicator, a region that does not exist or is not the user's) is checked by the service.
import { t } from '../i18n/messages.ts';
import { quarterParam } from '../http/query-params.ts';
import type { Quarter } from '../lib/quarters.ts';
import { MEASURES, type Measure } from '../reference/per-inhabitant.ts';

/** The most regions one chart compares (beside France). */
export const MAX_REGIONS = 6;
export { MEASURES, type Measure } from '../reference/per-inhabitant.ts';

export type CompareField = 'indicateur' | 'regions' | 'de' | 'a' | 'mesure';
export type CompareErrors = Partial<Record<CompareField, string>>;

export interface CompareQuery {
  indicator: string | undefined;
  /** The region codes asked, without duplicates; undefined: none named (the user's default ones). */
  regions: string[] | undefined;
  from: Quarter | undefined;
  to: Quarter | undefined;
  measure: Measure;
  /** What was typed, to put back in the form. */
  typed: { indicateur: string; de: string; a: string; mesure: string };
  errors: CompareErrors;
}

const INDICATOR_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
const REGION_CODE = /^[0-9]{2,3}$/;
const MAX_TEXT = 60;

/** One value of a field: a string, or a message when it is repeated or too long. */
function single(v: unknown): { value: string } | { error: string } {
  if (v === undefined) return { value: '' };
  if (typeof v !== 'string') return { error: t('compare.error.repeated') };
  return { value: v.trim().slice(0, MAX_TEXT) };
}

function quarterOf(field: 'de' | 'a', raw: unknown, errors: CompareErrors, typed: CompareQuery['typed']): Quarter | undefined {
  const s = single(raw);
  if ('error' in s) {
    errors[field] = s.error;
    return undefined;
  }
  typed[field] = s.value;
  if (!s.value) return undefined;
  const q = quarterParam.safeParse(s.value);
  if (q.success) return q.data;
  errors[field] = t('compare.error.quarter', { value: s.value });
  return undefined;
}

function regionsOf(raw: unknown, errors: CompareErrors): string[] | undefined {
  if (raw === undefined) return undefined;
  const list = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string').map((v) => v.trim());
  // France is always shown beside the regions: naming it changes nothing.
  const codes = [...new Set(list.filter((c) => c !== '' && c !== 'FR'))];
  const bad = codes.find((c) => !REGION_CODE.test(c));
  if (bad !== undefined) errors.regions = t('compare.error.regionUnknown', { code: bad.slice(0, 12) });
  else if (codes.length > MAX_REGIONS) errors.regions = t('compare.error.regionsTooMany', { count: codes.length });
  return codes.slice(0, MAX_REGIONS * 4);
}

/** Reads the query: every problem is a message for its field; nothing here throws. */
export function parseCompareQuery(query: unknown): CompareQuery {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const errors: CompareErrors = {};
  const typed = { indicateur: '', de: '', a: '', mesure: '' };
  let indicator: string | undefined;
  const ind = single(q.indicateur);
  if ('error' in ind) errors.indicateur = ind.error;
  else if (ind.value) {
    typed.indicateur = ind.value;
    if (INDICATOR_CODE.test(ind.value)) indicator = ind.value;
    else errors.indicateur = t('compare.error.indicator', { code: ind.value });
  }
  const regions = regionsOf(q.regions, errors);
  const from = quarterOf('de', q.de, errors, typed);
  const to = quarterOf('a', q.a, errors, typed);
  let measure: Measure = 'brut';
  const m = single(q.mesure);
  if ('error' in m) errors.mesure = m.error;
  else if (m.value) {
    typed.mesure = m.value;
    if ((MEASURES as readonly string[]).includes(m.value)) measure = m.value as Measure;
    else errors.mesure = t('compare.error.measure', { value: m.value });
  }
  return { indicator, regions, from, to, measure, typed, errors };
}
