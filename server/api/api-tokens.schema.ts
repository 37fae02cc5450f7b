import { z } from 'zod';
import { t } from '../i18n/messages.ts';

/** The profile page's « Créer un jeton » form. */
export const createTokenSchema = z.object({
  token_name: z
    .string({ error: t('apiTokens.error.nameRequired') })
    .trim()
    .min(1, { error: t('apiTokens.error.nameRequired') })
    .max(80, { error: t('form.tooLong', { max: 80 }) }),
});

/** A token id in a URL: digits only, else the token is simply not found. */
export function tokenIdParam(raw: string | undefined): number | null {
  return raw !== undefined && /^\d{1,9}$/.test(raw) ? Number(raw) : null;
}
