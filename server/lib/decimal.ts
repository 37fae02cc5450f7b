// Exact decimals as scaled integers (× 10 000): no floating point ever touches a stored figure.
export const SCALE_DIGITS = 4;
export const SCALE = 10 ** SCALE_DIGITS;

export type ParseDecimalResult =
  { ok: true; scaled: number; decimals: number } | { ok: false; reason: 'empty' | 'not_a_number' | 'too_many_decimals' | 'too_large' };

// Spaces French writers put between thousands: ordinary, non-breaking, narrow non-breaking, thin.
const GROUP_SPACES = /[\u0020\u00a0\u202f\u2009]/g;

/** Parses '12,5', '1 234', '-3.25' into a scaled integer; refuses anything else. */
export function parseDecimal(input: string): ParseDecimalResult {
  const s = input.trim().replace(GROUP_SPACES, '');
  if (s === '') return { ok: false, reason: 'empty' };
  const m = /^([+-]?)(\d+)(?:[.,](\d+))?$/.exec(s);
  if (!m) return { ok: false, reason: 'not_a_number' };
  const [, sign, whole, frac = ''] = m;
  if (frac.length > SCALE_DIGITS) return { ok: false, reason: 'too_many_decimals' };
  if (whole.replace(/^0+/, '').length > 11) return { ok: false, reason: 'too_large' };
  const scaled = Number(whole) * SCALE + Number(frac.padEnd(SCALE_DIGITS, '0'));
  return { ok: true, scaled: sign === '-' ? -scaled : scaled, decimals: frac.replace(/0+$/, '').length };
}

/** Scaled integer back to a plain decimal string ('12.5'), exact. */
export function scaledToString(scaled: number): string {
  const sign = scaled < 0 ? '-' : '';
  const abs = Math.abs(scaled);
  const whole = Math.floor(abs / SCALE);
  const frac = String(abs % SCALE)
    .padStart(SCALE_DIGITS, '0')
    .replace(/0+$/, '');
  return sign + String(whole) + (frac ? `.${frac}` : '');
}

/** Scaled integer to a French input value ('12,5'), without thousands separators so it re-parses. */
export function scaledToInput(scaled: number | null | undefined): string {
  if (scaled === null || scaled === undefined) return '';
  return scaledToString(scaled).replace('.', ',');
}

export function readScaled(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : Number(value);
}
