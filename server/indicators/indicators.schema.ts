import { z } from 'zod';
import { asList } from '../http/form.ts';
import { choiceField, codeOnCreate, integerField, listField, notText, requiredTextField, textField } from '../http/fields.ts';
import { t } from '../i18n/messages.ts';
import { readVersion } from '../http/params.ts';
import { parseDecimal } from '../lib/decimal.ts';
import { compareQuarters, parseQuarter, type Quarter } from '../lib/quarters.ts';

export const UNITS = ['etp', 'nombre', 'tonnes', 'euros', 'pourcent', 'score'] as const;
export const KINDS = ['flow', 'stock', 'ratio', 'score'] as const;
export const OBJECTIVES = ['O1', 'O2', 'O3', 'O4', 'O5', 'O6'] as const;
export const DIRECTIONS = ['up', 'down'] as const;
export type Unit = (typeof UNITS)[number];
export type Kind = (typeof KINDS)[number];
export type Objective = (typeof OBJECTIVES)[number];

/** A ratio's numerator or denominator: an indicator, or one category of a disaggregated indicator. */
export interface Component {
  code: string;
  category: string | null;
}

export interface Bound {
  scaled: number;
  decimals: number;
}

// The same floor as a pole's first reporting quarter; the ceiling only keeps typing slips out.
const FIRST_YEAR = 2010;
const LAST_YEAR = 2100;
export const CODE_PATTERN = /^[A-Z0-9_]+$/;

// A missing field asks for a value; anything else that is not one string (a repeated field) is invalid.
const text = (max: number) => textField(max);
const required = (max: number, message: string) => requiredTextField(max, message, 'requiredIfAbsent');

const codeField = z
  .string(notText(t('indicators.error.code'), 'requiredIfAbsent'))
  .trim()
  .min(1, { error: t('indicators.error.code') })
  .max(40, { error: t('indicators.error.codeLength') })
  .regex(CODE_PATTERN, { error: t('indicators.error.codeFormat') });

const bound = z
  .string({ error: t('form.invalid') })
  .optional()
  .transform((s, ctx): Bound | null => {
    if (s === undefined || s.trim() === '') return null;
    const p = parseDecimal(s);
    if (p.ok) return { scaled: p.scaled, decimals: p.decimals };
    const message =
      p.reason === 'too_large'
        ? t('form.tooLarge')
        : p.reason === 'too_many_decimals'
          ? t('indicators.error.boundDecimals')
          : t('indicators.error.number');
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });

const quarter = z
  .string({ error: t('form.invalid') })
  .optional()
  .transform((s, ctx): Quarter | null => {
    if (s === undefined || s.trim() === '') return null;
    const q = parseQuarter(s);
    if (!q) {
      ctx.addIssue({ code: 'custom', message: t('form.quarterFormat') });
      return z.NEVER;
    }
    if (q.year < FIRST_YEAR || q.year > LAST_YEAR) {
      ctx.addIssue({ code: 'custom', message: t('form.yearRange', { min: FIRST_YEAR, max: LAST_YEAR }) });
      return z.NEVER;
    }
    return q;
  });

const component = z
  .string({ error: t('indicators.error.pickIndicator') })
  .optional()
  .transform((s, ctx): Component | null => {
    if (s === undefined || s.trim() === '') return null;
    const m = /^([A-Z0-9_]{1,40})(?::([a-z0-9_]{1,30}))?$/.exec(s.trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: t('indicators.error.pickIndicator') });
      return z.NEVER;
    }
    return { code: m[1], category: m[2] ?? null };
  });

/** The value the select uses for a component: 'MEMBRES' or 'MEMBRES:ess'. */
export function componentValue(c: Component | null): string {
  if (!c) return '';
  return c.category ? `${c.code}:${c.category}` : c.code;
}

export function sameComponent(a: Component, b: Component): boolean {
  return a.code === b.code && a.category === b.category;
}

/** The indicator form as posted; the code is only read when creating (it never changes afterwards). */
export function indicatorFormSchema(mode: 'new' | 'edit') {
  return z
    .object({
      code: codeOnCreate(codeField, mode),
      label_fr: required(200, t('indicators.error.labelFr')),
      label_en: required(200, t('indicators.error.labelEn')),
      definition_fr: text(2000).optional().default(''),
      definition_en: text(2000).optional().default(''),
      unit: choiceField(UNITS, t('indicators.error.unit')),
      decimals: integerField(t('indicators.error.decimals'), 0, 4),
      min: bound,
      max: bound,
      kind: choiceField(KINDS, t('indicators.error.kind')),
      numerator: component,
      denominator: component,
      objectives: listField(
        z.array(choiceField(OBJECTIVES, t('indicators.error.objectives'))).min(1, { error: t('indicators.field.objectivesHint') }),
      ),
      direction: choiceField(DIRECTIONS, t('indicators.error.direction')),
      first_quarter: quarter,
      last_quarter: quarter,
      // An unticked checkbox is simply absent from the form.
      active: z
        .unknown()
        .optional()
        .transform((v) => asList(v).includes('1')),
      display_order: integerField(t('indicators.error.displayOrder'), 0, 100_000),
      // An unreadable version cannot prove the form is current: the handler then answers as for a stale one.
      version: z
        .unknown()
        .optional()
        .transform((v) => readVersion(v)),
    })
    .superRefine(
      (f, ctx) => {
        // A field that failed on its own still holds its raw input here: leave it out of the rules between fields.
        const has = (v: unknown, key: string) => typeof v === 'object' && v !== null && key in v;
        const kindOk = (KINDS as readonly unknown[]).includes(f.kind);
        const issues = crossFieldIssues(
          {
            decimals: typeof f.decimals === 'number' ? f.decimals : 4,
            min: has(f.min, 'scaled') ? f.min : null,
            max: has(f.max, 'scaled') ? f.max : null,
            kind: kindOk ? f.kind : 'flow',
            numerator: has(f.numerator, 'code') ? f.numerator : null,
            denominator: has(f.denominator, 'code') ? f.denominator : null,
            first_quarter: has(f.first_quarter, 'year') ? f.first_quarter : null,
            last_quarter: has(f.last_quarter, 'year') ? f.last_quarter : null,
          },
          !kindOk,
        );
        for (const { field, message } of issues) ctx.addIssue({ code: 'custom', path: [field], message });
      },
      // Run even when another field is missing or malformed, so that every message shows at once.
      { when: () => true },
    );
}
export type IndicatorForm = z.infer<ReturnType<typeof indicatorFormSchema>>;

type CrossFieldInput = Pick<
  IndicatorForm,
  'decimals' | 'min' | 'max' | 'kind' | 'numerator' | 'denominator' | 'first_quarter' | 'last_quarter'
>;

/** The rules between fields that need no database: bounds, ratio shape, quarter order. */
export function crossFieldIssues(f: CrossFieldInput, kindUnknown = false): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = [];
  if (kindUnknown) {
    // Whether bounds or components are allowed depends on the kind: wait for a valid one.
  } else if (f.kind === 'ratio') {
    // A ratio is recomputed from its components: bounds would be meaningless.
    for (const field of ['min', 'max'] as const) {
      if (f[field]) issues.push({ field, message: t('indicators.error.ratioBounds') });
    }
    if (!f.numerator) issues.push({ field: 'numerator', message: t('indicators.error.numerator') });
    if (!f.denominator) issues.push({ field: 'denominator', message: t('indicators.error.denominator') });
    if (f.numerator && f.denominator && sameComponent(f.numerator, f.denominator)) {
      issues.push({ field: 'denominator', message: t('indicators.error.sameComponents') });
    }
  } else {
    for (const field of ['numerator', 'denominator'] as const) {
      if (f[field]) issues.push({ field, message: t('indicators.error.componentsNotRatio') });
    }
    for (const field of ['min', 'max'] as const) {
      const b = f[field];
      if (b && b.decimals > f.decimals) issues.push({ field, message: decimalsMessage(f.decimals) });
    }
    if (f.min && f.max && f.min.scaled > f.max.scaled) {
      issues.push({ field: 'max', message: t('indicators.error.maxBelowMin') });
    }
  }
  if (f.first_quarter && f.last_quarter && compareQuarters(f.first_quarter, f.last_quarter) > 0) {
    issues.push({ field: 'last_quarter', message: t('indicators.error.quarterOrder') });
  }
  return issues;
}

function decimalsMessage(decimals: number): string {
  if (decimals === 0) return t('indicators.error.boundInteger');
  return decimals > 1 ? t('indicators.error.boundDecimalsOf.n', { decimals }) : t('indicators.error.boundDecimalsOf.1');
}

export const listQuerySchema = z.object({
  etat: z.enum(['tous', 'actifs', 'inactifs']).optional(),
  objectif: z.union([z.literal(''), z.enum(OBJECTIVES)]).optional(),
});
