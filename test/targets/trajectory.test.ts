// « Réalisé cumulé et trajectoire de l'objectif » on the dashboards: a flow's year to date of the poles
// that have a target (those only, summed) against Σ targets × k/4, with its table, its completeness, its
// provisional quarters, within the user's scope; never for a stock.
import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { onPostgres } from '../support/test-db.ts';
import { byId, chartsOf, text } from '../support/html.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Services } from '../../server/services.ts';

type Agent = ReturnType<typeof request.agent>;

const section = (html: string) => /<section aria-labelledby="h-trajectory"[\s\S]*?<\/section>/.exec(html)?.[0] ?? null;
const rowsOf = (html: string) => ['T1', 'T2', 'T3', 'T4'].map((k) => byId(html, 'tr', `trajectory-${k}`));
const chartOf = (html: string) => chartsOf(section(html)!)[0] as ReturnType<typeof chartsOf>[number] & { provisional: boolean[] };

describe(`targets' trajectory on the dashboards (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let s: Services;
  let staff: Agent;
  let funder: Agent;
  let otherFunder: Agent;

  /** Quarters of 2026 the manager saves (EMP_CREES as typed) and staff validate. */
  async function report(pole: PoleRow, managerId: number, staffId: number, quarters: [number, string][]) {
    for (const [quarter, emp] of quarters) {
      const q = { year: 2026, quarter };
      const body = { ...(await completeBody(s, q, { 'v.EMP_CREES': emp, 'v.EMP_ETP_FIN': '40' })), version: '0' };
      const saved = await s.reporting.save(pole, q, body, true, { userId: managerId });
      expect(saved.kind, JSON.stringify(saved)).to.equal('saved');
      const r = (await s.repos.reporting.report(s.db, pole.id, q))!;
      expect(await s.review.decide(r, 'validate', r.version, '', { userId: staffId })).to.equal('done');
    }
  }

  async function target(pole: PoleRow, body: Record<string, string>, staffId: number) {
    const { digest } = await s.targets.form(pole, 2026);
    await s.targets.saveYear(pole, 2026, body, digest, { userId: staffId });
  }

  before(async () => {
    // Two of three poles' reports validated close a quarter: B's missing 2026-T1 leaves it consolidated.
    ctx = await createTestApp({ CLOSED_COMPLETENESS: '0.6' });
    s = ctx.s;
    const a = await makePole(s, { name: 'Pôle Alpha' });
    const b = await makePole(s, { name: 'Pôle Bravo' });
    const c = await makePole(s, { name: 'Pôle Charlie' });
    const d = await makePole(s, { name: 'Pôle Delta', region: '84' });
    const st = await makeUser(s, 'staff');
    const m = await makeUser(s, 'manager', { poleIds: [a.id, b.id, c.id, d.id] });
    // Year to date at T1, T2, T3 — A: 2, 5, 9; B: nothing, 1,5, 2,5; C (no target): 10, 20, 30; D: 4, 8, 12.
    await report(a, m.id, st.id, [
      [1, '2'],
      [2, '3'],
      [3, '4'],
    ]);
    await report(b, m.id, st.id, [
      [2, '1,5'],
      [3, '1'],
    ]);
    await report(c, m.id, st.id, [
      [1, '10'],
      [2, '10'],
      [3, '10'],
    ]);
    await report(d, m.id, st.id, [
      [1, '4'],
      [2, '4'],
      [3, '4'],
    ]);
    // Targets: A 12 and B 8 (Σ 20) with a stock's target too; C none; D 40.
    await target(a, { 'o.EMP_CREES': '12', 'o.EMP_ETP_FIN': '50' }, st.id);
    await target(b, { 'o.EMP_CREES': '8' }, st.id);
    await target(d, { 'o.EMP_CREES': '40' }, st.id);
    await s.refresh.rebuild();
    staff = await signIn(ctx.app, st.email);
    funder = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['76'] })).email);
    otherFunder = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['84'] })).email);
  });
  after(() => ctx.close());

  it('draws the year to date of the poles with a target only, against Σ targets × k/4, with its table and coverage', async () => {
    const html = (await funder.get('/regions/76?indicateur=EMP_CREES').expect(200)).text;
    const panel = text(section(html)!);
    expect(panel)
      .to.include('Réalisé cumulé et trajectoire de l’objectif 2026 : Emplois non délocalisables créés')
      .and.include('Objectifs fixés pour 2 pôles sur 3 : le réalisé cumulé est la somme de ces seuls pôles')
      .and.include('Objectif de l’année (somme des objectifs de ces pôles) : 20,0 ETP.')
      .and.include('La trajectoire est linéaire par trimestre')
      .and.not.include('provisoire');
    // C's 10 ETP a quarter never count; B's missing T1 is said in the completeness.
    expect(rowsOf(html)).to.deep.equal([
      '2026-T1 2,0 ETP 5,0 ETP 1 trimestre déclaré sur 2 (50 %)',
      '2026-T2 6,5 ETP 10,0 ETP 3 trimestres déclarés sur 4 (75 %)',
      '2026-T3 11,5 ETP 15,0 ETP 5 trimestres déclarés sur 6 (83 %)',
      '2026-T4 — 20,0 ETP après 2026-T3, fin de la période affichée',
    ]);
    const chart = chartOf(html);
    expect(chart.labels).to.deep.equal(['2026-T1', '2026-T2', '2026-T3', '2026-T4']);
    expect(chart.series.map((x) => [x.role ?? 'actual', x.values])).to.deep.equal([
      ['actual', [2, 6.5, 11.5, null]],
      ['trajectory', [5, 10, 15, 20]],
      ['target', [20, 20, 20, 20]],
    ]);
    expect(chart.provisional).to.deep.equal([false, false, false, false]);
  });

  it('stops the actual at the last quarter shown', async () => {
    const html = (await staff.get('/regions/76?indicateur=EMP_CREES&de=2025-T3&a=2026-T2').expect(200)).text;
    expect(chartOf(html).series[0].values).to.deep.equal([2, 6.5, null, null]);
    expect(rowsOf(html)[2]).to.equal('2026-T3 — 15,0 ETP après 2026-T2, fin de la période affichée');
  });

  it('sums the scope’s poles with a target on the national page, and a funder sees only its own regions', async () => {
    // Staff: A, B and D (Σ targets 60); a funder of Occitanie: A and B; a funder of Auvergne-Rhône-Alpes: D only.
    const national = (await staff.get('/tableau-de-bord?indicateur=EMP_CREES').expect(200)).text;
    expect(text(section(national)!))
      .to.include('Objectifs fixés pour 3 pôles sur 4')
      .and.include(': 60,0 ETP.');
    expect(chartOf(national).series.map((x) => x.values)).to.deep.equal([
      [6, 14.5, 23.5, null],
      [15, 30, 45, 60],
      [60, 60, 60, 60],
    ]);
    expect(chartOf((await funder.get('/tableau-de-bord?indicateur=EMP_CREES').expect(200)).text).series[0].values).to.deep.equal([
      2,
      6.5,
      11.5,
      null,
    ]);
    const other = (await otherFunder.get('/tableau-de-bord?indicateur=EMP_CREES').expect(200)).text;
    expect(text(section(other)!)).to.include('Objectif fixé pour 1 pôle sur 1 : le réalisé cumulé est celui de ce seul pôle.');
    expect(rowsOf(other)[2]).to.equal('2026-T3 12,0 ETP 30,0 ETP 3 trimestres déclarés sur 3 (100 %)');
    expect(other).not.to.include('Pôle Alpha');
    await otherFunder.get('/regions/76?indicateur=EMP_CREES').expect(404);
  });

  it('shows no chart for a stock, nor for a flow nobody has a target for', async () => {
    const stock = (await staff.get('/regions/76?indicateur=EMP_ETP_FIN').expect(200)).text;
    expect(section(stock)).to.equal(null);
    // The stock's target is still in the targets panel.
    expect(text(stock)).to.include('Objectif fixé pour 1 pôle sur 3.');
    expect(section((await staff.get('/regions/76?indicateur=TE_ACTIONS').expect(200)).text)).to.equal(null);
  });

  it('says a provisional year to date, in the table, the chart and a sentence', async () => {
    // Before 2026-T3's deadline, its quarter (and so its year to date) is provisional.
    ctx.clock.set('2026-10-10T10:00:00');
    try {
      const html = (await funder.get('/regions/76?indicateur=EMP_CREES&a=2026-T3').expect(200)).text;
      expect(text(section(html)!)).to.include(
        'Le cumul à fin 2026-T3 est provisoire (un cumul l’est dès que l’un de ses trimestres l’est) : il peut encore changer.',
      );
      expect(rowsOf(html)[2]).to.equal('2026-T3 provisoire 11,5 ETP 15,0 ETP 5 trimestres déclarés sur 6 (83 %)');
      expect(rowsOf(html)[1]).to.equal('2026-T2 6,5 ETP 10,0 ETP 3 trimestres déclarés sur 4 (75 %)');
      const chart = chartOf(html) as unknown as { provisional: boolean[]; provisionalLabel: string };
      expect(chart.provisional).to.deep.equal([false, false, true, false]);
      expect(chart.provisionalLabel).to.equal('provisoire');
      // The tile's target line compares the same provisional year to date, and says so.
      const tile = text(/<li class="card dash-tile" id="tile-EMP_CREES">[\s\S]*?<\/li>/.exec(html)![0]);
      expect(tile).to.match(/Objectifs 2026 \(2 pôles sur 3 en ont un\) : [^.]+\. .*Réalisé provisoire : il peut encore changer\./);
      const settled = (await funder.get('/regions/76?indicateur=EMP_CREES&a=2026-T2').expect(200)).text;
      expect(text(/<li class="card dash-tile" id="tile-EMP_CREES">[\s\S]*?<\/li>/.exec(settled)![0])).not.to.include('Réalisé provisoire');
    } finally {
      ctx.clock.set('2026-11-26T10:00:00');
    }
  });
});
