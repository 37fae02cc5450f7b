import { DateTime } from 'luxon';
import { ZONE } from './clock.ts';
import { SCALE } from './decimal.ts';

const numberFormats = new Map<number, Intl.NumberFormat>();

/** fr-FR number with a fixed number of decimals (narrow no-break space between thousands). */
export function formatNumber(value: number, decimals = 0): string {
  let f = numberFormats.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    numberFormats.set(decimals, f);
  }
  return f.format(value);
}

export function formatScaled(scaled: number | null | undefined, decimals = 0): string {
  if (scaled === null || scaled === undefined) return '';
  return formatNumber(scaled / SCALE, decimals);
}

/** '26 novembre 2026' (date) or '26 novembre 2026 à 10:13' (date and time), in Paris time. */
export function formatDate(value: DateTime | string | null | undefined, withTime = false): string {
  if (!value) return '';
  const dt = typeof value === 'string' ? DateTime.fromISO(value, { zone: 'utc' }) : value;
  if (!dt.isValid) return '';
  const local = dt.setZone(ZONE).setLocale('fr');
  return withTime ? `${local.toFormat('d LLLL yyyy')} à ${local.toFormat('HH:mm')}` : local.toFormat('d LLLL yyyy');
}
