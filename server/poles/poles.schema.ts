import { z } from 'zod';
import { parseQuarter } from '../lib/quarters.ts';
import { isValidSiren } from '../lib/siren.ts';
import { choiceField, isoDateField, listField, optionalVersionField, requiredTextField, textField, versionField } from '../http/fields.ts';
import { isAllDigits } from '../lib/slug.ts';
import { t } from '../i18n/messages.ts';

export const FOUNDING_WAVES = ['aap_2013', 'aap_2015', 'ami_2021_2023', 'autre'] as const;
export const MEMBER_CATEGORIES = ['ess', 'non_ess', 'collectivite', 'recherche', 'formation', 'autre'] as const;
export type MemberCategory = (typeof MEMBER_CATEGORIES)[number];

const text = (max: number) => textField(max);
const required = (max: number, message: string) => requiredTextField(max, message, 'invalid');
const isoDate = isoDateField();

/** The pole form, as posted (French messages next to each field). */
export function poleFormSchema(currentYear: number) {
  return z.object({
    name: required(200, t('poles.error.name')),
    slug: text(100)
      .regex(/^([a-z0-9]+(-[a-z0-9]+)*)?$/, { error: t('poles.error.slugFormat') })
      .refine((s) => !isAllDigits(s), { error: t('poles.slug.allDigits') }),
    region_code: required(3, t('poles.error.region')),
    departement_code: required(3, t('poles.error.departement')),
    territory_epci: text(2000),
    territory_departements: listField(z.array(z.string().max(3)).max(101)),
    creation_year: z
      .string({ error: t('poles.error.creationYear') })
      .trim()
      .regex(/^\d{4}$/, { error: t('poles.error.yearDigits') })
      .transform(Number)
      .refine((y) => y >= 1980 && y <= currentYear, { error: t('form.yearRange', { min: 1980, max: currentYear }) }),
    first_report: z
      .string({ error: t('poles.error.firstReport') })
      .trim()
      .transform((s, ctx) => {
        const q = parseQuarter(s);
        if (!q) {
          ctx.addIssue({ code: 'custom', message: t('form.quarterFormat') });
          return z.NEVER;
        }
        return q;
      })
      .refine((q) => q.year >= 2010 && q.year <= currentYear + 1, { error: t('poles.error.firstReportRange') }),
    founding_wave: choiceField(FOUNDING_WAVES, t('poles.error.wave')),
    legal_form: text(100),
    description: text(2000),
    contact_email: text(254).refine((s) => s === '' || z.email().safeParse(s).success, { error: t('poles.error.email') }),
    website: text(300).refine((s) => s === '' || /^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(s), { error: t('poles.error.website') }),
    version: optionalVersionField(),
  });
}
export type PoleForm = z.infer<ReturnType<typeof poleFormSchema>>;

export const memberFormSchema = z
  .object({
    name: required(200, t('poles.error.memberName')),
    siren: text(20)
      .transform((s) => s.replace(/[\s\u00a0\u202f]/g, ''))
      .refine((s) => s === '' || /^\d{9}$/.test(s), { error: t('poles.error.sirenDigits') })
      .refine((s) => s === '' || isValidSiren(s), { error: t('poles.error.sirenKey') }),
    category: choiceField(MEMBER_CATEGORIES, t('poles.error.category')),
    joined_on: isoDate,
    left_on: z.union([z.literal(''), isoDate]),
    version: optionalVersionField(),
  })
  .superRefine((m, ctx) => {
    if (m.left_on && m.left_on < m.joined_on) {
      ctx.addIssue({ code: 'custom', path: ['left_on'], message: t('poles.error.leftBeforeJoined') });
    }
  });
export type MemberForm = z.infer<typeof memberFormSchema>;

export const archiveFormSchema = z.object({
  archived_on: isoDate,
  version: versionField(),
});

/** Décret 2015-431: at least three members, with one ESS enterprise, one other enterprise and one other actor. */
export function compositionRule(categories: MemberCategory[]) {
  const hasEss = categories.includes('ess');
  const hasNonEss = categories.includes('non_ess');
  const hasOther = categories.some((c) => c !== 'ess' && c !== 'non_ess');
  return { count: categories.length, hasEss, hasNonEss, hasOther, met: categories.length >= 3 && hasEss && hasNonEss && hasOther };
}
