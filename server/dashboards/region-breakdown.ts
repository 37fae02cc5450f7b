// The national page's breakdown by region: its table rows (largest first) and its tile map, from the
// regions' stored rows for the quarter shown. Pure.
import type { StoredAggregate } from '../aggregates/aggregates.repo.ts';
import { formatScaled } from '../lib/format.ts';
import type { ScopeRegion } from './dashboards.repo.ts';
import { byValue, completenessText, formatValue, unitSuffix, type BreakdownRow, type DashIndicator } from './figures.ts';
import { tileMap } from './tile-map.ts';
import { figureLink } from './figure-links.ts';

/** The regions in scope with a figure, as rows, and every region in scope on the map. */
export function regionBreakdown(chosen: DashIndicator, scope: ScopeRegion[], regionRows: StoredAggregate[]) {
  const cellOf = (regionCode: string) => regionRows.find((x) => x.area === regionCode);
  const rows: BreakdownRow[] = byValue(
    scope
      .filter((r) => cellOf(r.code))
      .map((r) => {
        const cell = cellOf(r.code)!;
        return {
          key: r.code,
          name: r.name,
          href: `/regions/${r.code}`,
          scaled: cell.value,
          value: formatValue(chosen, cell.value),
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
    scope.map((r) => ({
      code: r.code,
      name: r.name,
      scaled: cellOf(r.code)?.value ?? null,
      value: formatValue(chosen, cellOf(r.code)?.value),
    })),
    (v) => formatScaled(v, chosen.decimals),
    unitSuffix(chosen.unit),
  );
  return { rows, map };
}
