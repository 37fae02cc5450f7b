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

/** Every chart's data, from the data-chart attributes (JSON escaped by Handlebars). */
export function chartsOf(
  html: string,
): { labels: string[]; series: { label: string; axis?: string; values: (number | null)[]; role?: string }[] }[] {
  const unescape = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#x27;/g, "'")
      .replace(/&#x3D;/g, '=')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return [...html.matchAll(/data-chart="([^"]*)"/g)].map((m) => JSON.parse(unescape(m[1])));
}
