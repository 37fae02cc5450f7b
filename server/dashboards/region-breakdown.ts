// The national page's breakdown by region: its table rows (largest first) and its tile map, from the
// regions' stored rows for the quarter shown, raw or per 10 000 inhabitants of each region. Pure.
import type { StoredAggregate } from '../aggregates/aggregates.repo.ts';
import type { ScopeRegion } from './dashboards.repo.ts';
import { byValue, completenessText, unitSuffix, type BreakdownRow, type DashIndicator } from './figures.ts';
import { SCALE } from '../lib/decimal.ts';
import { tileMap } from './tile-map.ts';
import { figureLink } from './figure-links.ts';
import { populationText, type Show } from './per-inhabitant-view.ts';

/**
 * The regions in scope with a figure, as rows, and every region in scope on the map. `show` divides each
 * region's figure by `populationOf` its code; `query` is kept in the links to the regions' pages.
 */
export function regionBreakdown(
  chosen: DashIndicator,
  scope: ScopeRegion[],
  regionRows: StoredAggregate[],
  o: { show: Show; populationOf: (code: string) => number | null; query: string },
) {
  const { show } = o;
  const cellOf = (regionCode: string) => regionRows.find((x) => x.area === regionCode);
  const per = show.perInhabitant;
  const rows: BreakdownRow[] = byValue(
    scope
      .filter((r) => cellOf(r.code))
      .map((r) => {
        const cell = cellOf(r.code)!;
        const population = o.populationOf(r.code);
        return {
          key: r.code,
          name: r.name,
          href: `/regions/${r.code}${o.query}`,
          scaled: cell.value,
          value: show.text(cell.value, population),
          sort: per ? show.number(cell.value, population) : cell.value,
          ...(per ? { population, populationText: populationText(population), raw: show.raw(cell.value) } : {}),
          completeness: completenessText('quarter', cell),
          figureHref: figureLink({
            indicator: chosen.code,
            end: { year: cell.year, quarter: cell.quarter },
            grain: 'quarter',
            zone: { kind: 'regions', codes: [r.code] },
            base: cell.base,
          }),
        };
      }),
  );
  const map = tileMap(
    scope.map((r) => {
      const scaled = cellOf(r.code)?.value ?? null;
      const population = o.populationOf(r.code);
      return {
        code: r.code,
        name: r.name,
        // The map shades what it shows: per inhabitant, the divided figure.
        scaled: per ? show.number(scaled, population) : scaled,
        value: show.text(scaled, population),
      };
    }),
    per ? show.plain : (v) => show.plain(v / SCALE),
    per ? `\u00a0${show.unit}` : unitSuffix(chosen.unit),
    o.query,
  );
  return { rows, map };
}
