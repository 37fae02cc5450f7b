import type { HelperOptions } from 'handlebars';
import { isMessageKey, isPluralKey, t, tn } from '../../i18n/messages.ts';

/**
 * {{t "key" name=value}}: a message from the catalogue, with its placeholders filled. A template's key
 * escapes the typecheck: an unknown one shows as itself, and test/i18n/catalogue.test.ts fails on it.
 */
export function tHelper(key: string, options: HelperOptions): string {
  return isMessageKey(key) ? t(key, (options?.hash ?? {}) as Record<string, string | number>) : key;
}

/**
 * {{tn "key" count name=value}}: the form of `key.1` / `key.n` that agrees with the count (« 1 alerte »,
 * « 3 alertes »), {count} written in French. An unknown key shows as itself, as with {{t}}.
 */
export function tnHelper(key: string, count: unknown, options: HelperOptions): string {
  const n = Number(count);
  if (!isPluralKey(key) || !Number.isFinite(n)) return key;
  return tn(key, n, (options?.hash ?? {}) as Record<string, string | number>);
}
