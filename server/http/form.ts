import { z } from 'zod';
import { t } from '../i18n/messages.ts';
import { controlCharProblem, normaliseNewlines } from '../lib/text.ts';
import { readInteger, readVersion } from './params.ts';

export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** The submitted form as plain strings (arrays for repeated fields), for re-rendering typed values. */
export function formValues(body: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

/** Validates with a zod schema whose messages are French; keeps the first message per field. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? '_form');
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/** A repeated form field (checkboxes, multiple select) as an array, whatever the browser sent. */
export function asList(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
}

/**
 * The one builder of form text fields: line breaks normalised to LF, trimmed, bounded, and refused
 * (message next to the field, what was typed kept) when it holds a control character. Refused rather
 * than cleaned: the person sees the form again and nothing they typed changes behind their back.
 */
export function textField(max: number, o: { type?: Parameters<typeof z.string>[0]; tooLong?: string } = {}) {
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

/** A text field that must not be empty. */
export function requiredTextField(max: number, message: string, type?: Parameters<typeof z.string>[0]) {
  return textField(max, { type: type ?? { error: message } }).min(1, { error: message });
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
