import { expect } from 'chai';
import fc from 'fast-check';
import { isHidden, MIN_CONTRIBUTORS, type CellState } from '../../server/opendata/confidentiality.ts';
import { NATION, protectLinked, type LinkedTable } from '../../server/opendata/linked-tables.ts';

type Fig = LinkedTable['national'][number];
const REGIONS = ['11', '24', '27', '28', '32', '44'];

/** Per region, per quarter: poles that reported and their total (tenths). */
const quarterCell = fc.record({ contributors: fc.integer({ min: 0, max: 4 }), tenths: fc.integer({ min: 0, max: 300 }) });

const familyArb = fc
  .record({
    regionCount: fc.integer({ min: 1, max: REGIONS.length }),
    offered: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    kinds: fc.array(fc.constantFrom('flow' as const, 'stock' as const), { minLength: 1, maxLength: 3 }),
  })
  .chain(({ regionCount, offered, kinds }) =>
    fc.record({
      offered: fc.constant(offered),
      kinds: fc.constant(kinds),
      // [indicator][region][quarter]
      cells: fc.array(fc.array(fc.array(quarterCell, { minLength: 4, maxLength: 4 }), { minLength: regionCount, maxLength: regionCount }), {
        minLength: kinds.length,
        maxLength: kinds.length,
      }),
      extra: fc.integer({ min: 0, max: 2 }),
    }),
  );

/** Quarter tables as the aggregates make them, and the year: a flow sums its quarters, a stock keeps the last. */
function family({
  offered,
  kinds,
  cells,
  extra,
  absentWhenEmpty = false,
}: {
  offered: boolean[];
  kinds: ('flow' | 'stock')[];
  cells: { contributors: number; tenths: number }[][][];
  extra: number;
  absentWhenEmpty?: boolean;
}): LinkedTable[] {
  const indicators = kinds.map((kind, i) => ({ code: `IND_${i}`, kind }));
  const table = (
    key: string,
    period: LinkedTable['period'],
    cell: (i: number, r: number) => { value: number | null; contributors: number },
  ): LinkedTable => {
    const regions: Fig[] = [];
    const national: Fig[] = [];
    indicators.forEach((ind, i) => {
      // A region whose poles came later is not in the tables published before: absent, not null.
      const rs = cells[i]
        .map((_, r) => ({ indicator: ind.code, area: REGIONS[r], ...cell(i, r) }))
        .filter((x) => !absentWhenEmpty || period.kind === 'year' || x.value !== null);
      regions.push(...rs);
      const withValue = rs.filter((x) => x.value !== null);
      national.push({
        indicator: ind.code,
        area: NATION,
        value: withValue.length ? withValue.reduce((s, x) => s + x.value!, 0) : null,
        contributors: withValue.reduce((s, x) => s + x.contributors, 0),
      });
    });
    return { key, period, indicators, national, regions };
  };
  const q = (i: number, r: number, k: number) => {
    const c = cells[i][r][k];
    return c.contributors === 0 ? { value: null, contributors: 0 } : { value: c.tenths, contributors: c.contributors };
  };
  const tables: LinkedTable[] = [];
  for (let k = 0; k < 4; k++)
    if (offered[k]) tables.push(table(`2025-T${k + 1}`, { kind: 'quarter', year: 2025, quarter: k + 1 }, (i, r) => q(i, r, k)));
  tables.push(
    table('2025', { kind: 'year', year: 2025 }, (i, r) => {
      const qs = [0, 1, 2, 3].map((k) => q(i, r, k)).filter((x) => x.value !== null);
      if (!qs.length) return { value: null, contributors: 0 };
      // Distinct poles over the year: at least the most of any quarter.
      const contributors = Math.max(...qs.map((x) => x.contributors)) + extra;
      return kinds[i] === 'flow'
        ? { value: qs.reduce((s, x) => s + x.value!, 0), contributors }
        : { value: qs[qs.length - 1].value, contributors };
    }),
  );
  return tables;
}

/** Rank of a small matrix (Gaussian elimination; the coefficients are ±1, so a tolerance is enough). */
function rank(rows: number[][]): number {
  const a = rows.map((r) => [...r]);
  const cols = a[0]?.length ?? 0;
  let r = 0;
  for (let c = 0; c < cols && r < a.length; c++) {
    const p = a.findIndex((row, i) => i >= r && Math.abs(row[c]) > 1e-9);
    if (p < 0) continue;
    [a[r], a[p]] = [a[p], a[r]];
    for (let i = 0; i < a.length; i++) {
      if (i === r) continue;
      const f = a[i][c] / a[r][c];
      for (let j = c; j < cols; j++) a[i][j] -= f * a[r][j];
    }
    r++;
  }
  return r;
}

/**
 * What an outsider can solve exactly from the files: the hidden figures of one flow indicator are the
 * unknowns of the linear system nation = Σ regions (every table) and year = Σ quarters (every area, when
 * the four quarters are offered). A hidden figure is given away when the system fixes its value: when
 * dropping its column lowers the rank. Returns those figures ('2025-T2:24').
 */
function exactlyRecoverable(tables: LinkedTable[], ind: string): string[] {
  const states = protectLinked(tables);
  const unknowns: string[] = [];
  for (const t of tables) {
    const st = states.get(t.key)!.get(ind)!;
    if (isHidden(st.national)) unknowns.push(`${t.key}:${NATION}`);
    for (const r of t.regions) if (r.indicator === ind && isHidden(st.regions.get(r.area))) unknowns.push(`${t.key}:${r.area}`);
  }
  if (!unknowns.length) return [];
  const equations: number[][] = [];
  const equation = (terms: [string, number][]) => {
    const row = unknowns.map(() => 0);
    for (const [name, k] of terms) if (unknowns.includes(name)) row[unknowns.indexOf(name)] += k;
    equations.push(row);
  };
  for (const t of tables)
    equation([
      [`${t.key}:${NATION}`, 1],
      ...t.regions.filter((r) => r.indicator === ind).map((r): [string, number] => [`${t.key}:${r.area}`, -1]),
    ]);
  const year = tables.find((t) => t.period.kind === 'year')!;
  const quarters = tables.filter((t) => t.period.kind === 'quarter');
  if (quarters.length === 4) {
    for (const area of [NATION, ...year.regions.filter((r) => r.indicator === ind).map((r) => r.area)]) {
      equation([[`${year.key}:${area}`, 1], ...quarters.map((q): [string, number] => [`${q.key}:${area}`, -1])]);
    }
  }
  const full = rank(equations);
  return unknowns.filter((_, i) => rank(equations.map((row) => row.filter((__, j) => j !== i))) === full - 1);
}

describe('open data confidentiality across a year and its quarters', () => {
  it('hides a year figure whose quarter is hidden, and a quarter of a hidden year', () => {
    // Region 11 has one pole in Q2 only; region 24 three poles every quarter; 27 four every quarter.
    const tables = family({
      offered: [true, true, true, true],
      kinds: ['flow'],
      cells: [
        [
          [
            { contributors: 0, tenths: 0 },
            { contributors: 1, tenths: 50 },
            { contributors: 0, tenths: 0 },
            { contributors: 0, tenths: 0 },
          ],
          [
            { contributors: 3, tenths: 10 },
            { contributors: 3, tenths: 60 },
            { contributors: 3, tenths: 10 },
            { contributors: 3, tenths: 10 },
          ],
          [
            { contributors: 4, tenths: 20 },
            { contributors: 4, tenths: 70 },
            { contributors: 4, tenths: 20 },
            { contributors: 4, tenths: 20 },
          ],
        ],
      ],
      extra: 2,
    });
    const states = protectLinked(tables);
    // Alone in Q2, region 11's year figure (3 poles with extra) would equal its Q2 figure: hidden with it.
    expect(states.get('2025-T2')!.get('IND_0')!.regions.get('11')).to.equal('primary');
    expect(isHidden(states.get('2025')!.get('IND_0')!.regions.get('11'))).to.equal(true);
  });

  it('treats a region missing from a quarter offered (no pole there yet) as empty, not as a quarter unknown', () => {
    // Region 24 has poles from Q3 only, so the tables of Q1, Q2 and Q4 do not list it. Its year figure is
    // hidden as the partner of region 28's; Q3 shown would give it away (year − nothing − nothing − nothing).
    const fig = (area: string, value: number | null, contributors: number): Fig => ({ indicator: 'IND_0', area, value, contributors });
    const table = (key: string, period: LinkedTable['period'], regions: Fig[]): LinkedTable => {
      const withValue = regions.filter((r) => r.value !== null);
      const national = fig(
        NATION,
        withValue.length ? withValue.reduce((s, r) => s + r.value!, 0) : null,
        withValue.reduce((s, r) => s + r.contributors, 0),
      );
      return { key, period, indicators: [{ code: 'IND_0', kind: 'flow' }], national: [national], regions };
    };
    const quarter = (k: number) => ({ kind: 'quarter' as const, year: 2025, quarter: k });
    const tables = [
      table('2025-T1', quarter(1), [fig('27', 1, 3)]),
      table('2025-T2', quarter(2), [fig('11', 220, 3), fig('27', 1, 1), fig('28', 1, 1)]),
      table('2025-T3', quarter(3), [fig('24', 1, 3)]),
      table('2025-T4', quarter(4), []),
      table('2025', { kind: 'year', year: 2025 }, [fig('11', 220, 3), fig('24', 1, 3), fig('27', 2, 3), fig('28', 1, 1)]),
    ];
    const states = protectLinked(tables);
    expect(states.get('2025')!.get('IND_0')!.regions.get('24')).to.equal('secondary');
    expect(isHidden(states.get('2025-T3')!.get('IND_0')!.regions.get('24')), 'region 24 in Q3').to.equal(true);
    expect(exactlyRecoverable(tables, 'IND_0')).to.deep.equal([]);
  });

  it('hides a stock’s year figure when 1 or 2 poles skipped the fourth quarter (year − Q4 would be their figure)', () => {
    const fig = (area: string, value: number, contributors: number): Fig => ({ indicator: 'STOCK', area, value, contributors });
    const table = (key: string, period: LinkedTable['period'], national: Fig, regions: Fig[]): LinkedTable => ({
      key,
      period,
      indicators: [{ code: 'STOCK', kind: 'stock' }],
      national: [national],
      regions,
    });
    // Region 11: three poles have a Q4 figure (30); a fourth reported up to Q3 only (7), so its year is 37.
    const tables = [
      table('2025-T4', { kind: 'quarter', year: 2025, quarter: 4 }, fig(NATION, 120, 10), [
        fig('11', 30, 3),
        fig('24', 40, 3),
        fig('27', 50, 4),
      ]),
      table('2025', { kind: 'year', year: 2025 }, fig(NATION, 127, 11), [fig('11', 37, 4), fig('24', 40, 3), fig('27', 50, 4)]),
    ];
    const states = protectLinked(tables);
    const year = states.get('2025')!.get('STOCK')!;
    expect(isHidden(year.regions.get('11')), 'region 11 in 2025').to.equal(true);
    expect(isHidden(year.national), 'the nation in 2025').to.equal(true);
    // Wherever a year and its fourth quarter are both shown, they rest on the same poles or 3 more.
    for (const area of [NATION, '11', '24', '27']) {
      const st = (key: string) =>
        area === NATION ? states.get(key)!.get('STOCK')!.national : states.get(key)!.get('STOCK')!.regions.get(area);
      if (st('2025') !== 'shown' || st('2025-T4') !== 'shown') continue;
      const c = (t: LinkedTable) => (area === NATION ? t.national[0] : t.regions.find((r) => r.area === area)!).contributors;
      expect(c(tables[1]) - c(tables[0]), area).to.satisfy((d: number) => d === 0 || d >= MIN_CONTRIBUTORS);
    }
  });

  it('property: solving the whole family as a linear system fixes no hidden flow figure, regions absent from quarters or not', () => {
    const flowFamily = fc
      .record({
        regionCount: fc.integer({ min: 1, max: REGIONS.length }),
        absentWhenEmpty: fc.boolean(),
      })
      .chain(({ regionCount, absentWhenEmpty }) =>
        fc.record({
          offered: fc.constant<boolean[]>([true, true, true, true]),
          kinds: fc.constant<('flow' | 'stock')[]>(['flow']),
          cells: fc.array(
            fc.array(
              fc.array(fc.record({ contributors: fc.integer({ min: 0, max: 5 }), tenths: fc.integer({ min: 1, max: 300 }) }), {
                minLength: 4,
                maxLength: 4,
              }),
              { minLength: regionCount, maxLength: regionCount },
            ),
            { minLength: 1, maxLength: 1 },
          ),
          extra: fc.integer({ min: 0, max: 2 }),
          absentWhenEmpty: fc.constant(absentWhenEmpty),
        }),
      );
    fc.assert(
      fc.property(flowFamily, (spec) => {
        expect(exactlyRecoverable(family(spec), 'IND_0')).to.deep.equal([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: no equation of the family (nation = Σ regions, year = Σ quarters) isolates one hidden figure', () => {
    fc.assert(
      fc.property(familyArb, (spec) => {
        const tables = family(spec);
        const states = protectLinked(tables);
        const stateOf = (t: LinkedTable, ind: string, area: string): CellState | undefined =>
          area === NATION ? states.get(t.key)!.get(ind)!.national : states.get(t.key)!.get(ind)!.regions.get(area);
        const figOf = (t: LinkedTable, ind: string, area: string) =>
          (area === NATION ? t.national : t.regions).find((f) => f.indicator === ind && f.area === area);
        for (const t of tables) {
          for (const f of [...t.national, ...t.regions]) {
            const st = stateOf(t, f.indicator, f.area);
            if (f.value !== null && f.contributors < MIN_CONTRIBUTORS)
              expect(isHidden(st), `${t.key} ${f.indicator} ${f.area}`).to.equal(true);
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
