// The key of a figure the provenance page explains, all in the query string so the page is a shareable
// GET: /chiffres/calcul?indicateur=CODE&periode=2026-T2&grain=quarter&zone=FR&base=validated. A zone is
// the nation ('FR'), one region or a set of regions (INSEE codes, '75,76') or one pole ('pole:<slug>').
// Malformed values are a 400 (BadRequest), never a 500; scope is checked by the service, not here.
import { z } from 'zod';
import { blank, quarterParam } from '../http/query-params.ts';
import { BASES, type Base } from '../aggregates/aggregates.repo.ts';
import { GRAINS, type Grain } from '../aggregates/periods.ts';
import { BadRequest } from '../http/errors.ts';
import type { Quarter } from '../lib/quarters.ts';

export type Zone = { kind: 'nation' } | { kind: 'regions'; codes: string[] } | { kind: 'pole'; slug: string };

export interface FigureKey {
  indicator: string;
  /** The period's last quarter (a year is named by its T4, a year to date by its last quarter). */
  end: Quarter;
  grain: Grain;
  zone: Zone;
  base: Base;
}

/** More regions than France has would be a crafted URL, not a scope. */
const MAX_REGIONS = 20;

const zoneParam = z
  .string()
  .max(200)
  .transform((s, c): Zone => {
    if (s === 'FR') return { kind: 'nation' };
    const pole = /^pole:([a-z0-9][a-z0-9-]{0,99})$/.exec(s);
    if (pole) return { kind: 'pole', slug: pole[1] };
    const codes = s.split(',');
    if (codes.length <= MAX_REGIONS && codes.every((code) => /^[0-9]{2}$/.test(code)) && new Set(codes).size === codes.length) {
      // Sorted so one set of regions has one URL.
      return { kind: 'regions', codes: [...codes].sort() };
    }
    c.addIssue({ code: 'custom', message: 'zone' });
    return z.NEVER;
  });

const figureQuery = z.object({
  indicateur: z.string().regex(/^[A-Z][A-Z0-9_]{0,39}$/),
  periode: quarterParam,
  grain: z.preprocess(blank, z.enum(GRAINS as unknown as [Grain, ...Grain[]]).optional()),
  zone: zoneParam,
  base: z.preprocess(blank, z.enum(BASES as [Base, ...Base[]]).optional()),
});

/** Reads and checks a figure's key; the missing grain is a quarter and the missing base « validated ». */
export function parseFigureKey(query: unknown): FigureKey {
  const parsed = figureQuery.safeParse(query ?? {});
  if (!parsed.success) throw new BadRequest('invalid figure key');
  const { indicateur, periode, grain = 'quarter', zone, base = 'validated' } = parsed.data;
  // A year is keyed by its fourth quarter (aggregates/periods.ts): any other end names no stored figure.
  if (grain === 'year' && periode.quarter !== 4) throw new BadRequest('a year ends with its T4');
  return { indicator: indicateur, end: periode, grain, zone, base };
}
