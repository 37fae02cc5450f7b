// The query of a region's narratives page: ?trimestre=2026-T3&q=mot. A repeated parameter arrives as an
// array (query parser 'simple') and fails z.string(): the 400 page. A malformed quarter or a search too
// long is said next to its field (400), the page shown on its default quarter with what was typed kept.
import { z } from 'zod';
import { BadRequest } from '../http/errors.ts';
import { blank, quarterParam } from '../http/query-params.ts';
import type { Quarter } from '../lib/quarters.ts';
import { MAX_QUERY } from './search-text.ts';

const shape = z.object({
  trimestre: z.preprocess(blank, z.string().max(200).optional()),
  q: z.preprocess(blank, z.string().max(2000).optional()),
});

export interface NarrativesQuery {
  /** The quarter asked, or undefined (the default one), also when malformed (then `errors.trimestre`). */
  quarter: Quarter | undefined;
  /** The search, trimmed ('' for none, also when too long). */
  q: string;
  /** What was typed, to put back in the form. */
  typed: { trimestre: string; q: string };
  errors: { trimestre?: 'malformed'; q?: 'tooLong' };
}

/** Reads the query: structure errors throw BadRequest, field errors are returned for the page to say. */
export function parseNarrativesQuery(query: unknown): NarrativesQuery {
  const parsed = shape.safeParse(query ?? {});
  if (!parsed.success) throw new BadRequest('invalid narratives query');
  const trimestre = parsed.data.trimestre ?? '';
  // Spaces between words are one space: the search is words, and the page repeats it as such.
  const q = (parsed.data.q ?? '').trim().replace(/\s+/g, ' ');
  const errors: NarrativesQuery['errors'] = {};
  let quarter: Quarter | undefined;
  if (trimestre) {
    const r = quarterParam.safeParse(trimestre.trim());
    if (r.success) quarter = r.data;
    else errors.trimestre = 'malformed';
  }
  if (q.length > MAX_QUERY) errors.q = 'tooLong';
  return { quarter, q: errors.q ? '' : q, typed: { trimestre, q }, errors };
}
