// « Comparer des régions » on a real database: two regions and France from the stored aggregates, raw and
// per 10 000 inhabitants with the package's populations, the scope (404 outside it, never shown), the
// provisional quarter said, and every bad field a 400 with its message beside the field.
import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { onPostgres } from '../support/test-db.ts';
import { byId, chartsOf, text } from '../support/html.ts';
import type { Services } from '../../server/services.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Quarter } from '../../server/lib/quarters.ts';
import { officialPopulations } from '../../server/reference/population.ts';

type Agent = ReturnType<typeof request.agent>;
const q = (year: number, quarter: number): Quarter => ({ year, quarter });
const RANGE = 'de=2026-T1&a=2026-T3';

describe(`comparing regions (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let s: Services;
  let staffId: number;
  const agents = {} as Record<'staff' | 'national' | 'funder76' | 'manager76', Agent>;

  /** A quarter entered through the service with this many jobs created, submitted, and validated unless `draft`. */
  async function enter(pole: PoleRow, period: Quarter, emp: string, then: 'validate' | 'draft' = 'validate') {
    const body = { ...(await completeBody(s, period, { 'v.EMP_CREES': emp })), version: '0' };
    const saved = await s.reporting.save(pole, period, body, then !== 'draft', { userId: staffId });
    expect(saved.kind, JSON.stringify(saved)).to.equal('saved');
    if (then === 'draft') return;
    const report = (await s.repos.reporting.report(s.db, pole.id, period))!;
    expect(await s.review.decide(report, 'validate', report.version, '', { userId: staffId })).to.equal('done');
  }

  before(async () => {
    ctx = await createTestApp();
    s = ctx.s;
    staffId = (await makeUser(s, 'staff')).id;
    const first = q(2026, 1);
    const garonne = await makePole(s, { name: 'Pôle Garonne', region: '76', firstReport: first });
    const tarn = await makePole(s, { name: 'Pôle Tarn', region: '76', departement: '81', firstReport: first });
    const landes = await makePole(s, { name: 'Pôle Landes', region: '75', departement: '40', firstReport: first });
    const rhone = await makePole(s, { name: 'Pôle Rhône', region: '84', firstReport: first });
    // Jobs created: Occitanie 4 + 2, 6 + 1, then 3 (Tarn's 2026-T3 a draft: 1 pole of 2, provisional);
    // Nouvelle-Aquitaine 3, 5, 2; Rhône 10 each quarter.
    for (const [pole, values] of [
      [garonne, ['4', '6', '3']],
      [tarn, ['2', '1']],
      [landes, ['3', '5', '2']],
      [rhone, ['10', '10', '10']],
    ] as const)
      for (const [i, emp] of values.entries()) await enter(pole, q(2026, i + 1), emp);
    await enter(tarn, q(2026, 3), '9', 'draft');
    expect(await s.scheduler.run('rebuild')).to.deep.include({ ran: true, status: 'success' });
    agents.staff = await signIn(ctx.app, (await makeUser(s, 'staff')).email);
    agents.national = await signIn(ctx.app, (await makeUser(s, 'funder')).email);
    agents.funder76 = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['76'] })).email);
    agents.manager76 = await signIn(ctx.app, (await makeUser(s, 'manager', { poleIds: [garonne.id] })).email);
  });
  after(() => ctx.close());

  it('raw: a line per region and one for France, quarter by quarter, with each point’s completeness', async () => {
    const html = (await agents.national.get(`/comparer?indicateur=EMP_CREES&regions=76&regions=75&${RANGE}`).expect(200)).text;
    expect(text(html)).to.contain('Comparer des régions').and.contain('Emplois non délocalisables créés');
    const [chart] = chartsOf(html);
    expect(chart.labels).to.deep.equal(['2026-T1', '2026-T2', '2026-T3']);
    // Regions in French order; France, whose total would flatten them, on the right-hand axis.
    expect(chart.series).to.deep.equal([
      { label: 'Nouvelle-Aquitaine', axis: 'left', color: '#1d4f91', values: [3, 5, 2] },
      { label: 'Occitanie', axis: 'left', color: '#b4540a', values: [6, 7, 3] },
      { label: 'France (axe de droite)', axis: 'right', color: '#1e2329', values: [19, 22, 15] },
    ]);
    expect(byId(html, 'tr', 'compare-2026-T1')).to.equal(
      '2026-T1 3,0 ETP 1 pôle sur 1 (100 %) 6,0 ETP 2 pôles sur 2 (100 %) 19,0 ETP 4 pôles sur 4 (100 %)',
    );
    expect(byId(html, 'tr', 'compare-2026-T2')).to.equal(
      '2026-T2 5,0 ETP 1 pôle sur 1 (100 %) 7,0 ETP 2 pôles sur 2 (100 %) 22,0 ETP 4 pôles sur 4 (100 %)',
    );
    expect(text(html)).to.contain('La France est lue sur l’axe de droite');
    expect(html).to.not.contain('Populations utilisées');
  });

  it('per 10 000 inhabitants: value × 10 000 ÷ the region’s population (France: the 18 regions), the vintage said', async () => {
    const html = (await agents.national.get(`/comparer?indicateur=EMP_CREES&regions=76&regions=75&${RANGE}&mesure=habitants`).expect(200))
      .text;
    const p = officialPopulations();
    expect([p.region('75'), p.region('76'), p.france()]).to.deep.equal([6_150_451, 6_124_653, 68_350_798]);
    const [chart] = chartsOf(html);
    // 3 × 10 000 ÷ 6 150 451 = 0,004878…; 6 × 10 000 ÷ 6 124 653 = 0,009796…; 19 × 10 000 ÷ 68 350 798 = 0,002780…
    const rounded = chart.series.map((x) => ({ ...x, values: x.values.map((v) => Number(v!.toFixed(6))) }));
    expect(rounded).to.deep.equal([
      { label: 'Nouvelle-Aquitaine', axis: 'left', color: '#1d4f91', values: [0.004878, 0.008129, 0.003252] },
      { label: 'Occitanie', axis: 'left', color: '#b4540a', values: [0.009796, 0.011429, 0.004898] },
      { label: 'France', axis: 'left', color: '#1e2329', values: [0.00278, 0.003219, 0.002195] },
    ]);
    expect(byId(html, 'tr', 'compare-2026-T1')).to.equal(
      '2026-T1 0,0049 brut : 3,0 ETP 1 pôle sur 1 (100 %) 0,0098 brut : 6,0 ETP 2 pôles sur 2 (100 %) 0,0028 brut : 19,0 ETP 4 pôles sur 4 (100 %)',
    );
    expect(byId(html, 'caption', 'compare-caption')).to.contain('en ETP pour 10 000 habitants');
    expect(byId(html, 'tr', 'population-76')).to.equal('Occitanie 6 124 653');
    expect(byId(html, 'tr', 'population-75')).to.equal('Nouvelle-Aquitaine 6 150 451');
    expect(byId(html, 'tr', 'population-FR')).to.equal('France (18 régions) 68 350 798');
    expect(byId(html, 'p', 'compare-population-source')).to.equal(
      'Source : population municipale, millésime 2023 (INSEE, via @etalab/decoupage-administratif 6.0.0) ; Mayotte : recensement de 2017.',
    );
  });

  it('says the provisional quarter: in the table, in the chart’s flags, and which area is not settled', async () => {
    const html = (await agents.staff.get(`/comparer?indicateur=EMP_CREES&regions=76&regions=75&${RANGE}`).expect(200)).text;
    const [chart] = chartsOf(html) as unknown as { provisional: boolean[] }[];
    expect(chart.provisional).to.deep.equal([false, false, true]);
    // Occitanie: Garonne validated, Tarn's a draft (1 of 2 < 80 %); France 3 of 4; Nouvelle-Aquitaine settled.
    expect(byId(html, 'tr', 'compare-2026-T3')).to.equal(
      '2026-T3 provisoire 2,0 ETP 1 pôle sur 1 (100 %) 3,0 ETP 1 pôle sur 2 (50 %) · provisoire 15,0 ETP 3 pôles sur 4 (75 %) · provisoire',
    );
    expect(byId(html, 'p', 'compare-provisional')).to.contain('pointillés');
  });

  it('opens on the dashboards’ default range: ending on France’s latest consolidated quarter', async () => {
    const html = (await agents.staff.get('/comparer?regions=76').expect(200)).text;
    expect(text(html)).to.contain('du trimestre 2024-T3 au trimestre 2026-T2');
    // The address of what is shown, to share (Handlebars writes « = » as &#x3D; in attributes).
    expect(html.replace(/&#x3D;/g, '=')).to.contain(
      'href="/comparer?indicateur=EMP_CREES&amp;regions=76&amp;de=2024-T3&amp;a=2026-T2&amp;mesure=brut"',
    );
  });

  it('a regional funder: its regions and France by default; another region is a 404 that never shows it', async () => {
    const html = (await agents.funder76.get('/comparer').expect(200)).text;
    expect(chartsOf(html)[0].series.map((x) => x.label)).to.deep.equal(['Occitanie', 'France (axe de droite)']);
    expect(html).to.not.contain('Nouvelle-Aquitaine').and.not.contain('Auvergne');
    for (const url of ['/comparer?regions=84', '/comparer?regions=76&regions=75', `/comparer?regions=84&${RANGE}&mesure=habitants`]) {
      const res = await agents.funder76.get(url).expect(404);
      expect(res.text).to.not.contain('Auvergne').and.not.contain('Nouvelle-Aquitaine').and.not.contain('10,0');
    }
    // A manager: the regions of its poles.
    await agents.manager76.get('/comparer?regions=76').expect(200);
    await agents.manager76.get('/comparer?regions=84').expect(404);
  });

  it('a ratio or a score has no per-inhabitant form: the page says so and shows raw', async () => {
    const html = (await agents.staff.get(`/comparer?indicateur=PCT_MEMBRES_ESS&regions=76&${RANGE}&mesure=habitants`).expect(200)).text;
    expect(byId(html, 'p', 'compare-no-per-inhabitant'))
      .to.contain('taux')
      .and.contain('montrées brutes');
    expect(html).to.not.contain('Populations utilisées').and.not.contain('brut :');
  });

  it('a bad field is a 400 with its message beside the field, the form kept, no figures', async () => {
    const cases: [string, string, string][] = [
      ['indicateur=NOPE&regions=76', 'indicateur', 'Indicateur « NOPE » inconnu'],
      ['indicateur=emp%20cr%C3%A9%C3%A9es', 'indicateur', 'Indicateur « emp créées » inconnu'],
      ['regions=76&de=2026-T9', 'de', 'Trimestre « 2026-T9 » non reconnu'],
      ['regions=76&a=hier', 'a', 'Trimestre « hier » non reconnu'],
      [['11', '24', '27', '28', '32', '44', '52'].map((c) => `regions=${c}`).join('&'), 'regions', 'Six régions au plus (7 cochées)'],
      ['regions=76&regions=99', 'regions', 'Code de région « 99 » inconnu'],
      ['regions=%3Cb%3E', 'regions', 'Code de région « <b> » inconnu'.replace('<b>', '&lt;b&gt;')],
      ['regions=76&mesure=tout', 'mesure', 'Mesure « tout » inconnue'],
      ['indicateur=EMP_CREES&indicateur=TE_ACTIONS', 'indicateur', 'donné plusieurs fois'],
    ];
    for (const [query, field, message] of cases) {
      const res = await agents.staff.get(`/comparer?${query}`);
      expect(res.status, query).to.equal(400);
      const near = new RegExp(`id="f-${field}-error">([^<]*(?:&[a-z#0-9]+;[^<]*)*)</p>`).exec(res.text);
      expect(near?.[1], query).to.contain(message);
      expect(res.text, query).to.contain('action="/comparer"').and.not.contain('data-chart=');
    }
  });

  it('is linked from the national and regional dashboards', async () => {
    const national = (await agents.staff.get('/tableau-de-bord?a=2026-T3').expect(200)).text;
    expect(national).to.match(/<a href="\/comparer\?indicateur=EMP_CREES&amp;de=[^"]+">Comparer des régions<\/a>/);
    const region = (await agents.funder76.get('/regions/76?a=2026-T3').expect(200)).text;
    expect(region).to.match(/<a href="\/comparer\?indicateur=EMP_CREES&amp;regions=76&amp;de=[^"]+">Comparer des régions<\/a>/);
  });
});
