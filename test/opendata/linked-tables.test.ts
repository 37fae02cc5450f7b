import { expect } from 'chai';
import fc from 'fast-check';
import { isHidden, MIN_CONTRIBUTORS, type CellState } from '../../server/opendata/confidentiality.ts';
import { NATION, protectLinked, type LinkedTable } from '../../server/opendata/linked-tables.ts';

type Fig = LinkedTable['national'][number];
const REGIONS = ['11', '24', '27', '28', '32', '44'];

/** Per region, per quarter: poles that reported and their total (tenths). */
const quarterCell = fc.record({ contributors: fc.integer({ min: 0, max: 4 }), tenths: fc.integer({ min: 0, max: 300 }) });

const familyArb = fc.record({
  regionCount: fc.integer({ min: 1, max: REGIONS.length }),
  offered: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  kinds: fc.array(fc.constantFrom('flow' as const, 'stock' as const), { minLength: 1, maxLength: 3 }),
}).chain(({ regionCount, offered, kinds }) =>
  fc.record({
    offered: fc.constant(offered),
    kinds: fc.constant(kinds),
    // [indicator][region][quarter]
    cells: fc.array(fc.array(fc.array(quarterCell, { minLength: 4, maxLength: 4 }), { minLength: regionCount, maxLength: regionCount }), { minLength: kinds.length, maxLength: kinds.length }),
    extra: fc.integer({ min: 0, max: 2 }),
  }),
);

/** Quarter tables as the aggregates make them, and the year: a flow sums its quarters, a stock keeps the last. */
function family({ offered, kinds, cells, extra }: { offered: boolean[]; kinds: ('flow' | 'stock')[]; cells: { contributors: number; tenths: number }[][][]; extra: number }): LinkedTable[] {
  const indicators = kinds.map((kind, i) => ({ code: `IND_${i}`, kind }));
  const table = (key: string, period: LinkedTable['period'], cell: (i: number, r: number) => { value: number | null; contributors: number }): LinkedTable => {
    const regions: Fig[] = [];
    const national: Fig[] = [];
    indicators.forEach((ind, i) => {
      const rs = cells[i].map((_, r) => ({ indicator: ind.code, area: REGIONS[r], ...cell(i, r) }));
      regions.push(...rs);
      const withValue = rs.filter((x) => x.value !== null);
      national.push({ indicator: ind.code, area: NATION, value: withValue.length ? withValue.reduce((s, x) => s + x.value!, 0) : null, contributors: withValue.reduce((s, x) => s + x.contributors, 0) });
    });
    return { key, period, indicators, national, regions };
  };
  const q = (i: number, r: number, k: number) => {
    const c = cells[i][r][k];
    return c.contributors === 0 ? { value: null, contributors: 0 } : { value: c.tenths, contributors: c.contributors };
  };
  const tables: LinkedTable[] = [];
  for (let k = 0; k < 4; k++) if (offered[k]) tables.push(table(`2025-T${k + 1}`, { kind: 'quarter', year: 2025, quarter: k + 1 }, (i, r) => q(i, r, k)));
  tables.push(
    table('2025', { kind: 'year', year: 2025 }, (i, r) => {
      const qs = [0, 1, 2, 3].map((k) => q(i, r, k)).filter((x) => x.value !== null);
      if (!qs.length) return { value: null, contributors: 0 };
      // Distinct poles over the year: at least the most of any quarter.
      const contributors = Math.max(...qs.map((x) => x.contributors)) + extra;
      return kinds[i] === 'flow' ? { value: qs.reduce((s, x) => s + x.value!, 0), contributors } : { value: qs[qs.length - 1].value, contributors };
    }),
  );
  return tables;
}

describe('open data confidentiality across a year and its quarters', () => {
  it('hides a year figure whose quarter is hidden, and a quarter of a hidden year', () => {
    // Region 11 has one pole in Q2 only; region 24 three poles every quarter; 27 four every quarter.
    const tables = family({
      offered: [true, true, true, true],
      kinds: ['flow'],
      cells: [[
        [{ contributors: 0, tenths: 0 }, { contributors: 1, tenths: 50 }, { contributors: 0, tenths: 0 }, { contributors: 0, tenths: 0 }],
        [{ contributors: 3, tenths: 10 }, { contributors: 3, tenths: 60 }, { contributors: 3, tenths: 10 }, { contributors: 3, tenths: 10 }],
        [{ contributors: 4, tenths: 20 }, { contributors: 4, tenths: 70 }, { contributors: 4, tenths: 20 }, { contributors: 4, tenths: 20 }],
      ]],
      extra: 2,
    });
    const states = protectLinked(tables);
    // Alone in Q2, region 11's year figure (3 poles with extra) would equal its Q2 figure: hidden with it.
    expect(states.get('2025-T2')!.get('IND_0')!.regions.get('11')).to.equal('primary');
    expect(isHidden(states.get('2025')!.get('IND_0')!.regions.get('11'))).to.equal(true);
  });

  it('property: no equation of the family (nation = Σ regions, year = Σ quarters) isolates one hidden figure', () => {
    fc.assert(
      fc.property(familyArb, (spec) => {
        const tables = family(spec);
        const states = protectLinked(tables);
        const stateOf = (t: LinkedTable, ind: string, area: string): CellState | undefined =>
          area === NATION ? states.get(t.key)!.get(ind)!.national : states.get(t.key)!.get(ind)!.regions.get(area);
        const figOf = (t: LinkedTable, ind: string, area: string) => (area === NATION ? t.national : t.regions).find((f) => f.indicator === ind && f.area === area);
        for (const t of tables) {
          for (const f of [...t.national, ...t.regions]) {
            const st = stateOf(t, f.indicator, f.area);
            if (f.value !== null && f.contributors < MIN_CONTRIBUTORS) expect(isHidden(st), `${t.key} ${f.indicator} ${f.area}`).to.equal(true);
            if (f.value === null) expect(st).to.equal('empty');
          }
          for (const ind of t.indicators) {
            if (isHidden(stateOf(t, ind.code, NATION))) continue;
            const hidden = t.regions.filter((r) => r.indicator === ind.code && isHidden(stateOf(t, ind.code, r.area)));
            expect(hidden.length, `${t.key} ${ind.code}: hidden regions`).to.not.equal(1);
          }
        }
        const year = tables.find((t) => t.period.kind === 'year')!;
        const quarters = [1, 2, 3, 4].map((k) => tables.find((t) => t.period.kind === 'quarter' && t.period.quarter === k));
        for (const ind of year.indicators) {
          for (const area of [NATION, ...REGIONS]) {
            if (!figOf(year, ind.code, area)) continue;
            const yHidden = isHidden(stateOf(year, ind.code, area));
            const qHidden = quarters.map((q) => (q ? isHidden(stateOf(q, ind.code, area)) : null));
            // A quarter hidden: the year is hidden with it (year − the other quarters would give it).
            if (qHidden.some((h) => h === true)) expect(yHidden, `${ind.code} ${area}: year hidden with its quarter`).to.equal(true);
            if (!yHidden) continue;
            if (ind.kind === 'flow') {
              // The year hidden and every quarter offered: at least one quarter hidden with it.
              if (qHidden.every((h) => h !== null) && quarters.some((q) => figOf(q!, ind.code, area)?.value !== null)) {
                expect(qHidden.filter(Boolean).length, `${ind.code} ${area}: quarters hidden with the year`).to.be.at.least(1);
              }
            } else if (quarters[3] && figOf(quarters[3], ind.code, area)?.value !== null) {
              expect(qHidden[3], `${ind.code} ${area}: fourth quarter hidden with a stock's year`).to.equal(true);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
