// The aggregation engine (server/aggregates/engine.ts) on a small nation: from quarterly observations to
// pole, region and nation cells, one table row per behaviour and kind. Pure: no database.
//
// Three poles: Garonne (region 76) reports since 2025; Lauragais (76) from 2026-T2 on; Rhône (84) is
// archived in 2026-T1. Each pole's values are written for 2026-T1 … 2026-T4: a number is a value, `nd`
// « non disponible », `.` nothing entered. A cell is shown as « value · reported/expected » (`—` for no
// value, a ratio in %), and `no cell` where the engine writes none.
import { expect } from 'chai';
import {
  computeCells,
  nationCell,
  type CellRow,
  type EngineIndicator,
  type EnginePole,
  type Observed,
} from '../../server/aggregates/engine.ts';
import type { Grain } from '../../server/aggregates/periods.ts';
import type { Cell, Kind } from '../../server/aggregates/semantics.ts';
import { quarterIndex } from '../../server/lib/quarters.ts';

const SCALE = 10_000;
const T = (year: number, quarter: number) => quarterIndex({ year, quarter });

type PoleName = 'garonne' | 'lauragais' | 'rhone';
const POLES: Record<PoleName, EnginePole> = {
  garonne: { id: 1, regionCode: '76', firstIndex: T(2025, 1), lastIndex: T(2026, 4) },
  lauragais: { id: 2, regionCode: '76', firstIndex: T(2026, 2), lastIndex: T(2026, 4) },
  rhone: { id: 3, regionCode: '84', firstIndex: T(2025, 1), lastIndex: T(2026, 1) },
};
const NAMES = Object.keys(POLES) as PoleName[];
/** An indicator reported in every quarter (no first or last reporting quarter). */
const OPEN = { first: -Infinity, last: Infinity };

/** « 1 nd . 4 » for 2026-T1 … T4 as quarter index → value (scaled; null for « non disponible »). */
function year2026(text: string): Map<number, number | null> {
  const out = new Map<number, number | null>();
  text.split(' ').forEach((t, i) => {
    if (t !== '.') out.set(T(2026, i + 1), t === 'nd' ? null : Number(t) * SCALE);
  });
  return out;
}

const observed = (byPole: Record<PoleName, string>): Observed => new Map(NAMES.map((n) => [POLES[n].id, year2026(byPole[n])]));

function show(cell: Cell | undefined): string {
  if (!cell) return 'no cell';
  return `${cell.value === null ? '—' : cell.value / SCALE} · ${cell.reported}/${cell.expected}`;
}

interface Row {
  behaviour: string;
  kind: Kind;
  /** Per pole, the indicator's values; for a ratio, its numerator's and its denominator's. */
  values: Record<PoleName, string> | { numerator: Record<PoleName, string>; denominator: Record<PoleName, string> };
  period: [Grain, number];
  pole: Record<PoleName, string>;
  region: Record<'76' | '84', string>;
  nation: string;
  /** A ratio's components' kinds: a flow over a stock unless said. */
  components?: ['flow' | 'stock', 'flow' | 'stock'];
}

/** The engine's pole and region rows for one period, and the nation combined from the regions. */
function run(row: Row) {
  const indicator: EngineIndicator =
    row.kind === 'ratio'
      ? {
          id: 9,
          kind: 'ratio',
          categories: [''],
          numerator: { id: 10, kind: row.components?.[0] ?? 'flow', category: '' },
          denominator: { id: 11, kind: row.components?.[1] ?? 'stock', category: '' },
          window: OPEN,
        }
      : { id: 9, kind: row.kind, categories: [''], window: OPEN };
  const obs =
    'numerator' in row.values
      ? new Map([
          ['num', observed(row.values.numerator)],
          ['den', observed(row.values.denominator)],
        ])
      : new Map([['', observed(row.values)]]);
  const rows: CellRow[] = [];
  const [grain, end] = row.period;
  computeCells(
    indicator,
    obs,
    NAMES.map((n) => POLES[n]),
    { [grain]: [end] },
    (r) => rows.push(r),
  );
  const regions = rows.filter((r) => r.level === 'region');
  const at = (level: CellRow['level'], area: string) => rows.find((r) => r.level === level && r.area === area)?.cell;
  return {
    pole: Object.fromEntries(NAMES.map((n) => [n, show(at('pole', String(POLES[n].id)))])),
    region: { '76': show(at('region', '76')), '84': show(at('region', '84')) },
    nation: regions.length
      ? show(
          nationCell(
            row.kind,
            regions.map((r) => r.cell),
          ),
        )
      : 'no cell',
  };
}

const YEAR_2026: [Grain, number] = ['year', T(2026, 4)];
const quarter = (q: number): [Grain, number] => ['quarter', T(2026, q)];

const ROWS: Row[] = [
  // Flows: summed over the period's quarters, then over poles.
  {
    behaviour: "a flow sums each pole's quarters in the period, then sums over poles; the nation sums its regions",
    kind: 'flow',
    values: { garonne: '1 2 3 4', lauragais: '. 5 5 5', rhone: '7 . . .' },
    period: YEAR_2026,
    pole: { garonne: '10 · 4/4', lauragais: '15 · 3/3', rhone: '7 · 1/1' },
    region: { '76': '25 · 7/7', '84': '7 · 1/1' },
    nation: '32 · 8/8',
  },
  {
    behaviour: 'a flow counts « non disponible » and nothing entered as not reported, never as zero',
    kind: 'flow',
    values: { garonne: '1 nd 3 4', lauragais: '. 5 . 5', rhone: 'nd . . .' },
    period: YEAR_2026,
    pole: { garonne: '8 · 3/4', lauragais: '10 · 2/3', rhone: '— · 0/1' },
    region: { '76': '18 · 5/7', '84': '— · 0/1' },
    nation: '18 · 5/8',
  },
  {
    behaviour: "a value entered before a pole's first quarter or after its archive counts neither as value nor as expected",
    kind: 'flow',
    values: { garonne: '1 1 1 1', lauragais: '9 1 1 1', rhone: '7 8 8 8' },
    period: YEAR_2026,
    pole: { garonne: '4 · 4/4', lauragais: '3 · 3/3', rhone: '7 · 1/1' },
    region: { '76': '7 · 7/7', '84': '7 · 1/1' },
    nation: '14 · 8/8',
  },
  {
    behaviour: "a quarter before a pole's first one gives it no cell at all, not an empty one",
    kind: 'flow',
    values: { garonne: '1 2 3 4', lauragais: '9 5 5 5', rhone: '7 . . .' },
    period: quarter(1),
    pole: { garonne: '1 · 1/1', lauragais: 'no cell', rhone: '7 · 1/1' },
    region: { '76': '1 · 1/1', '84': '7 · 1/1' },
    nation: '8 · 2/2',
  },
  {
    behaviour: 'after its archive a pole has no cell, nor has a region left without a pole',
    kind: 'flow',
    values: { garonne: '1 2 3 4', lauragais: '. 5 5 5', rhone: '7 8 8 8' },
    period: quarter(3),
    pole: { garonne: '3 · 1/1', lauragais: '5 · 1/1', rhone: 'no cell' },
    region: { '76': '8 · 2/2', '84': 'no cell' },
    nation: '8 · 2/2',
  },
  // Stocks: each pole's last value inside the period, then summed over poles.
  {
    behaviour: "a stock takes each pole's last value inside the period, then sums over poles (an archived pole's last value included)",
    kind: 'stock',
    values: { garonne: '10 11 12 13', lauragais: '. 20 21 22', rhone: '30 . . .' },
    period: YEAR_2026,
    pole: { garonne: '13 · 4/4', lauragais: '22 · 3/3', rhone: '30 · 1/1' },
    region: { '76': '35 · 7/7', '84': '30 · 1/1' },
    nation: '65 · 8/8',
  },
  {
    behaviour: 'a stock whose last quarter is « non disponible » keeps its last value before it, counted as not reported',
    kind: 'stock',
    values: { garonne: '10 11 12 nd', lauragais: '. 20 nd nd', rhone: 'nd . . .' },
    period: YEAR_2026,
    pole: { garonne: '12 · 3/4', lauragais: '20 · 1/3', rhone: '— · 0/1' },
    region: { '76': '32 · 4/7', '84': '— · 0/1' },
    nation: '32 · 4/8',
  },
  {
    behaviour: 'a stock carries nothing in from before the period',
    kind: 'stock',
    values: { garonne: '10 11 . .', lauragais: '. 20 21 .', rhone: '30 . . .' },
    period: quarter(3),
    pole: { garonne: '— · 0/1', lauragais: '21 · 1/1', rhone: 'no cell' },
    region: { '76': '21 · 1/2', '84': 'no cell' },
    nation: '21 · 1/2',
  },
  // Ratios: recomputed from the summed numerator and denominator at every level.
  {
    behaviour:
      "a ratio divides its numerator (a flow, summed) by its denominator (a stock, last value) at every level, never averaging the poles' ratios",
    kind: 'ratio',
    values: {
      numerator: { garonne: '1 1 1 1', lauragais: '. 2 2 2', rhone: '3 . . .' },
      denominator: { garonne: '10 10 10 10', lauragais: '. 20 20 20', rhone: '30 . . .' },
    },
    period: YEAR_2026,
    pole: { garonne: '40 · 4/4', lauragais: '30 · 3/3', rhone: '10 · 1/1' },
    region: { '76': '33.3333 · 7/7', '84': '10 · 1/1' },
    nation: '21.6667 · 8/8',
  },
  {
    behaviour: 'a pole without both components is left out of the sums; « non disponible » at the end makes it not reported',
    kind: 'ratio',
    values: {
      numerator: { garonne: '1 1 1 1', lauragais: '. 2 2 2', rhone: 'nd . . .' },
      denominator: { garonne: '. . . nd', lauragais: '. 20 20 20', rhone: '30 . . .' },
    },
    period: YEAR_2026,
    pole: { garonne: '— · 0/4', lauragais: '30 · 3/3', rhone: '— · 0/1' },
    region: { '76': '30 · 3/7', '84': '— · 0/1' },
    nation: '30 · 3/8',
  },
  {
    // Self-financing: own resources 30 710 + 26 000 + « nd », total resources 56 000 + 50 000 + 50 000 (€).
    // Paired per quarter, 56 710 / 106 000 = 53.5 %; summing each component on its own would give
    // 56 710 / 156 000 = 36.3526 % (36.4 %), the third quarter's total counted without its own resources.
    behaviour:
      'a ratio of flows pairs its components quarter by quarter: a quarter « non disponible » for one counts for neither, at every level',
    kind: 'ratio',
    components: ['flow', 'flow'],
    values: {
      numerator: { garonne: '30710 26000 nd .', lauragais: '. . . .', rhone: '. . . .' },
      denominator: { garonne: '56000 50000 50000 .', lauragais: '. . . .', rhone: '. . . .' },
    },
    period: ['ytd', T(2026, 3)],
    pole: { garonne: '53.5 · 2/3', lauragais: '— · 0/2', rhone: '— · 0/1' },
    region: { '76': '53.5 · 2/5', '84': '— · 0/1' },
    nation: '53.5 · 2/6',
  },
  {
    // ESS members 4, 5, « nd » out of 10, 10, 12: read on 2026-T2, the last quarter with both, 5 / 10 = 50 %,
    // not 5 (T2) / 12 (T3) = 41.6667 %.
    behaviour: 'a ratio of stocks reads both components on the same quarter, the last one where both have a value',
    kind: 'ratio',
    components: ['stock', 'stock'],
    values: {
      numerator: { garonne: '4 5 nd .', lauragais: '. 3 3 .', rhone: '. . . .' },
      denominator: { garonne: '10 10 12 .', lauragais: '. 10 . .', rhone: '. . . .' },
    },
    period: ['ytd', T(2026, 3)],
    pole: { garonne: '50 · 2/3', lauragais: '30 · 1/2', rhone: '— · 0/1' },
    region: { '76': '40 · 3/5', '84': '— · 0/1' },
    nation: '40 · 3/6',
  },
  // Scores: each pole's last value, then averaged over the poles that have one.
  {
    behaviour: "a score takes each pole's last value, then averages over poles; the nation averages the poles, not the regions",
    kind: 'score',
    values: { garonne: '1 2 3 4', lauragais: '. 2 2 nd', rhone: '1 . . .' },
    period: YEAR_2026,
    pole: { garonne: '4 · 4/4', lauragais: '2 · 2/3', rhone: '1 · 1/1' },
    region: { '76': '3 · 6/7', '84': '1 · 1/1' },
    nation: '2.3333 · 7/8',
  },
  {
    behaviour: 'a score « non disponible » is left out of the average, a pole before its first quarter has no cell',
    kind: 'score',
    values: { garonne: '3 . . .', lauragais: '4 . . .', rhone: 'nd . . .' },
    period: quarter(1),
    pole: { garonne: '3 · 1/1', lauragais: 'no cell', rhone: '— · 0/1' },
    region: { '76': '3 · 1/1', '84': '— · 0/1' },
    nation: '3 · 1/2',
  },
  {
    behaviour: 'a region whose poles have no score has no value, as its poles (its numerator is null, see below)',
    kind: 'score',
    values: { garonne: 'nd . . .', lauragais: '. . . .', rhone: 'nd . . .' },
    period: quarter(1),
    pole: { garonne: '— · 0/1', lauragais: 'no cell', rhone: '— · 0/1' },
    region: { '76': '— · 0/1', '84': '— · 0/1' },
    nation: '— · 0/2',
  },
];

describe('aggregates: the engine on a small nation (pole, region, nation)', () => {
  for (const row of ROWS) {
    it(`${row.kind}: ${row.behaviour}`, () => {
      expect(run(row)).to.deep.equal({ pole: row.pole, region: row.region, nation: row.nation });
    });
  }

  it('combines each category of a disaggregated indicator on its own; a ratio has its total only', () => {
    const members: EngineIndicator = { id: 9, kind: 'stock', categories: ['', 'ess', 'autre'], window: OPEN };
    const obs = new Map<string, Observed>([
      ['', observed({ garonne: '. . . 5', lauragais: '. . . 3', rhone: '. . . .' })],
      ['ess', observed({ garonne: '. . . 4', lauragais: '. . . 1', rhone: '. . . .' })],
      ['autre', observed({ garonne: '. . . 1', lauragais: '. . . 2', rhone: '. . . .' })],
    ]);
    const rows: CellRow[] = [];
    computeCells(
      members,
      obs,
      NAMES.map((n) => POLES[n]),
      { quarter: [T(2026, 4)] },
      (r) => rows.push(r),
    );
    const region = (category: string) => show(rows.find((r) => r.level === 'region' && r.category === category)?.cell);
    expect([region(''), region('ess'), region('autre')]).to.deep.equal(['8 · 2/2', '5 · 2/2', '3 · 2/2']);

    const ratio: EngineIndicator = {
      id: 9,
      kind: 'ratio',
      categories: ['', 'ess'],
      numerator: { id: 10, kind: 'flow', category: '' },
      denominator: { id: 11, kind: 'stock', category: '' },
      window: OPEN,
    };
    const ratioRows: CellRow[] = [];
    computeCells(
      ratio,
      new Map([
        ['num', new Map()],
        ['den', new Map()],
      ]),
      [POLES.garonne],
      { quarter: [T(2026, 4)] },
      (r) => ratioRows.push(r),
    );
    expect([...new Set(ratioRows.map((r) => r.category))]).to.deep.equal(['']);
  });

  it("an indicator's reporting window bounds what is expected and counted: a retired indicator's later values count for nothing", () => {
    const rows: CellRow[] = [];
    const retired: EngineIndicator = { id: 9, kind: 'flow', categories: [''], window: { first: -Infinity, last: T(2026, 2) } };
    computeCells(
      retired,
      new Map([['', observed({ garonne: '1 2 3 4', lauragais: '. 5 5 5', rhone: '7 . . .' })]]),
      NAMES.map((n) => POLES[n]),
      { year: [T(2026, 4)], quarter: [T(2026, 3)] },
      (r) => rows.push(r),
    );
    const cell = (level: string, grain: Grain) => show(rows.find((r) => r.level === level && r.grain === grain && r.area !== '84')?.cell);
    expect(cell('region', 'year')).to.equal('8 · 3/3');
    expect(cell('region', 'quarter')).to.equal('no cell');
  });

  it('a region or nation score with no value stores a null numerator and no pole, as a pole row does', () => {
    const rows: CellRow[] = [];
    computeCells(
      { id: 9, kind: 'score', categories: [''], window: OPEN },
      new Map([['', observed({ garonne: 'nd . . .', lauragais: '. . . .', rhone: 'nd . . .' })]]),
      NAMES.map((n) => POLES[n]),
      { quarter: [T(2026, 1)] },
      (r) => rows.push(r),
    );
    const regions = rows.filter((r) => r.level === 'region').map((r) => r.cell);
    const stored = (c: Cell) => ({ value: c.value, num: c.num, den: c.den });
    const empty = { value: null, num: null, den: 0 };
    expect(rows.filter((r) => r.level === 'pole').map((r) => stored(r.cell))).to.deep.equal([empty, empty]);
    expect(regions.map(stored)).to.deep.equal([empty, empty]);
    expect(stored(nationCell('score', regions))).to.deep.equal(empty);
  });
});
