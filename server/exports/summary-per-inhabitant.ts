// A summary's figures per 10 000 inhabitants in its files: the population of each figure's area and the
// value divided by it, frozen in the summary by summary.service.ts (server/reference/per-inhabitant.ts's
// rule). Blank where they do not apply (a rate, a score, an unknown population) and in summaries frozen
// before they were given. Works from the summary alone, as summary-files.ts does.
import { perInhabitantDecimals } from '../reference/per-inhabitant.ts';
import type { CsvCell } from './csv.ts';
import type { NationalSummary, ScopeSummary, SummaryFigure } from './summary.types.ts';

/** The CSV columns, after « valeur ». */
export const PER_INHABITANT_COLUMNS = ['population', 'pour_10000_habitants'] as const;

/** Blank cells on the rows that are not figures. */
export const NO_PER_INHABITANT: CsvCell[] = [null, null];

/** Each indicator's decimals for its figures per 10 000 inhabitants: one rule over all the file's figures. */
export function perInhabitantDecimalsOf(summary: NationalSummary): Map<string, number> {
  const values = new Map<string, (number | null)[]>();
  const figures = [...summary.national, ...summary.regions, ...((summary as ScopeSummary).poles ?? [])];
  for (const f of figures) {
    if (f.per10kInhabitants === undefined || f.per10kInhabitants === null) continue;
    const list = values.get(f.indicator) ?? [];
    list.push(f.per10kInhabitants);
    values.set(f.indicator, list);
  }
  return new Map([...values].map(([code, list]) => [code, perInhabitantDecimals(list)]));
}

/** A figure's two cells: its area's population and its value per 10 000 inhabitants. */
export function perInhabitantCells(f: SummaryFigure, decimals: Map<string, number>): CsvCell[] {
  const per = f.per10kInhabitants;
  return [f.population ?? null, per === null || per === undefined ? null : { value: per, decimals: decimals.get(f.indicator) ?? 2 }];
}
