// Searching the narratives by word, without regard to case or accents (« economie » finds « Économie »),
// and the text cut into paragraphs and pieces, the matched ones marked. Pure: the page's template writes
// each piece with {{ }} (escaped) and wraps the marked ones in <mark>, so no HTML is ever built here.

/** The longest search a URL may carry. */
export const MAX_QUERY = 100;
/** Words beyond these are ignored (a pasted paragraph is not a search). */
const MAX_TERMS = 10;

/** Letters written as two in a folded text, so that « coeur » finds « cœur ». */
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', '’': "'", ʼ: "'" };

/** A text folded for comparison, and for each of its UTF-16 units the span of the original character it comes from. */
interface Folded {
  text: string;
  from: number[];
  to: number[];
}

function fold(original: string): Folded {
  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  let at = 0;
  for (const ch of original) {
    const lower = ch.toLowerCase();
    const folded = (LIGATURES[lower] ?? lower).normalize('NFD').replace(/\p{M}/gu, '');
    for (const unit of folded.split('')) {
      text += unit;
      from.push(at);
      to.push(at + ch.length);
    }
    at += ch.length;
  }
  return { text, from, to };
}

/** A text as compared: lower case, accents and combining marks removed, ligatures spelt out. */
export function foldText(text: string): string {
  return fold(text).text;
}

/** The words of a search, folded, each once (none: no search). */
export function searchTerms(q: string): string[] {
  const words = foldText(q)
    .split(/\s+/)
    .filter((w) => w.length > 0);
  return [...new Set(words)].slice(0, MAX_TERMS);
}

/** Whether every word of the search is somewhere in the texts (each word in one text or another). */
export function matchesAll(texts: string[], terms: string[]): boolean {
  const folded = texts.map(foldText);
  return terms.every((term) => folded.some((f) => f.includes(term)));
}

export interface Piece {
  text: string;
  mark: boolean;
}

/** Where the words occur in `original`, as spans of it, merged where they touch or overlap. */
function spans(original: string, terms: string[]): [number, number][] {
  const f = fold(original);
  const found: [number, number][] = [];
  for (const term of terms) {
    for (let i = f.text.indexOf(term); i >= 0; i = f.text.indexOf(term, i + 1)) found.push([f.from[i], f.to[i + term.length - 1]]);
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const s of found) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** One line of text in pieces, those matching a word marked. */
export function pieces(line: string, terms: string[]): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  for (const [start, end] of terms.length ? spans(line, terms) : []) {
    if (start > at) out.push({ text: line.slice(at, start), mark: false });
    out.push({ text: line.slice(start, end), mark: true });
    at = end;
  }
  if (at < line.length) out.push({ text: line.slice(at), mark: false });
  return out;
}

/** A narrative as typed, in paragraphs (its line breaks; blank lines dropped), each in pieces. */
export function paragraphs(text: string, terms: string[]): Piece[][] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => pieces(line, terms));
}
