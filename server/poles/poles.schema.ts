import { z } from 'zod';
import { parseQuarter } from '../lib/quarters.ts';
import { isValidSiren } from '../lib/siren.ts';
import { asList, optionalVersionField, textField, versionField } from '../http/form.ts';
import { isAllDigits } from '../lib/slug.ts';
import { t } from '../i18n/messages.ts';

export const FOUNDING_WAVES = ['aap_2013', 'aap_2015', 'ami_2021_2023', 'autre'] as const;
export const MEMBER_CATEGORIES = ['ess', 'non_ess', 'collectivite', 'recherche', 'formation', 'autre'] as const;
export type MemberCategory = (typeof MEMBER_CATEGORIES)[number];

const text = (max: number) => textField(max);
const required = (max: number, message: string) => text(max).min(1, { error: message });

const isoDate = z
  .string({ error: 'Date invalide.' })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Saisissez une date au format JJ/MM/AAAA.' })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    error: 'Cette date n’existe pas.',
  });

/** The pole form, as posted (French messages next to each field). */
export function poleFormSchema(currentYear: number) {
  return z.object({
    name: required(200, 'Saisissez le nom du pôle.'),
    slug: text(100)
      .regex(/^([a-z0-9]+(-[a-z0-9]+)*)?$/, {
        error: 'Lettres minuscules, chiffres et tirets uniquement (par exemple « pole-sud-aveyron »).',
      })
      .refine((s) => !isAllDigits(s), { error: t('poles.slug.allDigits') }),
    region_code: required(3, 'Choisissez une région.'),
    departement_code: required(3, 'Choisissez le département principal.'),
    territory_epci: text(2000),
    territory_departements: z.preprocess(asList, z.array(z.string().max(3)).max(101)),
    creation_year: z
      .string({ error: 'Saisissez l’année de création.' })
      .trim()
      .regex(/^\d{4}$/, { error: 'Saisissez une année sur quatre chiffres.' })
      .transform(Number)
      .refine((y) => y >= 1980 && y <= currentYear, { error: `L’année doit être comprise entre 1980 et ${currentYear}.` }),
    first_report: z
      .string({ error: 'Saisissez le premier trimestre de saisie.' })
      .trim()
      .transform((s, ctx) => {
        const q = parseQuarter(s);
        if (!q) {
          ctx.addIssue({ code: 'custom', message: 'Saisissez un trimestre sous la forme 2024-T1.' });
          return z.NEVER;
        }
        return q;
      })
      .refine((q) => q.year >= 2010 && q.year <= currentYear + 1, { error: 'Ce trimestre est hors de la période possible.' }),
    legal_form: text(100),
    description: text(2000),
    contact_email: text(254).refine((s) => s === '' || z.email().safeParse(s).success, {
      error: 'Saisissez une adresse électronique valide, par exemple contact@pole.fr.',
    }),
    website: text(300).refine((s) => s === '' || /^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(s), {
      error: 'Saisissez une adresse web complète, commençant par https://.',
    }),
    founding_wave: z.enum(FOUNDING_WAVES, { error: 'Choisissez la vague de labellisation.' }),
    version: optionalVersionField(),
  });
}
export type PoleForm = z.infer<ReturnType<typeof poleFormSchema>>;

export const memberFormSchema = z
  .object({
    name: required(200, 'Saisissez le nom de la structure.'),
    siren: text(20)
      .transform((s) => s.replace(/[\s\u00a0\u202f]/g, ''))
      .refine((s) => s === '' || /^\d{9}$/.test(s), { error: 'Le SIREN compte 9 chiffres.' })
      .refine((s) => s === '' || isValidSiren(s), { error: 'Ce numéro SIREN n’est pas valide (clé de contrôle incorrecte).' }),
    category: z.enum(MEMBER_CATEGORIES, { error: 'Choisissez la catégorie de l’article 9.' }),
    joined_on: isoDate,
    left_on: z.union([z.literal(''), isoDate]),
    version: optionalVersionField(),
  })
  .superRefine((m, ctx) => {
    if (m.left_on && m.left_on < m.joined_on) {
      ctx.addIssue({ code: 'custom', path: ['left_on'], message: 'La date de sortie doit suivre la date d’adhésion.' });
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
