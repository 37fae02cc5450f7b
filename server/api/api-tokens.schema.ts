import { z } from 'zod';
import { requiredTextField } from '../http/fields.ts';
import { t } from '../i18n/messages.ts';

/** The profile page's « Créer un jeton » form. */
export const createTokenSchema = z.object({
  token_name: requiredTextField(80, t('apiTokens.error.nameRequired')),
});
