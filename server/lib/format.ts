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
  // French writes the first of the month as an ordinal: « 1er janvier », then « 2 janvier ».
  const day = `${local.day === 1 ? '1er' : local.day} ${local.toFormat('LLLL yyyy')}`;
  return withTime ? `${day} à ${local.toFormat('HH:mm')}` : day;
}

/**
 * A stored timestamp as files write it: ISO 8601 in Paris time with its offset ('2026-12-02T17:47:00+01:00'),
 * the wall-clock time the screens show, unambiguous once the file leaves the platform. Stored timestamps are
 * UTC: ISO strings, or 'YYYY-MM-DD HH:MM:SS' (SQLite's CURRENT_TIMESTAMP); pg may hand back a Date.
 */
export function isoParis(value: DateTime | Date | string | null | undefined): string {
  if (!value) return '';
  let dt: DateTime;
  if (value instanceof Date) dt = DateTime.fromJSDate(value);
  else if (typeof value === 'string') {
    dt = DateTime.fromISO(value, { zone: 'utc' });
    if (!dt.isValid) dt = DateTime.fromSQL(value, { zone: 'utc' });
  } else dt = value;
  if (!dt.isValid) return typeof value === 'string' ? value : '';
  return dt.setZone(ZONE).toISO({ suppressMilliseconds: true }) ?? '';
}

const signedOne = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });

/** A change in plain units, signed, one decimal: « +4,2 % », « −3,0 pt » (points, for a ratio). */
export function formatChange(change: number, unit: 'percent' | 'points'): string {
  // The typographic minus sign, which ICU's fr-FR data writes as a hyphen.
  return `${signedOne.format(change).replace('-', '\u2212')}\u00a0${unit === 'points' ? 'pt' : '%'}`;
}
