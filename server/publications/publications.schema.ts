import { z } from 'zod';
import { optionalVersionField, textField } from '../http/form.ts';
import type { SummaryPeriod } from '../exports/summary.types.ts';
import { parsePeriod } from '../lib/quarters.ts';

export const REASON_MAX = 2000;

/** The publish form, as posted (French messages next to each field). */
export const publishFormSchema = z.object({
  periode: z
    .string({ error: 'Choisissez la période à publier.' })
    .trim()
    .min(1, { error: 'Choisissez la période à publier.' })
    .transform((s, ctx): SummaryPeriod => {
      const p = parsePeriod(s);
      if (!p) {
        ctx.addIssue({ code: 'custom', message: 'Choisissez une période de la liste (un trimestre comme 2026-T3 ou une année comme 2025).' });
        return z.NEVER;
      }
      return p;
    }),
  motif: textField(REASON_MAX).default(''),
  // The version the form announced: a second submit (double click, or a colleague first) answers 409.
  version_attendue: optionalVersionField('Valeur invalide.', 1),
});

export type PublishForm = z.infer<typeof publishFormSchema>;
