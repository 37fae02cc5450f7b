import { z } from 'zod';
import { optionalVersionField, textField } from '../http/fields.ts';
import type { SummaryPeriod } from '../exports/summary.types.ts';
import { parsePeriod } from '../lib/quarters.ts';
import { t } from '../i18n/messages.ts';

export const REASON_MAX = 2000;

/** The publish form, as posted (French messages next to each field). */
export const publishFormSchema = z.object({
  periode: z
    .string({ error: t('publications.error.period') })
    .trim()
    .min(1, { error: t('publications.error.period') })
    .transform((s, ctx): SummaryPeriod => {
      const p = parsePeriod(s);
      if (!p) {
        ctx.addIssue({ code: 'custom', message: t('publications.error.periodList') });
        return z.NEVER;
      }
      return p;
    }),
  motif: textField(REASON_MAX).default(''),
  // The version the form announced: a second submit (double click, or a colleague first) answers 409.
  version_attendue: optionalVersionField(t('form.invalid'), 1),
});

export type PublishForm = z.infer<typeof publishFormSchema>;
