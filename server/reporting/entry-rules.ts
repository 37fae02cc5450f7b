// The rules of the quarterly entry form, as pure functions: what a manager typed → values to store, or
// a French message per field. No I/O: the service gathers the context, these functions decide.
import { parseDecimal, scaledToString, SCALE } from '../lib/decimal.ts';
import { formatNumber } from '../lib/format.ts';
import { controlCharProblem, normaliseNewlines } from '../lib/text.ts';
import { t } from '../i18n/messages.ts';

export interface EntryIndicator {
  id: number;
  code: string;
  label: string;
  kind: 'flow' | 'stock' | 'score';
  unit: string;
  decimals: number;
  min: number | null; // scaled
  max: number | null; // scaled
  categories: { code: string; label: string }[];
}

/** A ratio whose components are entered in the form: numerator ≤ denominator. */
export interface RatioRule {
  label: string;
  numerator: { code: string; category: string };
  denominator: { code: string; category: string };
}

export interface StoredLine {
  value: number | null;
  notAvailable: boolean;
  naReason: string;
  comment: string;
  carriedOver: boolean;
}

export interface EntryContext {
  indicators: EntryIndicator[];
  ratios: RatioRule[];
  /** Values of the previous quarter, by line key ('CODE' or 'CODE.category'). */
  previous: Map<string, number>;
  /** Largest value of each flow over the pole's past quarters. */
  maxPastFlow: Map<string, number>;
  /** How many earlier quarters the pole has reported: the jump rules apply from 4 on. */
  pastQuarters: number;
  /** Members in the register at quarter end, by line key of MEMBRES ('MEMBRES', 'MEMBRES.ess'…). */
  register: Map<string, number> | null;
  /** What is stored now for this quarter, by line key. */
  stored: Map<string, StoredLine>;
}

export interface LineToStore {
  indicatorId: number;
  code: string;
  category: string;
  value: number | null;
  notAvailable: boolean;
  naReason: string;
  comment: string;
  carriedOver: boolean;
}

export type EntryResult =
  | { ok: true; lines: LineToStore[]; flags: string[] }
  | { ok: false; errors: Record<string, string> };

export const lineKey = (code: string, category = '') => (category ? `${code}.${category}` : code);
export const field = {
  value: (code: string, category = '') => `v.${lineKey(code, category)}`,
  na: (code: string) => `na.${code}`,
  naReason: (code: string) => `nr.${code}`,
  comment: (code: string) => `c.${code}`,
  confirm: (code: string) => `ok.${code}`,
};

const MAX_COMMENT = 2000;

function str(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : '';
}

function show(scaled: number, decimals: number): string {
  return formatNumber(scaled / SCALE, decimals);
}

/** Parses one number typed the French way, with the indicator's bounds and precision. */
function parseValue(raw: string, ind: EntryIndicator): { value: number } | { error: string } | null {
  if (raw.trim() === '') return null;
  const p = parseDecimal(raw);
  if (!p.ok) {
    if (p.reason === 'too_many_decimals' && ind.decimals === 0) return { error: t('form.integer') };
    if (p.reason === 'too_many_decimals') return { error: t('entry.error.decimals', { decimals: ind.decimals }) };
    if (p.reason === 'too_large') return { error: t('form.tooLarge') };
    return { error: t('entry.error.number') };
  }
  if (p.decimals > ind.decimals) {
    return { error: ind.decimals === 0 ? t('form.integer') : t('entry.error.decimals', { decimals: ind.decimals }) };
  }
  if ((ind.min !== null && p.scaled < ind.min) || (ind.max !== null && p.scaled > ind.max)) {
    const lo = ind.min !== null ? show(ind.min, ind.decimals) : null;
    const hi = ind.max !== null ? show(ind.max, ind.decimals) : null;
    if (lo !== null && hi !== null) return { error: t('entry.error.between', { min: lo, max: hi }) };
    return { error: lo !== null ? t('entry.error.atLeast', { min: lo }) : t('entry.error.atMost', { max: String(hi) }) };
  }
  return { value: p.scaled };
}

/** Checks the whole form; all or nothing. `submit` also requires every indicator and confirmed carry-overs. */
export function checkEntry(body: Record<string, unknown>, ctx: EntryContext, submit: boolean): EntryResult {
  const errors: Record<string, string> = {};
  const lines: LineToStore[] = [];
  const flags: string[] = [];
  const entered = new Map<string, number>();

  for (const ind of ctx.indicators) {
    const na = str(body, field.na(ind.code)) !== '';
    const naReason = normaliseNewlines(str(body, field.naReason(ind.code))).trim();
    const comment = normaliseNewlines(str(body, field.comment(ind.code))).trim();
    const confirmed = str(body, field.confirm(ind.code)) !== '';
    const totalRaw = str(body, field.value(ind.code));
    const partsRaw = ind.categories.map((c) => ({ category: c.code, raw: str(body, field.value(ind.code, c.code)) }));
    if (comment.length > MAX_COMMENT) errors[field.comment(ind.code)] = t('entry.error.commentTooLong', { max: MAX_COMMENT });
    if (naReason.length > 500) errors[field.naReason(ind.code)] = t('entry.error.naReasonTooLong', { max: 500 });
    // Refused with a message next to the field (never cleaned silently): the same rule as every stored text.
    for (const [name, text] of [[field.comment(ind.code), comment], [field.naReason(ind.code), naReason]] as const) {
      const problem = controlCharProblem(text);
      if (problem) errors[name] ??= problem;
    }

    if (na) {
      if (totalRaw.trim() !== '' || partsRaw.some((p) => p.raw.trim() !== '')) {
        errors[field.value(ind.code)] = t('entry.error.valueAndNa');
      } else if (!naReason) {
        errors[field.naReason(ind.code)] = t('entry.error.naReasonMissing');
      }
      lines.push({ indicatorId: ind.id, code: ind.code, category: '', value: null, notAvailable: true, naReason, comment, carriedOver: false });
      continue;
    }

    const total = parseValue(totalRaw, ind);
    if (total && 'error' in total) errors[field.value(ind.code)] = total.error;
    const parts = partsRaw.map((p) => ({ ...p, parsed: parseValue(p.raw, ind) }));
    for (const p of parts) if (p.parsed && 'error' in p.parsed) errors[field.value(ind.code, p.category)] = p.parsed.error;
    const filled = parts.filter((p) => p.parsed && 'value' in p.parsed);
    let totalValue = total && 'value' in total ? total.value : null;

    if (ind.categories.length && filled.length > 0) {
      const missing = parts.find((p) => p.raw.trim() === '');
      if (missing) {
        errors[field.value(ind.code, missing.category)] ??= t('entry.error.someCategories');
      } else if (filled.length === parts.length) {
        const sum = filled.reduce((s, p) => s + (p.parsed as { value: number }).value, 0);
        if (totalValue === null && !errors[field.value(ind.code)]) totalValue = sum;
        else if (totalValue !== null && sum !== totalValue) {
          errors[field.value(ind.code)] = t('entry.error.totalMismatch', { total: show(totalValue, ind.decimals), sum: show(sum, ind.decimals) });
        }
      }
    }
    if (submit && totalValue === null && !errors[field.value(ind.code)]) {
      errors[field.value(ind.code)] = t('entry.error.missing');
    }
    if (submit && ind.categories.length && totalValue !== null && filled.length === 0) {
      errors[field.value(ind.code, ind.categories[0].code)] ??= t('entry.error.breakdown');
    }
    if (totalValue === null) continue;
    entered.set(lineKey(ind.code), totalValue);
    for (const p of filled) entered.set(lineKey(ind.code, p.category), (p.parsed as { value: number }).value);

    // A stock still equal to the previous quarter's value, never confirmed, stays « reporté ».
    const stored = ctx.stored.get(lineKey(ind.code));
    const prev = ctx.previous.get(lineKey(ind.code));
    // (MEMBRES is prefilled from the member register instead, so it is never « reporté ».)
    const fromRegister = ctx.register?.has(lineKey(ind.code)) ?? false;
    const carriedOver =
      ind.kind === 'stock' && !fromRegister && prev !== undefined && totalValue === prev && !confirmed && (!stored || stored.carriedOver);
    if (submit && carriedOver) {
      errors[field.confirm(ind.code)] = t('entry.error.confirmCarried');
    }

    // Unusual movements need a word of explanation.
    const need = (why: string) => {
      flags.push(`${ind.code}: ${why}`);
      if (!comment) errors[field.comment(ind.code)] ??= `${why} : expliquez-la en commentaire.`;
    };
    if (ctx.pastQuarters >= 4 && !carriedOver) {
      if (ind.kind === 'stock' && prev !== undefined) {
        const change = prev === 0 ? (totalValue === 0 ? 0 : Infinity) : (totalValue - prev) / prev;
        if (Math.abs(change) > 0.5) {
          need(prev === 0 ? t('entry.flag.jumpFromZero') : t('entry.flag.jump', { change: `${change > 0 ? '+' : ''}${Math.round(change * 100)}` }));
        }
      }
      const maxFlow = ctx.maxPastFlow.get(lineKey(ind.code));
      if (ind.kind === 'flow' && maxFlow !== undefined && totalValue > 3 * maxFlow) {
        need(t('entry.flag.peak', { max: show(maxFlow, ind.decimals) }));
      }
    }
    if (ctx.register && ctx.register.has(lineKey(ind.code))) {
      const differs = [lineKey(ind.code), ...filled.map((p) => lineKey(ind.code, p.category))].some(
        (k) => ctx.register!.has(k) && entered.get(k) !== undefined && entered.get(k)! !== ctx.register!.get(k)! * SCALE,
      );
      if (differs) need(t('entry.flag.register', { count: String(ctx.register.get(lineKey(ind.code))) }));
    }

    lines.push({ indicatorId: ind.id, code: ind.code, category: '', value: totalValue, notAvailable: false, naReason: '', comment, carriedOver });
    for (const p of filled) {
      lines.push({ indicatorId: ind.id, code: ind.code, category: p.category, value: (p.parsed as { value: number }).value, notAvailable: false, naReason: '', comment: '', carriedOver: false });
    }
  }

  for (const r of ctx.ratios) {
    const num = entered.get(lineKey(r.numerator.code, r.numerator.category));
    const den = entered.get(lineKey(r.denominator.code, r.denominator.category));
    if (num !== undefined && den !== undefined && num > den) {
      errors[field.value(r.numerator.code, r.numerator.category)] ??= t('entry.error.ratioCap', { max: scaledToString(den).replace('.', ','), label: r.label });
    }
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, lines, flags };
}
