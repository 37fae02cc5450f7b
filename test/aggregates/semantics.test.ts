// How figures combine (server/aggregates/semantics.ts), one table row per rule. Pure functions: no database.
//
// A period is written as its quarters, oldest first: a number is a value reported, `nd` a quarter expected
// but without a value (« non disponible », or nothing entered: both count as not reported), `-` a quarter
// the pole is not expected to report (before its first one, after its archive). A cell is shown as
// « value · reported/expected », `—` for no value; values are in the indicator's unit (a ratio in %).
import { expect } from 'chai';
import {
  combine,
  percent,
  poleCell,
  ratioCell,
  type Cell,
  type Comparison,
  type Kind,
  type PeriodObservations,
} from '../../server/aggregates/semantics.ts';

const SCALE = 10_000;

/** « 1 nd - 4 » as a pole's observations over one period. */
function period(text: string): PeriodObservations {
  const quarters = text
    .split(' ')
    .map((t, index) => ({ index, expected: t !== '-', value: t === '-' || t === 'nd' ? null : Number(t) * SCALE }));
  return { quarters, lastIndex: quarters.length - 1 };
}

/** « value · reported/expected ». */
function show(cell: Cell): string {
  return `${cell.value === null ? '—' : cell.value / SCALE} · ${cell.reported}/${cell.expected}`;
}

/** What a ratio or a score keeps besides its value, in units: its sums (a score's den is a count of poles). */
function sums(kind: Kind, cell: Cell) {
  const units = (n: number | null) => (n === null ? null : n / SCALE);
  if (kind === 'ratio') return { num: units(cell.num), den: units(cell.den) };
  if (kind === 'score') return { num: units(cell.num), den: cell.den, distribution: cell.distribution };
  return {};
}

describe('aggregates: how figures combine (semantics)', () => {
  describe("over a period: a pole's cell", () => {
    const rows: { behaviour: string; kind: Exclude<Kind, 'ratio'>; quarters: string; cell: string; keeps?: object }[] = [
      { behaviour: 'a flow sums the quarters reported', kind: 'flow', quarters: '1 2 3 4', cell: '10 · 4/4' },
      { behaviour: 'a flow counts « non disponible » as not reported, never as zero', kind: 'flow', quarters: '1 nd 3 4', cell: '8 · 3/4' },
      { behaviour: 'a flow with no quarter reported has no value, not zero', kind: 'flow', quarters: 'nd nd', cell: '— · 0/2' },
      { behaviour: "a flow does not expect the quarters before the pole's first one", kind: 'flow', quarters: '- - 3 4', cell: '7 · 2/2' },
      {
        behaviour: 'a stock takes the last value inside the period; completeness counts its quarters reported',
        kind: 'stock',
        quarters: '10 11 12 13',
        cell: '13 · 4/4',
      },
      {
        behaviour: 'a stock whose last quarter is « non disponible » keeps its last value, counted as not reported',
        kind: 'stock',
        quarters: '10 11 nd',
        cell: '11 · 2/3',
      },
      {
        behaviour: 'a stock of a pole archived during the period keeps its last value, expected only before the archive',
        kind: 'stock',
        quarters: '10 - -',
        cell: '10 · 1/1',
      },
      {
        behaviour: 'a score takes the last value inside the period, as a sum and a count of one pole',
        kind: 'score',
        quarters: '2 3',
        cell: '3 · 2/2',
        keeps: { num: 3, den: 1, distribution: { 3: 1 } },
      },
      {
        behaviour: 'a score never reported has no value and counts no pole',
        kind: 'score',
        quarters: 'nd nd',
        cell: '— · 0/2',
        keeps: { num: null, den: 0, distribution: {} },
      },
    ];
    for (const r of rows) {
      it(`${r.behaviour}: ${r.kind} « ${r.quarters} » → ${r.cell}`, () => {
        const cell = poleCell(r.kind, period(r.quarters));
        expect(show(cell)).to.equal(r.cell);
        if (r.keeps) expect(sums(r.kind, cell)).to.deep.equal(r.keeps);
      });
    }
  });

  describe("over a period: a pole's ratio, each component aggregated by its own kind", () => {
    const rows: {
      behaviour: string;
      numerator: ['flow' | 'stock', string];
      denominator: ['flow' | 'stock', string];
      cell: string;
      keeps: object;
    }[] = [
      {
        behaviour: 'a ratio divides the summed flow by the last stock',
        numerator: ['flow', '1 2'],
        denominator: ['stock', '10 20'],
        cell: '15 · 2/2',
        keeps: { num: 3, den: 20 },
      },
      {
        behaviour: 'a ratio without a positive denominator has no value, and keeps both components',
        numerator: ['flow', '1 1'],
        denominator: ['stock', '0 0'],
        cell: '— · 2/2',
        keeps: { num: 2, den: 0 },
      },
      {
        behaviour: 'a ratio counts as reported only the quarters where both components have a value',
        numerator: ['flow', '1 nd'],
        denominator: ['stock', '10 10'],
        cell: '10 · 1/2',
        keeps: { num: 1, den: 10 },
      },
      {
        // 56 710 / 106 000 = 53.5 %, where summing each component on its own gives 56 710 / 156 000 = 36.4 %.
        behaviour: 'a ratio of flows sums only the quarters where both components have a value',
        numerator: ['flow', '30710 26000 nd'],
        denominator: ['flow', '56000 50000 50000'],
        cell: '53.5 · 2/3',
        keeps: { num: 56710, den: 106000 },
      },
      {
        behaviour: 'a ratio of stocks reads both on the last quarter where both have a value (5 / 10, not 5 / 12)',
        numerator: ['stock', '4 5 nd'],
        denominator: ['stock', '10 10 12'],
        cell: '50 · 2/3',
        keeps: { num: 5, den: 10 },
      },
      {
        behaviour: 'a flow over a stock sums the flow on the paired quarters and reads the stock on the last of them',
        numerator: ['flow', '1 2 3'],
        denominator: ['stock', '10 nd 20'],
        cell: '20 · 2/3',
        keeps: { num: 4, den: 20 },
      },
      {
        behaviour: 'a ratio with a component never reported has no value and keeps neither',
        numerator: ['flow', 'nd nd'],
        denominator: ['stock', '10 10'],
        cell: '— · 0/2',
        keeps: { num: null, den: null },
      },
    ];
    for (const r of rows) {
      it(`${r.behaviour}: ${r.numerator.join(' « ')} » ÷ ${r.denominator.join(' « ')} » → ${r.cell}`, () => {
        const cell = ratioCell(r.numerator[0], period(r.numerator[1]), r.denominator[0], period(r.denominator[1]));
        expect(show(cell)).to.equal(r.cell);
        expect(sums('ratio', cell)).to.deep.equal(r.keeps);
      });
    }
  });

  describe('over areas: a region from its poles, the nation from its regions', () => {
    const pole = (kind: Exclude<Kind, 'ratio'>, quarters: string) => poleCell(kind, period(quarters));
    const ratio = (numerator: string, denominator: string) => ratioCell('flow', period(numerator), 'flow', period(denominator));
    const rows: { behaviour: string; kind: Kind; areas: () => Cell[]; cell: string; keeps?: object }[] = [
      {
        behaviour: 'a flow sums over areas, and so does its completeness',
        kind: 'flow',
        areas: () => [pole('flow', '1 2'), pole('flow', '3 nd')],
        cell: '6 · 3/4',
      },
      {
        behaviour: 'areas without any value give no value, not zero',
        kind: 'flow',
        areas: () => [pole('flow', 'nd'), pole('flow', 'nd')],
        cell: '— · 0/2',
      },
      {
        behaviour: "a stock sums the poles' last values",
        kind: 'stock',
        areas: () => [pole('stock', '5 6'), pole('stock', '7 nd')],
        cell: '13 · 3/4',
      },
      {
        behaviour: "a ratio is Σ numerators ÷ Σ denominators, not the average of the poles' ratios (25 % and 56.25 %)",
        kind: 'ratio',
        areas: () => [ratio('1', '4'), ratio('9', '16')],
        cell: '50 · 2/2',
        keeps: { num: 10, den: 20 },
      },
      {
        behaviour: 'an area without both components is left out of both sums',
        kind: 'ratio',
        areas: () => [ratio('1', '4'), ratio('nd', '16')],
        cell: '25 · 1/2',
        keeps: { num: 1, den: 4 },
      },
      {
        behaviour: 'no area with both components: no value',
        kind: 'ratio',
        areas: () => [ratio('nd', '4')],
        cell: '— · 0/1',
        keeps: { num: null, den: null },
      },
      {
        behaviour: 'a score with no area having a value has no value and a null numerator, as a pole has',
        kind: 'score',
        areas: () => [pole('score', 'nd'), pole('score', 'nd')],
        cell: '— · 0/2',
        keeps: { num: null, den: 0, distribution: {} },
      },
      {
        behaviour: 'a score averages over the poles with a value, and counts how many gave each value',
        kind: 'score',
        areas: () => [pole('score', '2'), pole('score', '4'), pole('score', 'nd')],
        cell: '3 · 2/3',
        keeps: { num: 6, den: 2, distribution: { 2: 1, 4: 1 } },
      },
      {
        behaviour: "combined again, a score averages the poles, not the areas' averages (3 and 1)",
        kind: 'score',
        areas: () => [combine('score', [pole('score', '2'), pole('score', '4')]), pole('score', '1')],
        cell: '2.3333 · 3/3',
        keeps: { num: 7, den: 3, distribution: { 1: 1, 2: 1, 4: 1 } },
      },
    ];
    for (const r of rows) {
      it(`${r.behaviour}: ${r.kind} → ${r.cell}`, () => {
        const cell = combine(r.kind, r.areas());
        expect(show(cell)).to.equal(r.cell);
        if (r.keeps) expect(sums(r.kind, cell)).to.deep.equal(r.keeps);
      });
    }
  });

  describe('like for like: a pole against the same period a year earlier, on what it reported in both', () => {
    /** « 1 2 / 3 4 »: the period a year earlier, then this one, quarter for quarter. */
    const periods = (text: string): PeriodObservations => {
      const [before, now] = text.split(' / ');
      return { ...period(now), previous: period(before) };
    };
    const units = (n: number | null) => (n === null ? '—' : String(n / SCALE));
    /** « now vs before », a ratio as « num/den vs num/den »; « none » without a common base. */
    const compared = (c: Comparison) => {
      if (!c.poles) return 'none';
      if (c.curDen !== null) return `${units(c.cur)}/${units(c.curDen)} vs ${units(c.prev)}/${units(c.prevDen)}`;
      return `${units(c.cur)} vs ${units(c.prev)}`;
    };
    const rows: {
      behaviour: string;
      kind: Kind;
      values: string | [string, string];
      components?: ['flow' | 'stock', 'flow' | 'stock'];
      cmp: string;
    }[] = [
      {
        behaviour: 'a flow sums, on both sides, only the quarters reported in both years',
        kind: 'flow',
        values: '1 2 3 / 5 nd 7',
        cmp: '12 vs 4',
      },
      { behaviour: 'a flow with no quarter reported in both years has no common base', kind: 'flow', values: 'nd nd / 1 2', cmp: 'none' },
      { behaviour: 'a pole that did not exist a year earlier has no common base', kind: 'flow', values: '- - / 1 2', cmp: 'none' },
      { behaviour: 'a stock compares the values of both periods’ last quarters', kind: 'stock', values: '10 20 / 30 40', cmp: '40 vs 20' },
      {
        behaviour: 'a stock without a value at the end of this period is not compared, whatever it reported before',
        kind: 'stock',
        values: '10 20 / 30 nd',
        cmp: 'none',
      },
      { behaviour: 'a score compares the last quarters’ values', kind: 'score', values: '2 3 / 4 4', cmp: '4 vs 3' },
      {
        behaviour: 'a ratio of flows pairs its four values: a quarter missing one of them counts on neither side',
        kind: 'ratio',
        components: ['flow', 'flow'],
        values: ['1 1 / 2 nd', '10 10 / 20 20'],
        cmp: '2/20 vs 1/10',
      },
      {
        behaviour: 'a ratio of stocks compares the last quarters only',
        kind: 'ratio',
        components: ['stock', 'stock'],
        values: ['4 5 / 6 nd', '10 10 / 12 12'],
        cmp: 'none',
      },
      {
        behaviour: 'a ratio of stocks with all four values at both ends compares them',
        kind: 'ratio',
        components: ['stock', 'stock'],
        values: ['4 5 / nd 6', '10 10 / 12 12'],
        cmp: '6/12 vs 5/10',
      },
    ];
    for (const r of rows) {
      it(`${r.behaviour}: ${r.kind} « ${[r.values].flat().join(' » ÷ « ')} » → ${r.cmp}`, () => {
        const cell =
          r.kind === 'ratio'
            ? ratioCell(r.components![0], periods(r.values[0]), r.components![1], periods(r.values[1]))
            : poleCell(r.kind, periods(r.values as string));
        expect(compared(cell.cmp)).to.equal(r.cmp);
      });
    }

    it('areas add up their common bases and count the poles in them; areas without one are left out', () => {
      const region = combine('flow', [
        poleCell('flow', periods('1 2 / 3 4')),
        poleCell('flow', periods('nd nd / 9 9')),
        poleCell('flow', periods('5 nd / 5 5')),
      ]);
      expect(region.cmp).to.deep.equal({ poles: 2, cur: 12 * SCALE, prev: 8 * SCALE, curDen: null, prevDen: null });
      expect(region.polesExpected).to.equal(3);
      const scores = combine('score', [poleCell('score', periods('2 / 4')), poleCell('score', periods('nd / 1'))]);
      expect(scores.cmp).to.deep.equal({ poles: 1, cur: 4 * SCALE, prev: 2 * SCALE, curDen: null, prevDen: null });
    });
  });

  it('a percentage is rounded to the scale, and needs a positive denominator', () => {
    expect(percent(1 * SCALE, 3 * SCALE)).to.equal(333_333); // 33.3333 %
    expect(percent(2 * SCALE, 3 * SCALE)).to.equal(666_667);
    expect(percent(5 * SCALE, 0)).to.equal(null);
    expect(percent(5 * SCALE, -1)).to.equal(null);
  });
});
