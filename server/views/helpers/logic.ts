import type { HelperOptions } from 'handlebars';

export const eq = (a: unknown, b: unknown): boolean => a === b || String(a) === String(b);
export const not = (a: unknown): boolean => !a;
export const or = (...args: unknown[]): boolean => args.slice(0, -1).some(Boolean);
export const and = (...args: unknown[]): boolean => args.slice(0, -1).every(Boolean);

/** {{includes list value}} */
export function includes(list: unknown, value: unknown): boolean {
  return Array.isArray(list) && list.some((v) => String(v) === String(value));
}

/** {{#if (isRole user "staff")}} */
export function isRole(user: { role?: string } | undefined, ...roles: unknown[]): boolean {
  const wanted = roles.slice(0, -1) as string[];
  return Boolean(user && wanted.includes(user.role ?? ''));
}

/** {{json value}} for `data-` attributes: Handlebars escapes it as an attribute value. */
export function json(value: unknown, _options?: HelperOptions): string {
  return JSON.stringify(value ?? null);
}

/** {{concat "role." user.role}} */
export function concat(...args: unknown[]): string {
  return args.slice(0, -1).map((a) => String(a ?? '')).join('');
}

export const lt = (a: unknown, b: unknown): boolean => Number(a) < Number(b);

/** {{#if (hasAny errors)}}: an object with at least one key (Handlebars treats {} as true). */
export function hasAny(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value && typeof value === 'object' && Object.keys(value).length > 0);
}
