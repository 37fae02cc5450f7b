// The one set of zod field builders the form schemas are made of: text, numbers, dates, choices, ids and
// versions. Each rule (trimming, bounds, the control-character refusal, what a missing field answers) is
// written here once; the schemas only name their fields, limits and messages (from the catalogue).
import { z } from 'zod';
import { t } from '../i18n/messages.ts';
import { controlCharProblem, normaliseNewlines } from '../lib/text.ts';
import { readInteger, readVersion } from './params.ts';

/** A repeated form field (checkboxes, multiple select) as an array, whatever the browser sent. */
export function asList(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
}

type StringType = Parameters<typeof z.string>[0];

/**
 * What a field answers when the form sent no single string: `required` its own message (absent or
 * repeated alike), `invalid` the generic form.invalid, `requiredIfAbsent` its message when absent and
 * form.invalid when repeated.
 */
export type WhenNotText = 'required' | 'invalid' | 'requiredIfAbsent';

export function notText(message: string, when: WhenNotText): StringType {
  if (when === 'required') return { error: message };
  if (when === 'invalid') return { error: t('form.invalid') };
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? message : t('form.invalid')) };
}

/**
 * The one builder of form text fields: line breaks normalised to LF, trimmed, bounded, and refused
 * (message next to the field, what was typed kept) when it holds a control character. Refused rather
 * than cleaned: the person sees the form again and nothing they typed changes behind their back.
 */
export function textField(max: number, o: { type?: StringType; tooLong?: string } = {}) {
  return z
    .string(o.type ?? { error: t('form.invalid') })
    .overwrite(normaliseNewlines)
    .trim()
    .max(max, { error: o.tooLong ?? t('form.tooLong', { max }) })
    .check((ctx) => {
      const problem = controlCharProblem(ctx.value);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
    });
}

/** A text field that must not be empty; `when` says what a field that is not one string answers. */
export function requiredTextField(max: number, message: string, when: WhenNotText = 'required') {
  return textField(max, { type: notText(message, when) }).min(1, { error: message });
}

/** A whole number typed in a form, min..max, else `message`. */
export function integerField(message: string, min: number, max: number) {
  return z
    .string({ error: message })
    .trim()
    .regex(/^-?\d{1,9}$/, { error: message })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: message });
}

/** A calendar date typed as YYYY-MM-DD (the date input's value), and one that exists. */
export function isoDateField() {
  return z
    .string({ error: t('form.dateInvalid') })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: t('form.dateFormat') })
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
      error: t('form.dateUnknown'),
    });
}

/** One value of a select or a radio group, among `values`, else `message`. */
export function choiceField<const T extends readonly string[]>(values: T, message: string) {
  return z.enum(values, { error: message });
}

/** Ticked checkboxes or a multiple select: read as a list whatever the browser sent (none, one, several). */
export function listField<L extends z.ZodType>(list: L) {
  return z.preprocess(asList, list);
}

function boundedInteger(read: (raw: string) => number | undefined, message: string) {
  return z.string({ error: message }).transform((s, ctx) => {
    const n = read(s);
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return n;
  });
}

/** A row id posted in a form (a select's value, a checkbox): 1..2^31-1, else a field error (422). */
export const idField = (message = t('form.invalid')) => boundedInteger((s) => readInteger(s), message);

/**
 * A hidden version field: 0..2^31-2 (saving stores it plus one, which must still fit the column), else a
 * field error (422).
 */
export const versionField = (message = t('form.invalid'), min = 0) => boundedInteger((s) => readVersion(s, min), message);
/** The same, where '' or absent means « no version » (a creation form). */
export const optionalVersionField = (message = t('form.invalid'), min = 0) =>
  z.preprocess((v) => (v === '' ? undefined : v), versionField(message, min).optional());

/**
 * A code read only when creating: on an edit form whatever is posted is ignored ('' ), since a code
 * never changes once files, URLs and filters name it.
 */
export const codeOnCreate = (field: z.ZodType<string>, mode: 'new' | 'edit') =>
  mode === 'new'
    ? field
    : z
        .unknown()
        .optional()
        .transform((): string => '');
