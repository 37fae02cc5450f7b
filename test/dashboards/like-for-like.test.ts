// A change from a year earlier is computed on the poles that reported both periods (« à périmètre
// constant »), says on how many, and is withheld under MIN_COMPARABLE_POLES or half the poles expected.
import { expect } from 'chai';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { onPostgres } from '../support/test-db.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Quarter } from '../../server/lib/quarters.ts';
import { byId, text } from '../support/html.ts';

const q = (year: number, quarter: number): Quarter => ({ year, quarter });

describe(`dashboards: changes like for like (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;

  async function validated(staffId: number, pole: PoleRow, period: Quarter, emp: string) {
    const s = ctx.s;
    const existing = await s.repos.reporting.report(s.db, pole.id, period);
    const body = { ...(await completeBody(s, period, { 'v.EMP_CREES': emp })), version: String(existing?.version ?? 0) };
    expect((await s.reporting.save(pole, period, body, true, { userId: staffId })).kind).to.equal('saved');
    const report = (await s.repos.reporting.report(s.db, pole.id, period))!;
    expect(await s.review.decide(report, 'validate', report.version, '', { userId: staffId })).to.equal('done');
  }

  afterEach(() => ctx?.close());

  it('compares only the poles that reported both quarters, and says on how many', async () => {
    ctx = await createTestApp();
    const staff = await makeUser(ctx.s, 'staff');
    // Four poles report 2025-T3 and 2026-T3 (1 + 2 + 3 + 4 = 10, then 2 + 2 + 3 + 4,5 = 11,5); a fifth,
    // new in 2026, adds 20 to the total: the raw totals (31,5 against 10) would say +215 %.
    const poles: PoleRow[] = [];
    for (const [i, name] of ['Garonne', 'Lauragais', 'Minervois', 'Cerdagne'].entries()) {
      const pole = await makePole(ctx.s, { name: `Pôle ${name}`, region: '76', firstReport: q(2025, 3) });
      poles.push(pole);
      await validated(staff.id, pole, q(2025, 3), String(i + 1));
    }
    for (const [pole, emp] of [
      [poles[0], '2'],
      [poles[1], '2'],
      [poles[2], '3'],
      [poles[3], '4,5'],
    ] as const)
      await validated(staff.id, pole, q(2026, 3), emp);
    const newcomer = await makePole(ctx.s, { name: 'Pôle Aude', region: '76', firstReport: q(2026, 1) });
    await validated(staff.id, newcomer, q(2026, 3), '20');
    await ctx.s.refresh.rebuild();

    const agent = await signIn(ctx.app, (await makeUser(ctx.s, 'funder')).email);
    const html = (await agent.get('/tableau-de-bord?a=2026-T3').expect(200)).text;
    expect(byId(html, 'div', 'tile-EMP_CREES-quarter'))
      .to.contain('31,5 ETP')
      .and.contain('+15,0 % par rapport à 2025-T3, à périmètre constant')
      .and.contain('4 pôles ayant déclaré les deux périodes : 11,5 ETP contre 10,0 ETP')
      .and.contain('Complétude : 5 pôles sur 5 (100 %)')
      .and.not.contain('215');
    // The region page says the same for its own figures.
    const region = (await agent.get('/regions/76?a=2026-T3').expect(200)).text;
    expect(byId(region, 'div', 'tile-EMP_CREES-quarter')).to.contain('+15,0 % par rapport à 2025-T3, à périmètre constant');

    // The national summary, its CSV and its print page say the same, computed by the same module.
    const summary = await ctx.s.summaries.national({ kind: 'quarter', year: 2026, quarter: 3 });
    expect(summary.comparedWith).to.equal('2025-T3');
    expect(summary.national.find((f) => f.indicator === 'EMP_CREES')!.comparison).to.deep.include({
      status: 'significant',
      poles: 4,
      current: 11.5,
      previous: 10,
      change: 15,
      changeUnit: 'percent',
    });
    const staffAgent = await signIn(ctx.app, staff.email);
    const csv = (await staffAgent.get('/admin/exports/synthese?periode=2026-T3&format=csv').expect(200)).text;
    const line = csv.split('\n').find((l) => l.startsWith('Synthèse nationale,FR,') && l.includes(',EMP_CREES,'))!;
    expect(line).to.contain(',2025-T3,à périmètre constant,4,5,11.5,10.0,15.0,%,');
    const print = text((await staffAgent.get('/admin/exports/synthese/impression?periode=2026-T3').expect(200)).text);
    expect(print)
      .to.contain('Évolution sur un an, à périmètre constant (avec 2025-T3)')
      .and.contain('+15,0 % (4 pôles ayant déclaré les deux périodes)')
      .and.not.contain('215');
  });

  it('withholds the percentage under MIN_COMPARABLE_POLES or half the poles expected', async () => {
    ctx = await createTestApp({ MIN_COMPARABLE_POLES: '2' });
    const staff = await makeUser(ctx.s, 'staff');
    // Two poles compare (at the threshold of 2) but five are expected: under half, no percentage.
    const a = await makePole(ctx.s, { name: 'Pôle Garonne', region: '76', firstReport: q(2025, 3) });
    const b = await makePole(ctx.s, { name: 'Pôle Lauragais', region: '76', firstReport: q(2025, 3) });
    for (const name of ['Minervois', 'Cerdagne', 'Aude'])
      await makePole(ctx.s, { name: `Pôle ${name}`, region: '76', firstReport: q(2026, 3) });
    for (const pole of [a, b]) {
      await validated(staff.id, pole, q(2025, 3), '1');
      await validated(staff.id, pole, q(2026, 3), '3');
    }
    await ctx.s.refresh.rebuild();
    const agent = await signIn(ctx.app, (await makeUser(ctx.s, 'funder')).email);
    const tile = byId((await agent.get('/tableau-de-bord?a=2026-T3').expect(200)).text, 'div', 'tile-EMP_CREES-quarter');
    expect(tile).to.contain('Comparaison avec 2025-T3 non significative (2 pôles sur 5 ayant déclaré les deux périodes)');
    expect(tile).to.not.match(/[+−-]\d+,\d %/);
  });
});
