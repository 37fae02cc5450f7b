// The one rule for the characters a stored text may hold, whatever its way in (form, CSV, XLSX, API, CLI):
// no C0 control character other than tab and newline, no DEL, no lone UTF-16 surrogate. PostgreSQL
// refuses NUL in text outright; the others are invisible, never typed on purpose, and a lone surrogate
// cannot be encoded in UTF-8 (the driver would silently store U+FFFD instead). A carriage return is a
// line break written the Windows (CRLF) or old Mac (CR) way: it is normalised to LF, never refused.

import { t } from '../i18n/messages.ts';

// CR (U+000D) is left out: normaliseNewlines turns it into LF before anything is stored.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

export interface ControlChar {
  /** 0-based position in the string (UTF-16 code units). */
  index: number;
  /** The code unit, e.g. 0 for NUL. */
  code: number;
  /** How a person can read it: U+0000. */
  label: string;
}

/** The first character a stored text may not hold, or null when the text is clean. */
export function findControlChar(s: string): ControlChar | null {
  const m = CONTROL.exec(s);
  if (!m) return null;
  const code = m[0].charCodeAt(0);
  return { index: m.index, code, label: `U+${code.toString(16).toUpperCase().padStart(4, '0')}` };
}

/** What is wrong with a text, said in French for the field or the preview; null when it is clean. */
export function controlCharProblem(s: string): string | null {
  const c = findControlChar(s);
  return c ? t('form.controlChar', { char: c.label, position: c.index + 1 }) : null;
}

export function hasControlChar(s: string): boolean {
  return CONTROL.test(s);
}

/** CRLF and lone CR become LF (what a browser's textarea sends, what a Windows CSV holds). */
export function normaliseNewlines(s: string): string {
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

/** The text with line breaks normalised and every forbidden character removed: for ways in that clean. */
export function cleanText(s: string): string {
  return normaliseNewlines(s).replace(CONTROL_ALL, '');
}

/** Whether any string inside a parsed query or body (nested objects and arrays) holds a forbidden character. */
export function containsControlChar(value: unknown, test: (s: string) => boolean = hasControlChar): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) return value.some((v) => containsControlChar(v, test));
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => test(k) || containsControlChar(v, test));
  return false;
}
