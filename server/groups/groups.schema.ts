import { z } from 'zod';
import { codeOnCreate, integerField, optionalVersionField, requiredTextField, textField } from '../http/fields.ts';
import { t } from '../i18n/messages.ts';
import { parseQuarter, quarterIndex } from '../lib/quarters.ts';

/** A code as URLs and files will name a set or a group: lower case letters, digits and hyphens. */
const codeField = requiredTextField(40, t('groups.error.codeMissing'), 'requiredIfAbsent').regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
  error: t('groups.error.codeFormat'),
});
const labelField = requiredTextField(200, t('groups.error.labelMissing'), 'requiredIfAbsent');
const orderField = z.preprocess((v) => (v === '' || v === undefined ? '0' : v), integerField(t('groups.error.order'), 0, 999));

/** The set form: the code only when creating (it never changes: later filters and files name it). */
export function setFormSchema(mode: 'new' | 'edit') {
  return z.object({
    code: codeOnCreate(codeField, mode),
    label_fr: labelField,
    description_fr: textField(2000),
    display_order: orderField,
    version: optionalVersionField(),
  });
}
export type SetForm = z.infer<ReturnType<typeof setFormSchema>>;

/** The group form; `active` is a select (« actif » / « désactivé »): a deactivated group takes no new pole. */
export function groupFormSchema(mode: 'new' | 'edit') {
  return z.object({
    code: codeOnCreate(codeField, mode),
    label_fr: labelField,
    display_order: orderField,
    active: z
      .preprocess((v) => (v === undefined ? 'oui' : v), z.enum(['oui', 'non'], { error: t('form.invalid') }))
      .transform((v) => v === 'oui'),
    version: optionalVersionField(),
  });
}
export type GroupForm = z.infer<ReturnType<typeof groupFormSchema>>;

/** A quarter typed in a form (2024-T1, 2024-Q1…), as its index, within the years a membership may start. */
export function quarterField(currentYear: number) {
  return z
    .string({ error: t('groups.error.quarterMissing') })
    .trim()
    .transform((s, ctx) => {
      const q = parseQuarter(s);
      if (!q) {
        ctx.addIssue({ code: 'custom', message: s ? t('form.quarterFormat') : t('groups.error.quarterMissing') });
        return z.NEVER;
      }
      if (q.year < 2010 || q.year > currentYear + 2) {
        ctx.addIssue({ code: 'custom', message: t('groups.error.quarterRange', { min: 2010, max: currentYear + 2 }) });
        return z.NEVER;
      }
      return quarterIndex(q);
    });
}

const digestField = z.string({ error: t('form.invalid') }).regex(/^[0-9a-f]{32}$/, { error: t('form.invalid') });

/** « Placer dans un groupe à partir de … ». */
export function joinFormSchema(currentYear: number) {
  return z.object({
    group: z
      .string({ error: t('groups.error.groupMissing') })
      .regex(/^[1-9]\d{0,9}$/, { error: t('groups.error.groupMissing') })
      .transform(Number),
    from: quarterField(currentYear),
    digest: digestField,
  });
}
export type JoinForm = z.infer<ReturnType<typeof joinFormSchema>>;

/** « Retirer à partir de … ». */
export function leaveFormSchema(currentYear: number) {
  return z.object({ from: quarterField(currentYear), digest: digestField });
}
export type LeaveForm = z.infer<ReturnType<typeof leaveFormSchema>>;
