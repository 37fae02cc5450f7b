/** 'Pôle Sud-Aveyron' → 'pole-sud-aveyron'; '2030' → 'pole-2030' (a slug is never all digits). */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 95);
  return isAllDigits(slug) ? `pole-${slug}` : slug;
}

/**
 * An all-digit slug reads like an id in a URL: one was once taken for another pole's id by the access
 * check. New ones are refused, existing ones are reported at start (see bootstrap) and refused at the
 * next edit of their pole.
 */
export function isAllDigits(slug: string): boolean {
  return /^\d+$/.test(slug);
}
