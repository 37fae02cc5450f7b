// The rules of the quarterly entry form, as pure functions: what a manager typed → values to store, or
// a French message per field. No I/O: the service gathers the context, these functions decide.
import { SCALE } from '../lib/decimal.ts';
import { controlCharProblem, normaliseNewlines } from '../lib/text.ts';
import { t } from '../i18n/messages.ts';
import { Problems } from './entry-problems.ts';
import { parseValue, show } from './entry-number.ts';

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

/**
 * `warnings` are the problems that block « Soumettre » but not a draft (a missing comment, a total that
 * differs from its categories, a reason not given yet): a draft keeps what the manager typed. `errors` are
 * values that cannot be stored at all (not a number, out of bounds, too many decimals, too long a text).
 * When submitting, every problem is an error.
 */
export type EntryResult =
  | { ok: true; lines: LineToStore[]; flags: string[]; warnings: Record<string, string> }
  | { ok: false; errors: Record<string, string>; warnings: Record<string, string> };

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

/** What the form sent for one indicator, before any check. */
interface RawLine {
  na: boolean;
  naReason: string;
  comment: string;
  confirmed: boolean;
  totalRaw: string;
  partsRaw: { category: string; raw: string }[];
}

/** A line's total and filled categories, once parsed and checked against each other. */
interface ParsedLine {
  total: number | null;
  filled: { category: string; value: number }[];
}

function readLine(body: Record<string, unknown>, ind: EntryIndicator): RawLine {
  return {
    na: str(body, field.na(ind.code)) !== '',
    naReason: normaliseNewlines(str(body, field.naReason(ind.code))).trim(),
    comment: normaliseNewlines(str(body, field.comment(ind.code))).trim(),
    confirmed: str(body, field.confirm(ind.code)) !== '',
    totalRaw: str(body, field.value(ind.code)),
    partsRaw: ind.categories.map((c) => ({ category: c.code, raw: str(body, field.value(ind.code, c.code)) })),
  };
}

/** The comment's and the reason's length and characters. */
function checkTexts(ind: EntryIndicator, line: RawLine, problems: Problems): void {
  if (line.comment.length > MAX_COMMENT) problems.hard(field.comment(ind.code), t('entry.error.commentTooLong', { max: MAX_COMMENT }));
  if (line.naReason.length > 500) problems.hard(field.naReason(ind.code), t('entry.error.naReasonTooLong', { max: 500 }));
  // Refused with a message next to the field (never cleaned silently): the same rule as every stored text.
  for (const [name, text] of [
    [field.comment(ind.code), line.comment],
    [field.naReason(ind.code), line.naReason],
  ] as const) {
    const problem = controlCharProblem(text);
    if (problem) problems.hard(name, problem);
  }
}

/** « Non disponible »: no value may be typed, and a reason is required. */
// A value typed beside « non disponible » cannot be stored (a line holds one or the other); a reason not
// given yet can wait for the submission.
function notAvailableLine(ind: EntryIndicator, line: RawLine, problems: Problems): LineToStore {
  if (line.totalRaw.trim() !== '' || line.partsRaw.some((p) => p.raw.trim() !== '')) {
    problems.hard(field.value(ind.code), t('entry.error.valueAndNa'));
  } else if (!line.naReason) {
    problems.warn(field.naReason(ind.code), t('entry.error.naReasonMissing'));
  }
  return {
    indicatorId: ind.id,
    code: ind.code,
    category: '',
    value: null,
    notAvailable: true,
    naReason: line.naReason,
    comment: line.comment,
    carriedOver: false,
  };
}

/** Parses the total and the categories; the total defaults to, or must equal, the categories' sum. */
function parseLine(ind: EntryIndicator, line: RawLine, problems: Problems, submit: boolean): ParsedLine {
  const total = parseValue(line.totalRaw, ind);
  if (total && 'error' in total) problems.hard(field.value(ind.code), total.error);
  const parts = line.partsRaw.map((p) => ({ ...p, parsed: parseValue(p.raw, ind) }));
  for (const p of parts) if (p.parsed && 'error' in p.parsed) problems.hard(field.value(ind.code, p.category), p.parsed.error);
  const filled = parts.flatMap((p) => (p.parsed && 'value' in p.parsed ? [{ category: p.category, value: p.parsed.value }] : []));
  let totalValue = total && 'value' in total ? total.value : null;

  if (ind.categories.length && filled.length > 0) {
    const missing = parts.find((p) => p.raw.trim() === '');
    if (missing) {
      problems.warn(field.value(ind.code, missing.category), t('entry.error.someCategories'));
    } else if (filled.length === parts.length) {
      const sum = filled.reduce((s, p) => s + p.value, 0);
      if (totalValue === null && !problems.has(field.value(ind.code))) totalValue = sum;
      else if (totalValue !== null && sum !== totalValue) {
        problems.warn(
          field.value(ind.code),
          t('entry.error.totalMismatch', { total: show(totalValue, ind.decimals), sum: show(sum, ind.decimals) }),
        );
      }
    }
  }
  if (submit && totalValue === null) problems.warn(field.value(ind.code), t('entry.error.missing'));
  if (submit && ind.categories.length && totalValue !== null && filled.length === 0) {
    problems.warn(field.value(ind.code, ind.categories[0].code), t('entry.error.breakdown'));
  }
  return { total: totalValue, filled };
}

/** A line with a value: carried over or confirmed, its unusual movements explained, then stored. */
function valuedLines(
  ind: EntryIndicator,
  line: RawLine,
  parsed: ParsedLine & { total: number },
  ctx: EntryContext,
  submit: boolean,
  problems: Problems,
  flags: string[],
): LineToStore[] {
  const stored = ctx.stored.get(lineKey(ind.code));
  const carriedOver = isCarriedOver(ind, parsed.total, ctx, !line.confirmed && (!stored || stored.carriedOver));
  if (submit && carriedOver) problems.warn(field.confirm(ind.code), t('entry.error.confirmCarried'));
  const typed = new Map([
    [lineKey(ind.code), parsed.total],
    ...parsed.filled.map((p) => [lineKey(ind.code, p.category), p.value] as const),
  ]);
  // Unusual movements need a word of explanation.
  for (const why of unusualMovements(ind, (k) => typed.get(k), carriedOver, ctx)) {
    flags.push(`${ind.code}: ${why}`);
    if (!line.comment) problems.warn(field.comment(ind.code), t('entry.error.explain', { why }));
  }
  return [
    {
      indicatorId: ind.id,
      code: ind.code,
      category: '',
      value: parsed.total,
      notAvailable: false,
      naReason: '',
      comment: line.comment,
      carriedOver,
    },
    ...partLines(ind, parsed.filled),
  ];
}

/** A ratio's numerator may not exceed its denominator. */
function checkRatios(ctx: EntryContext, entered: Map<string, number>, problems: Problems): void {
  for (const r of ctx.ratios) {
    const num = entered.get(lineKey(r.numerator.code, r.numerator.category));
    const den = entered.get(lineKey(r.denominator.code, r.denominator.category));
    if (num !== undefined && den !== undefined && num > den) {
      const decimals = ctx.indicators.find((i) => i.code === r.numerator.code)?.decimals ?? 0;
      problems.warn(
        field.value(r.numerator.code, r.numerator.category),
        t('entry.error.ratioCap', { max: show(den, decimals), label: r.label }),
      );
    }
  }
}

/** The lines of categories typed without a total, kept in a draft until the rest is filled in. */
function partLines(ind: EntryIndicator, filled: ParsedLine['filled']): LineToStore[] {
  return filled.map((p) => ({
    indicatorId: ind.id,
    code: ind.code,
    category: p.category,
    value: p.value,
    notAvailable: false,
    naReason: '',
    comment: '',
    carriedOver: false,
  }));
}

/**
 * Checks the whole form; all or nothing. `submit` also requires every indicator and confirmed carry-overs,
 * and turns every warning into an error.
 */
export function checkEntry(body: Record<string, unknown>, ctx: EntryContext, submit: boolean): EntryResult {
  const problems = new Problems();
  const lines: LineToStore[] = [];
  const flags: string[] = [];
  const entered = new Map<string, number>();
  for (const ind of ctx.indicators) {
    const line = readLine(body, ind);
    checkTexts(ind, line, problems);
    if (line.na) {
      lines.push(notAvailableLine(ind, line, problems));
      continue;
    }
    const parsed = parseLine(ind, line, problems, submit);
    for (const p of parsed.filled) entered.set(lineKey(ind.code, p.category), p.value);
    if (parsed.total === null) {
      lines.push(...partLines(ind, parsed.filled));
      continue;
    }
    entered.set(lineKey(ind.code), parsed.total);
    lines.push(...valuedLines(ind, line, { ...parsed, total: parsed.total }, ctx, submit, problems, flags));
  }
  checkRatios(ctx, entered, problems);
  const { errors, warnings } = problems.split(submit);
  return Object.keys(errors).length ? { ok: false, errors, warnings } : { ok: true, lines, flags, warnings };
}

// The « unusual movement » rules, written once: the form above asks for a comment when one fires, and
// the review page (review-flags.ts) shows the same alerts recomputed from what is stored.

/** The jump rules apply once a pole has reported this many earlier quarters. */
const JUMP_RULES_FROM = 4;
/** A stock moving by more than this share of the previous quarter's value is unusual. */
const STOCK_CHANGE = 0.5;
/** A flow above this many times its largest past quarter is unusual. */
const FLOW_MULTIPLE = 3;

type History = Pick<EntryContext, 'previous' | 'maxPastFlow' | 'pastQuarters' | 'register'>;

/**
 * A stock still equal to the previous quarter's value stays « reporté » while nobody confirmed it
 * (`stillCarried`). MEMBRES is prefilled from the member register instead, so it is never « reporté ».
 */
export function isCarriedOver(
  ind: Pick<EntryIndicator, 'code' | 'kind'>,
  value: number,
  history: Pick<History, 'previous' | 'register'>,
  stillCarried: boolean,
): boolean {
  const key = lineKey(ind.code);
  const prev = history.previous.get(key);
  const fromRegister = history.register?.has(key) ?? false;
  return ind.kind === 'stock' && !fromRegister && prev !== undefined && value === prev && stillCarried;
}

/**
 * The unusual movements of one indicator's line, as French sentences: a stock moving by more than 50 %,
 * a flow above three times its largest past quarter (both from the fifth quarter reported on, and never
 * for a carried-over stock), and MEMBRES (its total or a category) differing from the member register.
 * `valueOf` gives the line's values by line key, undefined where there is none (typed, or stored).
 */
export function unusualMovements(
  ind: Pick<EntryIndicator, 'code' | 'kind' | 'decimals' | 'categories'>,
  valueOf: (key: string) => number | undefined,
  carriedOver: boolean,
  history: History,
): string[] {
  const out: string[] = [];
  const key = lineKey(ind.code);
  const value = valueOf(key);
  if (value === undefined) return out;
  const prev = history.previous.get(key);
  const maxFlow = history.maxPastFlow.get(key);
  if (history.pastQuarters >= JUMP_RULES_FROM && !carriedOver) {
    if (ind.kind === 'stock' && prev !== undefined) {
      const change = prev === 0 ? (value === 0 ? 0 : Infinity) : (value - prev) / prev;
      if (Math.abs(change) > STOCK_CHANGE) {
        out.push(
          prev === 0
            ? t('entry.flag.jumpFromZero')
            : t('entry.flag.jump', { change: `${change > 0 ? '+' : '\u2212'}${Math.abs(Math.round(change * 100))}` }),
        );
      }
    }
    if (ind.kind === 'flow' && maxFlow !== undefined && value > FLOW_MULTIPLE * maxFlow) {
      out.push(t('entry.flag.peak', { max: show(maxFlow, ind.decimals) }));
    }
  }
  const register = history.register;
  if (register?.has(key)) {
    const keys = [key, ...ind.categories.map((c) => lineKey(ind.code, c.code))];
    const differs = keys.some((k) => register.has(k) && valueOf(k) !== undefined && valueOf(k) !== register.get(k)! * SCALE);
    if (differs) out.push(t('entry.flag.register', { count: String(register.get(key)) }));
  }
  return out;
}
