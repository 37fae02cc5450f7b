import { expect } from 'chai';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-db.ts';
import { buildExportFixture, q, type ExportFixture } from './fixture.ts';
import { SCOPE_AREA } from '../../server/exports/summary.service.ts';
import { parsePeriod } from '../../server/lib/quarters.ts';
import type { CurrentUser } from '../../server/http/current-user.ts';
import { formatNumber } from '../../server/lib/format.ts';

const staff: CurrentUser = { id: 1, email: 's@x', displayName: 'S', role: 'staff', poleIds: [], regionCodes: [] };
const funder = (regionCodes: string[]): CurrentUser => ({
  id: 2,
  email: 'f@x',
  displayName: 'F',
  role: 'funder',
  poleIds: [],
  regionCodes,
});

describe(`exports: summaries (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let fx: ExportFixture;

  before(async () => {
    ctx = await createTestApp();
    fx = await buildExportFixture(ctx);
  });
  after(() => ctx.close());

  it('reads periods as 2026-T2, 2026-Q2 or 2026, and nothing else', () => {
    expect(parsePeriod('2026-T2')).to.deep.equal({ kind: 'quarter', year: 2026, quarter: 2 });
    expect(parsePeriod('2026-Q2')).to.deep.equal({ kind: 'quarter', year: 2026, quarter: 2 });
    expect(parsePeriod('2026')).to.deep.equal({ kind: 'year', year: 2026 });
    for (const bad of ['2026-T5', '2026-2', 'T2', '', '20266', '2026-T2x']) expect(parsePeriod(bad), bad).to.equal(null);
  });

  it('national: the nation, each region with poles, completeness and definitions, with contributors', async () => {
    const sum = await ctx.s.summaries.national({ kind: 'quarter', year: 2026, quarter: 2 });
    expect(sum.periodLabel).to.equal('2026-T2');
    expect(sum.computedAt).to.be.a('string');
    const emp = sum.national.find((f) => f.indicator === 'EMP_CREES')!;
    // Validated only: Garonne 2,5 + Lauragais 2 + Rhône 10 + Seine 4 + Armor 0 (Minervois is only submitted).
    expect(emp.value).to.equal(18.5);
    expect(emp.contributors).to.equal(5);
    expect(emp.area).to.equal('FR');
    expect(sum.regions.map((f) => f.area)).to.include.members(['76', '84', '11', '53']);
    const occ = sum.regions.find((f) => f.area === '76' && f.indicator === 'EMP_CREES')!;
    expect(occ.value).to.equal(4.5);
    expect(occ.contributors).to.equal(2);
    expect(occ.expected).to.equal(3);
    // One vocabulary: a quarter's completeness counts poles (all indicators together), the nation first.
    expect(sum.completeness[0]).to.include({ area: 'FR', reported: 5, expected: 6, unit: 'poles' });
    expect(sum.completeness.find((c) => c.area === '76')).to.include({ reported: 2, expected: 3, unit: 'poles' });
    expect(emp.completenessUnit).to.equal('poles');
    const ytd = await ctx.s.summaries.national({ kind: 'year', year: 2026 });
    expect(ytd.comparedWith).to.equal('2025, cumul à fin T3');
    // Beyond a quarter it counts pole-quarters: Occitanie's 3 poles over 2026-T1..T3.
    expect(ytd.completeness.find((c) => c.area === '76')).to.include({ expected: 9, unit: 'pole_quarters' });
    expect(sum.indicators.find((i) => i.code === 'EMP_CREES')).to.include({ headline: true, decimals: 1, kind: 'flow' });
    const withBoth = await ctx.s.summaries.national({ kind: 'quarter', year: 2026, quarter: 2 }, 'validated_or_submitted');
    expect(withBoth.national.find((f) => f.indicator === 'EMP_CREES')!.value).to.equal(25.5);
    expect(withBoth.national.find((f) => f.indicator === 'EMP_CREES')!.contributors).to.equal(6);
  });

  it('a year sums flows over its quarters and takes the last stock', async () => {
    const sum = await ctx.s.summaries.national({ kind: 'year', year: 2026 });
    expect(sum.periodLabel).to.equal('2026');
    const garonne = 1.5 + 2.5 + 4;
    const lauragais = 3 + 2;
    const rhone = 10 + 10 + 2;
    expect(sum.national.find((f) => f.indicator === 'EMP_CREES')!.value).to.equal(garonne + lauragais + rhone + 4 + 6 + 0);
    // Stocks: the last value of each pole inside the year, summed.
    expect(sum.national.find((f) => f.indicator === 'EMP_ETP_FIN')!.value).to.equal(21 + 7 + 98 + 42 + 3);
  });

  it('pole-level flow figures add up to the national ones', async () => {
    for (const period of [{ kind: 'quarter', year: 2026, quarter: 2 } as const, { kind: 'year', year: 2026 } as const]) {
      const sum = await ctx.s.summaries.scope(staff, period);
      for (const ind of sum.indicators.filter((i) => i.kind === 'flow')) {
        const poles = sum.poles
          .filter((f) => f.indicator === ind.code && f.value !== null)
          .reduce((acc, f) => acc + Math.round(f.value! * 10_000), 0);
        const nation = sum.national.find((f) => f.indicator === ind.code)!;
        expect(Math.round((nation.value ?? 0) * 10_000), `${ind.code} ${JSON.stringify(period)}`).to.equal(poles);
        expect(nation.contributors).to.equal(sum.poles.filter((f) => f.indicator === ind.code && f.value !== null).length);
      }
    }
  });

  it('a funder’s scope holds only its regions and their poles, its regions merged', async () => {
    const sum = await ctx.s.summaries.scope(funder(['76', '75']), { kind: 'quarter', year: 2026, quarter: 2 });
    expect(new Set(sum.regions.map((f) => f.area))).to.deep.equal(new Set(['76']));
    expect(new Set(sum.poles.map((f) => f.area))).to.deep.equal(
      new Set([fx.poles.garonne.slug, fx.poles.lauragais.slug, fx.poles.minervois.slug]),
    );
    // The scope's own line first, then its regions; a quarter counts poles.
    expect(sum.completeness.map((c) => c.area)).to.deep.equal([SCOPE_AREA, '76']);
    expect(sum.completeness[1]).to.include({ reported: 2, expected: 3, unit: 'poles' });
    const own = sum.national.find((f) => f.indicator === 'EMP_CREES')!;
    expect(own.area).to.equal(SCOPE_AREA);
    expect(own.value).to.equal(4.5);
    expect(own.contributors).to.equal(2);
    const json = JSON.stringify(sum);
    for (const outside of ['Pôle Rhône', 'Pôle Seine', 'Pôle Armor', fx.poles.rhone.slug, '"84"', '"11"'])
      expect(json).not.to.include(outside);
    let refused = 0;
    await ctx.s.summaries.scope(funder(['76']), { kind: 'year', year: 2026 }, 'validated_or_submitted').catch(() => refused++);
    const manager: CurrentUser = { ...staff, role: 'manager', poleIds: [fx.poles.garonne.id] };
    await ctx.s.summaries.scope(manager, { kind: 'year', year: 2026 }).catch(() => refused++);
    expect(refused).to.equal(2);
  });

  it('the year still running equals the dashboard’s year-to-date tiles (stocks and completeness at the last closed quarter)', async () => {
    for (const user of [staff, funder(['76', '75'])]) {
      const sum = await ctx.s.summaries.scope(user, { kind: 'year', year: 2026 });
      const page = await ctx.s.dashboards.national(user, { indicator: 'EMP_ETP_FIN', from: q(2025, 3), to: q(2026, 3), base: 'validated' });
      for (const tile of page.tiles) {
        const fig = sum.national.find((f) => f.indicator === tile.code)!;
        const ind = sum.indicators.find((i) => i.code === tile.code)!;
        // The tile writes the number, then a no-break space and its unit.
        expect(tile.ytd.value?.replace(/\u00a0.*$/, '') ?? null, tile.code).to.equal(
          fig.value === null ? null : formatNumber(fig.value, ind.decimals),
        );
        expect(tile.ytd.completeness).to.include(String(fig.reported)).and.include(String(fig.expected));
      }
      const stock = sum.national.find((f) => f.indicator === 'EMP_ETP_FIN')!;
      expect(stock.expected).to.be.greaterThan(0);
    }
  });

  it('equals the dashboard’s figures for the same quarter and scope, indicator by indicator', async () => {
    const to = q(2026, 2);
    for (const user of [staff, funder(['76', '75']), funder([])]) {
      const sum = await ctx.s.summaries.scope(user, { kind: 'quarter', ...to });
      for (const ind of sum.indicators) {
        const page = await ctx.s.dashboards.national(user, { indicator: ind.code, from: q(2025, 3), to, base: 'validated' });
        const series = page.trend.chart.series[0].values;
        const own = sum.national.find((f) => f.indicator === ind.code)!;
        expect(series[series.length - 1], `${ind.code} for ${user.regionCodes.join('+') || user.role}`).to.equal(own.value);
        const regions = sum.regions.filter((f) => f.indicator === ind.code && f.expected > 0);
        expect(page.breakdown.rows.map((r) => r.key).sort()).to.deep.equal(regions.map((f) => f.area).sort());
        for (const row of page.breakdown.rows) {
          const fig = regions.find((f) => f.area === row.key)!;
          expect(fig.value === null ? null : Math.round(fig.value * 10_000), `${ind.code} ${row.key}`).to.equal(row.scaled);
        }
      }
    }
  });
});
