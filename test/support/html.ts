// Reading server-rendered pages in tests: their text as a person reads it, and one element's text.

/** The text of some HTML, tags removed and every kind of space (fr-FR uses no-break ones) made plain. */
export const text = (html: string): string =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim();

/** The inner text of the element with this id (elements without the same tag nested inside). */
export function byId(html: string, tag: string, id: string): string {
  return text(htmlById(html, tag, id));
}

/** The inner HTML of the element with this id (to read its links). */
export function htmlById(html: string, tag: string, id: string): string {
  const m = new RegExp(`<${tag}[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</${tag}>`).exec(html);
  if (!m) throw new Error(`no <${tag} id="${id}"> in page`);
  return m[1];
}
