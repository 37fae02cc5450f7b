import type { HelperOptions } from 'handlebars';
import { isMessageKey, t } from '../../i18n/messages.ts';

/**
 * {{t "key" name=value}}: a message from the catalogue, with its placeholders filled. A template's key
 * escapes the typecheck: an unknown one shows as itself, and test/i18n/catalogue.test.ts fails on it.
 */
export function tHelper(key: string, options: HelperOptions): string {
  return isMessageKey(key) ? t(key, (options?.hash ?? {}) as Record<string, string | number>) : key;
}
