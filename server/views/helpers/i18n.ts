import type { HelperOptions } from 'handlebars';
import { t } from '../../i18n/messages.ts';

/** {{t "key" name=value}}: a message from the catalogue, with its placeholders filled. */
export function tHelper(key: string, options: HelperOptions): string {
  return t(key, (options?.hash ?? {}) as Record<string, string | number>);
}
