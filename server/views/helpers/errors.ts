/** One line of the error summary: a link to the field in error, or plain text for the whole form. */
export interface ErrorLink {
  href?: string;
  text: string;
}

/**
 * {{#each (errorLinks errors)}}: the error summary's lines. A list the page already ordered (the entry
 * form) passes through; an object keeps its own order, the schema's, which follows the page. `_form`
 * is about the whole form: it has no field to link to.
 */
export function errorLinks(errors: unknown): ErrorLink[] {
  if (Array.isArray(errors)) return errors as ErrorLink[];
  if (!errors || typeof errors !== 'object') return [];
  return Object.entries(errors as Record<string, unknown>)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
    .map(([name, text]) => (name === '_form' ? { text } : { href: `#f-${name}`, text }));
}
