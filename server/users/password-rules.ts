import { checkPasswordPolicy } from '../auth/passwords.ts';
import { t } from '../i18n/messages.ts';

const splitWords = (s: string) => s.split(/[\s'’()._+@-]+/);

/** Words a password must not be built on: the person's name and address, their poles and regions (whole and word by word). */
export function contextWords(p: { email: string; displayName: string; poleNames?: string[]; regionNames?: string[] }): string[] {
  const [local = '', domain = ''] = p.email.toLowerCase().split('@');
  const names = [p.displayName, ...(p.poleNames ?? []), ...(p.regionNames ?? [])];
  return [
    ...names,
    ...names.flatMap(splitWords),
    p.email,
    local,
    ...splitWords(local),
    // The domain's labels but the last one ("fr", "org"): the organisation's name is a guessable word.
    ...domain.split('.').slice(0, -1),
  ].filter((w) => w.length > 0);
}

/** The French message for a password the policy refuses, or null when it is acceptable. */
export function passwordProblem(password: string, words: string[]): string | null {
  switch (checkPasswordPolicy(password, words)) {
    case 'too_short':
      return t('password.tooShort');
    case 'too_long':
      return t('password.tooLong');
    case 'too_common':
      return t('password.tooCommon');
    default:
      return null;
  }
}
