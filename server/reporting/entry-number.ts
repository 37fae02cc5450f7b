// One number of the entry form, typed the French way (« 1 234,5 », « 1 500 € »), read against the
// indicator's unit, bounds and precision. server/reporting/entry-rules.ts checks the form around it.
import { parseDecimal, SCALE } from '../lib/decimal.ts';
import { formatNumber } from '../lib/format.ts';
import { t, tn } from '../i18n/messages.ts';
import type { EntryIndicator } from './entry-rules.ts';

/** What reading a number needs of its indicator (a target's bounds differ from a quarter's). */
export type NumberRule = Pick<EntryIndicator, 'unit' | 'decimals' | 'min' | 'max'>;

/** A stored (scaled) number as the messages write it. */
export function show(scaled: number, decimals: number): string {
  return formatNumber(scaled / SCALE, decimals);
}

// A unit typed after the number by habit (« 1 234 € », « 2,5 ETP »): accepted for the indicator's own unit.
const TYPED_UNITS: Record<string, RegExp> = {
  euros: /\s*(€|eur|euros?)$/iu,
  etp: /\s*etp$/iu,
  tonnes: /\s*(t|tonnes?)$/iu,
  pourcent: /\s*%$/u,
};

/** The message for too many decimals: a euro amount says « sans centimes ». */
function decimalsError(ind: NumberRule): string {
  if (ind.decimals > 0) return tn('entry.error.decimals', ind.decimals);
  return ind.unit === 'euros' ? t('entry.error.euros') : t('form.integer');
}

/** Parses one number typed the French way, with the indicator's bounds and precision. */
export function parseValue(typed: string, ind: NumberRule): { value: number } | { error: string } | null {
  const raw = typed.trim().replace(TYPED_UNITS[ind.unit] ?? /$^/u, '');
  if (raw.trim() === '') return typed.trim() === '' ? null : { error: t('entry.error.number') };
  const p = parseDecimal(raw);
  if (!p.ok) {
    if (p.reason === 'too_many_decimals') return { error: decimalsError(ind) };
    if (p.reason === 'too_large') return { error: t('form.tooLarge') };
    return { error: t('entry.error.number') };
  }
  if (p.decimals > ind.decimals) return { error: decimalsError(ind) };
  if ((ind.min !== null && p.scaled < ind.min) || (ind.max !== null && p.scaled > ind.max)) {
    const lo = ind.min !== null ? show(ind.min, ind.decimals) : null;
    const hi = ind.max !== null ? show(ind.max, ind.decimals) : null;
    if (lo !== null && hi !== null) return { error: t('entry.error.between', { min: lo, max: hi }) };
    return { error: lo !== null ? t('entry.error.atLeast', { min: lo }) : t('entry.error.atMost', { max: String(hi) }) };
  }
  return { value: p.scaled };
}
