import { expect } from 'chai';
import fc from 'fast-check';
import { aggregateKey, periodIndices } from '../../server/aggregates/periods.ts';
import { quarterParam } from '../../server/http/query-params.ts';
import {
  addQuarters,
  fromIndex,
  lastQuarterOf,
  parsePeriod,
  parseQuarter,
  parseQuarterOfYear,
  periodFromSegment,
  periodLabel,
  quarterFromSegment,
  quarterIndex,
  quarterLabel,
  type Period,
  type Quarter,
} from '../../server/lib/quarters.ts';

const quarter = fc.record({ year: fc.integer({ min: 1000, max: 9999 }), quarter: fc.integer({ min: 1, max: 4 }) });
const period: fc.Arbitrary<Period> = fc.oneof(
  quarter.map((q): Period => ({ kind: 'quarter', ...q })),
  fc.integer({ min: 1000, max: 9999 }).map((year): Period => ({ kind: 'year', year })),
);

describe('periods: one module reads, writes and steps quarters and years', () => {
  it('round-trips a quarter through its label, its URL segment and its index', () => {
    fc.assert(
      fc.property(quarter, (q) => {
        expect(parseQuarter(quarterLabel(q))).to.deep.equal(q);
        expect(quarterFromSegment(quarterLabel(q))).to.deep.equal(q);
        expect(fromIndex(quarterIndex(q))).to.deep.equal(q);
      }),
    );
  });

  it('round-trips a period (quarter or year) through its label and its URL segment', () => {
    fc.assert(
      fc.property(period, (p) => {
        expect(parsePeriod(periodLabel(p))).to.deep.equal(p);
        expect(periodFromSegment(periodLabel(p))).to.deep.equal(p);
      }),
    );
    expect(periodLabel({ kind: 'quarter', year: 2026, quarter: 3 })).to.equal('2026-T3');
    expect(periodLabel({ kind: 'year', year: 2026 })).to.equal('2026');
  });

  it('steps by quarters across years, and back again', () => {
    fc.assert(
      fc.property(
        fc.record({ year: fc.integer({ min: 2000, max: 2100 }), quarter: fc.integer({ min: 1, max: 4 }) }),
        fc.integer({ min: -200, max: 200 }),
        (q, n) => {
          const moved = addQuarters(q, n);
          expect(moved.quarter).to.be.within(1, 4);
          expect(quarterIndex(moved) - quarterIndex(q)).to.equal(n);
          expect(addQuarters(moved, -n)).to.deep.equal(q);
        },
      ),
    );
    expect(addQuarters({ year: 2026, quarter: 1 }, -1)).to.deep.equal({ year: 2025, quarter: 4 });
    expect(lastQuarterOf({ kind: 'year', year: 2025 })).to.deep.equal({ year: 2025, quarter: 4 });
  });

  it('reads T or Q, in either case, from text people type or queries send', () => {
    const q3: Quarter = { year: 2026, quarter: 3 };
    for (const text of ['2026-T3', '2026-Q3', '2026-t3', '2026-q3', ' 2026 - T 3 ', '2026T3', '2026 Q3'])
      expect(parseQuarter(text), text).to.deep.equal(q3);
    for (const bad of [
      '2026-T5',
      '2026-T0',
      '2026-3',
      'T3',
      '26-T3',
      '2026-X3',
      '2026-T3x',
      '',
      ' '.repeat(40),
      '2026 -  -T3',
      null,
      2026,
      ['2026-T3'],
    ]) {
      expect(parseQuarter(bad), String(bad)).to.equal(null);
    }
    expect(parsePeriod('2026')).to.deep.equal({ kind: 'year', year: 2026 });
    expect(parsePeriod('2026-Q2')).to.deep.equal({ kind: 'quarter', year: 2026, quarter: 2 });
    for (const bad of ['20266', '26', '2026-', '2026-T2x']) expect(parsePeriod(bad), bad).to.equal(null);
    expect([
      parseQuarterOfYear('T3'),
      parseQuarterOfYear('q2'),
      parseQuarterOfYear('4'),
      parseQuarterOfYear('5'),
      parseQuarterOfYear('T'),
    ]).to.deep.equal([3, 2, 4, null, null]);
  });

  it('accepts only the label in a URL segment: 2026-Q3 or 2026-t3 in a path is no page', () => {
    expect(quarterFromSegment('2026-T3')).to.deep.equal({ year: 2026, quarter: 3 });
    for (const bad of ['2026-Q3', '2026-t3', '2026T3', ' 2026-T3', '2026-T3 ', '2026', undefined])
      expect(quarterFromSegment(bad), String(bad)).to.equal(null);
    expect(periodFromSegment('2026')).to.deep.equal({ kind: 'year', year: 2026 });
    for (const bad of ['2026-Q3', ' 2026', '02026']) expect(periodFromSegment(bad), bad).to.equal(null);
  });

  it('gives the query field the same reading, within sane years', () => {
    expect(quarterParam.parse('2026-Q3')).to.deep.equal({ year: 2026, quarter: 3 });
    expect(quarterParam.parse('2026-T3')).to.deep.equal({ year: 2026, quarter: 3 });
    for (const bad of ['1999-T4', '2101-T1', '2026-T5', 'x'.repeat(13)]) expect(quarterParam.safeParse(bad).success, bad).to.equal(false);
  });

  it('keys a named period in the aggregates: a quarter, a closed year, the running year to date', () => {
    const lastClosed = { year: 2026, quarter: 2 };
    expect(aggregateKey({ kind: 'quarter', year: 2026, quarter: 1 }, lastClosed)).to.deep.equal({
      grain: 'quarter',
      endIndex: quarterIndex({ year: 2026, quarter: 1 }),
    });
    expect(aggregateKey({ kind: 'year', year: 2025 }, lastClosed)).to.deep.equal({
      grain: 'year',
      endIndex: quarterIndex({ year: 2025, quarter: 4 }),
    });
    const ytd = aggregateKey({ kind: 'year', year: 2026 }, lastClosed);
    expect(ytd).to.deep.equal({ grain: 'ytd', endIndex: quarterIndex(lastClosed) });
    expect(periodIndices(ytd.grain, ytd.endIndex).map((i) => quarterLabel(fromIndex(i)))).to.deep.equal(['2026-T1', '2026-T2']);
    expect(aggregateKey({ kind: 'year', year: 2026 }, { year: 2026, quarter: 4 }).grain).to.equal('year');
  });
});
