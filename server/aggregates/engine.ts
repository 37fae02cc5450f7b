// The aggregation engine: from quarterly observations to pole, region and nation cells, for any set of
// periods. Pure (no I/O): the refresh service feeds it and stores what it returns; the property test
// compares it with a naive computation. Regions combine their poles' cells, the nation its regions'.
import { combine, poleCell, ratioCell, type Cell, type Kind, type PeriodObservations } from './semantics.ts';
import { periodIndices, type Grain } from './periods.ts';

export interface EnginePole {
  id: number;
  regionCode: string;
  /** The pole is expected to report quarters firstIndex..lastIndex (first reporting quarter, archive, last closed). */
  firstIndex: number;
  lastIndex: number;
  /** Quarters declared « sans objet » by staff: inside the window, yet not expected. */
  exempt?: ReadonlySet<number>;
}

export interface Component {
  id: number;
  kind: 'flow' | 'stock';
  category: string;
}

export interface EngineIndicator {
  id: number;
  kind: Kind;
  /** '' (the total) first, then the categories of a disaggregated indicator. */
  categories: string[];
  numerator?: Component;
  denominator?: Component;
  /** The indicator's reporting window (first and last quarter index); absent bounds are open. */
  window: { first: number; last: number };
}

/** Observations of one indicator and category: pole → quarter index → value (null = « non disponible »). */
export type Observed = Map<number, Map<number, number | null>>;

export interface CellRow {
  level: 'pole' | 'region' | 'nation';
  area: string;
  indicatorId: number;
  category: string;
  grain: Grain;
  endIndex: number;
  cell: Cell;
}

export const NATION = 'FR';

/**
 * The quarters in which a pole is expected to report an indicator: the pole's window within the indicator's,
 * less the quarters declared « sans objet ».
 */
interface ExpectedRange {
  first: number;
  last: number;
  exempt?: ReadonlySet<number>;
}

function expectedRange(pole: EnginePole, indicator: EngineIndicator): ExpectedRange {
  return {
    first: Math.max(pole.firstIndex, indicator.window.first),
    last: Math.min(pole.lastIndex, indicator.window.last),
    exempt: pole.exempt,
  };
}

const isExpected = (range: ExpectedRange, index: number) => index >= range.first && index <= range.last && !range.exempt?.has(index);

function observations(obs: Observed | undefined, pole: EnginePole, range: ExpectedRange, indices: number[]) {
  const byQuarter = obs?.get(pole.id);
  const side = (list: number[]): PeriodObservations => ({
    quarters: list.map((index) => {
      const expected = isExpected(range, index);
      // Values outside the expected quarters are ignored: nothing counts before the pole's first quarter,
      // nor outside the indicator's reporting window (a value left for a retired indicator).
      return { index, expected, value: expected ? (byQuarter?.get(index) ?? null) : null };
    }),
    lastIndex: list[list.length - 1],
  });
  // The same period a year earlier, quarter for quarter: what like-for-like comparisons pair with.
  return { ...side(indices), previous: side(indices.map((i) => i - 4)) };
}

/**
 * Pole and region cells of one indicator for the given periods. `observed` holds, by category, the
 * observations of the indicator itself — for a ratio, keyed 'num' and 'den', those of its components.
 */
export function computeCells(
  indicator: EngineIndicator,
  observed: Map<string, Observed>,
  poles: EnginePole[],
  ends: Partial<Record<Grain, number[]>>,
  emit: (row: CellRow) => void,
): void {
  const categories = indicator.kind === 'ratio' ? [''] : indicator.categories;
  for (const category of categories) {
    for (const [grain, list] of Object.entries(ends) as [Grain, number[]][]) {
      for (const endIndex of list) {
        const indices = periodIndices(grain, endIndex);
        const byRegion = new Map<string, Cell[]>();
        for (const pole of poles) {
          const range = expectedRange(pole, indicator);
          if (!indices.some((i) => isExpected(range, i))) continue;
          let cell: Cell;
          if (indicator.kind === 'ratio') {
            cell = ratioCell(
              indicator.numerator!.kind,
              observations(observed.get('num'), pole, range, indices),
              indicator.denominator!.kind,
              observations(observed.get('den'), pole, range, indices),
            );
          } else {
            cell = poleCell(indicator.kind, observations(observed.get(category), pole, range, indices));
          }
          emit({ level: 'pole', area: String(pole.id), indicatorId: indicator.id, category, grain, endIndex, cell });
          const list = byRegion.get(pole.regionCode) ?? [];
          list.push(cell);
          byRegion.set(pole.regionCode, list);
        }
        for (const [region, cells] of byRegion) {
          emit({
            level: 'region',
            area: region,
            indicatorId: indicator.id,
            category,
            grain,
            endIndex,
            cell: combine(indicator.kind, cells),
          });
        }
      }
    }
  }
}

/** The nation's cell from its regions' cells. */
export function nationCell(kind: Kind, regionCells: Cell[]): Cell {
  return combine(kind, regionCells);
}
