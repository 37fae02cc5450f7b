import { expect } from 'chai';
import fc from 'fast-check';
import { diffSummaries } from '../../server/publications/publication-diff.ts';
import { isPublishable, publishablePeriods } from '../../server/publications/publication-period.ts';
import { parsePeriod } from '../../server/lib/quarters.ts';
import { DateTime } from 'luxon';
import { handBuiltSummary } from './summaries.ts';

const base = () =>
  handBuiltSummary([
    [
      { contributors: 4, value: 2 },
      { contributors: 1, value: 1 },
    ],
    [
      { contributors: 3, value: 0.5 },
      { contributors: 0, value: null },
    ],
  ]);

describe('publication differences', () => {
  it('finds nothing between a summary and its copy, even through JSON', () => {
    const a = base();
    expect(diffSummaries(a, JSON.parse(JSON.stringify(a)))).to.deep.include({
      unchanged: true,
      figures: [],
      completeness: [],
      definitions: [],
    });
  });

  it('lists changed values and completeness per indicator and area, old → new', () => {
    const a = base();
    const b = base();
    b.regions[1] = { ...b.regions[1], value: 1.5 };
    b.national[0] = { ...b.national[0], value: 3.5 };
    b.regions[3] = { ...b.regions[3], value: 4, contributors: 1, reported: 1 };
    const d = diffSummaries(a, b);
    expect(d.unchanged).to.equal(false);
    expect(
      d.figures.map((f) => [f.indicator, f.area, f.before?.value, f.after?.value, f.valueChanged, f.completenessChanged]),
    ).to.deep.equal([
      ['IND_1', 'FR', 3, 3.5, true, false],
      ['IND_1', '24', 1, 1.5, true, false],
      ['IND_2', '24', null, 4, true, true],
    ]);
  });

  it('lists changed definitions, added and removed indicators, and regional completeness', () => {
    const a = base();
    const b = base();
    b.indicators[0] = { ...b.indicators[0], label: 'Nouveau libellé', decimals: 2 };
    b.indicators = [b.indicators[0], { ...b.indicators[1], code: 'IND_9' }];
    b.national = b.national.map((f) => (f.indicator === 'IND_2' ? { ...f, indicator: 'IND_9' } : f));
    b.regions = b.regions.map((f) => (f.indicator === 'IND_2' ? { ...f, indicator: 'IND_9' } : f));
    b.completeness[0] = { ...b.completeness[0], reported: 4, rate: 1 };
    const d = diffSummaries(a, b);
    expect(d.definitions.map((x) => [x.code, x.field, x.before, x.after])).to.deep.equal([
      ['IND_1', 'label', 'Indicateur 1', 'Nouveau libellé'],
      ['IND_1', 'decimals', '1', '2'],
      ['IND_9', 'added', '', 'Indicateur 2'],
      ['IND_2', 'removed', 'Indicateur 2', ''],
    ]);
    expect(d.completeness.map((c) => [c.area, c.before?.reported, c.after?.reported])).to.deep.equal([['11', 3, 4]]);
    // Figures of the removed indicator appear as removed, those of the new one as added.
    expect(d.figures.filter((f) => f.before === null).map((f) => f.indicator)).to.deep.equal(['IND_9', 'IND_9', 'IND_9']);
    expect(d.figures.filter((f) => f.after === null).map((f) => f.indicator)).to.deep.equal(['IND_2', 'IND_2', 'IND_2']);
  });

  it('property: a figure is listed exactly when its value or completeness changed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ v: fc.option(fc.integer({ min: 0, max: 999 })), w: fc.option(fc.integer({ min: 0, max: 999 })) }), {
          minLength: 1,
          maxLength: 8,
        }),
        (cells) => {
          const a = handBuiltSummary([cells.map((c) => ({ contributors: 3, value: c.v === null ? null : c.v / 10 }))]);
          const b = handBuiltSummary([cells.map((c) => ({ contributors: 3, value: c.w === null ? null : c.w / 10 }))]);
          const listed = new Set(
            diffSummaries(a, b)
              .figures.filter((f) => f.level === 'region')
              .map((f) => f.area),
          );
          b.regions.forEach((f, i) =>
            expect(listed.has(f.area)).to.equal(a.regions[i].value !== f.value || a.regions[i].contributors !== f.contributors),
          );
        },
      ),
    );
  });
});

describe('publication periods', () => {
  const now = DateTime.fromISO('2026-11-26T10:00:00', { zone: 'Europe/Paris' });
  it('reads quarters and years, and nothing else', () => {
    expect(parsePeriod('2026-T3')).to.deep.equal({ kind: 'quarter', year: 2026, quarter: 3 });
    expect(parsePeriod('2025')).to.deep.equal({ kind: 'year', year: 2025 });
    for (const bad of ['2026-T5', '26', '', ' '.repeat(40), ['2026'], 2026, null]) expect(parsePeriod(bad), String(bad)).to.equal(null);
  });
  it('publishes only ended periods', () => {
    expect(isPublishable({ kind: 'quarter', year: 2026, quarter: 3 }, now)).to.equal(true);
    expect(isPublishable({ kind: 'quarter', year: 2026, quarter: 4 }, now)).to.equal(false);
    expect(isPublishable({ kind: 'year', year: 2026 }, now)).to.equal(false);
    expect(isPublishable({ kind: 'year', year: 2025 }, now)).to.equal(true);
    expect(isPublishable({ kind: 'year', year: 2012 }, now)).to.equal(false);
    expect(publishablePeriods(now).map((p) => (p.kind === 'quarter' ? `${p.year}-T${p.quarter}` : String(p.year)))).to.deep.equal([
      '2026-T3',
      '2026-T2',
      '2026-T1',
      '2025-T4',
      '2025-T3',
      '2025-T2',
      '2025-T1',
      '2024-T4',
      '2025',
      '2024',
      '2023',
    ]);
  });
});
