import { formatDate, formatNumber, formatScaled } from '../../lib/format.ts';

/** {{number value decimals}} */
export function numberHelper(value: unknown, decimals: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  return formatNumber(Number(value), typeof decimals === 'number' ? decimals : 0);
}

/** {{scaled value decimals}}: an exact decimal stored × 10 000. */
export function scaledHelper(value: unknown, decimals: unknown): string {
  if (value === null || value === undefined) return '';
  return formatScaled(Number(value), typeof decimals === 'number' ? decimals : 0);
}

/** {{date iso}} and {{dateTime iso}} in Paris time, French words. */
export function dateHelper(value: unknown): string {
  return formatDate(typeof value === 'string' ? value : null);
}
export function dateTimeHelper(value: unknown): string {
  return formatDate(typeof value === 'string' ? value : null, true);
}
