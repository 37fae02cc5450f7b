// Figures « pour 10 000 habitants » on a real database, worked by hand: a region's figure over the region's
// population, a pole's over its territory's (its EPCI), a pole without a known population, a rate without
// a per-inhabitant form; the same figures in the API (per10kInhabitants, population) and in the summary
// files (CSV and XLSX columns); a regional funder's scope unchanged.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type request from 'supertest';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { onPostgres } from '../support/test-db.ts';
import { byId, chartsOf, htmlById } from '../support/html.ts';
import { binary, readXlsx } from '../support/files.ts';
import type { Services } from '../../server/services.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Quarter } from '../../server/lib/quarters.ts';
import { officialPopulations } from '../../server/reference/population.ts';
import { CSV_HEADER } from '../../server/exports/summary-files.ts';
import { per10k, perInhabitantDecimals, polePopulation } from '../../server/reference/per-inhabitant.ts';

type Agent = ReturnType<typeof request.agent>;
const q = (year: number, quarter: number): Quarter => ({ year, quarter });
const RANGE = 'de=2026-T1&a=2026-T2';
const TOULOUSE = '243100518';

describe(`figures per 10 000 inhabitants (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let s: Services;
  let staffId: number;
  const p = officialPopulations();
  const poles = {} as Record<'garonne' | 'tarn' | 'landes' | 'lost', PoleRow>;
  const agents = {} as Record<'staff' | 'national' | 'funder76', Agent>;

  async function enter(pole: PoleRow, period: Quarter, emp: string) {
    const body = { ...(await completeBody(s, period, { 'v.EMP_CREES': emp })), version: '0' };
    expect((await s.reporting.save(pole, period, body, true, { userId: staffId })).kind).to.equal('saved');
    const report = (await s.repos.reporting.report(s.db, pole.id, period))!;
    expect(await s.review.decide(report, 'validate', report.version, '', { userId: staffId })).to.equal('done');
  }

  before(async () => {
    ctx = await createTestApp();
    s = ctx.s;
    staffId = (await makeUser(s, 'staff')).id;
    const first = q(2026, 1);
    poles.garonne = await makePole(s, { name: 'Pôle Garonne', region: '76', epci: TOULOUSE, firstReport: first });
    poles.tarn = await makePole(s, { name: 'Pôle Tarn', region: '76', departement: '81', firstReport: first });
    poles.lost = await makePole(s, { name: 'Pôle Sans Territoire', region: '76', firstReport: first });
    poles.landes = await makePole(s, { name: 'Pôle Landes', region: '75', departement: '40', firstReport: first });
    // A pole whose territory is not known (its rows gone): « population inconnue », never a wrong divisor.
    await s.db('pole_territories').where({ pole_id: poles.lost.id }).delete();
    // Jobs created in 2026-T1: Occitanie 4 + 2 + 1 = 7, Nouvelle-Aquitaine 3; France 10.
    for (const [pole, emp] of [
      [poles.garonne, '4'],
      [poles.tarn, '2'],
      [poles.lost, '1'],
      [poles.landes, '3'],
    ] as const) {
      await enter(pole, q(2026, 1), emp);
      await enter(pole, q(2026, 2), emp);
    }
    expect(await s.scheduler.run('rebuild')).to.deep.include({ ran: true, status: 'success' });
    agents.staff = await signIn(ctx.app, (await makeUser(s, 'staff')).email);
    agents.national = await signIn(ctx.app, (await makeUser(s, 'funder')).email);
    agents.funder76 = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['76'] })).email);
  });
  after(() => ctx.close());

  it('the populations the worked example divides by (the module’s, one vintage)', () => {
    expect([p.region('76'), p.region('75'), p.france(), p.epci(TOULOUSE)]).to.deep.equal([6_124_653, 6_150_451, 68_350_798, 841_524]);
    expect(p.territory([{ kind: 'epci', code: TOULOUSE }]).population).to.equal(841_524);
    // A pole's divisor: its territory's, unless a row of it is unknown (too few inhabitants would divide).
    expect(polePopulation(p, [{ kind: 'epci', code: TOULOUSE }])).to.equal(841_524);
    expect(
      polePopulation(p, [
        { kind: 'epci', code: TOULOUSE },
        { kind: 'epci', code: '200000000' },
      ]),
    ).to.equal(null);
    expect(polePopulation(p, [])).to.equal(null);
    // The decimals rule (shared with /comparer): three significant digits for the smallest figure, 1 to 4.
    expect([
      perInhabitantDecimals([0.0229, 1.5]),
      perInhabitantDecimals([1.25]),
      perInhabitantDecimals([12.5]),
      perInhabitantDecimals([0.0001]),
    ]).to.deep.equal([4, 2, 1, 4]);
    expect(per10k(7, 6_124_653)).to.equal((7 * 10_000) / 6_124_653);
    expect([per10k(null, 10), per10k(3, null), per10k(3, 0)]).to.deep.equal([null, null, null]);
  });

  it('national dashboard: the region breakdown, the map and the tiles divided by each area’s population, the vintage said once', async () => {
    const raw = (await agents.national.get(`/tableau-de-bord?indicateur=EMP_CREES&${RANGE}`).expect(200)).text;
    expect(byId(raw, 'tr', 'region-76')).to.equal('Occitanie 7,0 ETP 3 pôles sur 3 (100 %)');
    expect(raw).to.not.contain('id="measure-note"');

    const html = (await agents.national.get(`/tableau-de-bord?indicateur=EMP_CREES&${RANGE}&mesure=habitants`).expect(200)).text;
    // The switch keeps its value in the GET form.
    expect(html).to.match(/<option value="habitants" selected>Pour 10 000 habitants<\/option>/);
    expect(byId(html, 'p', 'measure-note')).to.equal(
      'Pour 10 000 habitants : chaque chiffre est divisé par la population de sa zone (population municipale, millésime 2023 (INSEE, via @etalab/decoupage-administratif 6.0.0) ; Mayotte : recensement de 2017). Populations qui divisent : France : 68 350 798 habitants.',
    );
    // 2026-T2: Occitanie 7 × 10 000 ÷ 6 124 653 = 0,011429…; Nouvelle-Aquitaine 3 × 10 000 ÷ 6 150 451 = 0,004878…
    expect(byId(html, 'tr', 'region-76')).to.equal('Occitanie 0,0114 brut : 7,0 ETP 6 124 653 3 pôles sur 3 (100 %)');
    expect(byId(html, 'tr', 'region-75')).to.equal('Nouvelle-Aquitaine 0,0049 brut : 3,0 ETP 6 150 451 1 pôle sur 1 (100 %)');
    const charts = chartsOf(html) as unknown as { unit: string; series: { values: number[] }[] }[];
    const bars = charts[charts.length - 1];
    expect(bars.unit).to.equal('ETP pour 10 000 habitants');
    expect(bars.series[0].values).to.deep.equal([(7 * 10_000) / 6_124_653, (3 * 10_000) / 6_150_451]);
    // The trend: France's 10 ETP a quarter over France's population; the tile says the raw figure too.
    expect(charts[0].series[0].values).to.deep.equal([(10 * 10_000) / 68_350_798, (10 * 10_000) / 68_350_798]);
    expect(byId(html, 'div', 'tile-EMP_CREES-quarter'))
      .to.contain('0,0015')
      .and.contain('brut : 10,0 ETP');
    // The map: a region's square reads its figure per inhabitant, and its link keeps the measure.
    expect(htmlById(html, 'li', 'map-76'))
      .to.contain('href="/regions/76?mesure&#x3D;habitants"')
      .and.contain('0,0114');
  });

  it('regional page: each pole over its territory’s population, « population inconnue » without one', async () => {
    const html = (await agents.funder76.get(`/regions/76?indicateur=EMP_CREES&${RANGE}&mesure=habitants`).expect(200)).text;
    // Garonne: 4 × 10 000 ÷ 841 524 (Toulouse Métropole) = 0,0475…; Tarn: 2 × 10 000 ÷ the Tarn's population.
    const tarn = p.departement('81')!;
    expect(byId(html, 'tr', `pole-${poles.garonne.id}`)).to.match(/^Pôle Garonne 0,0475 brut : 4,0 ETP 841 524 1 pôle sur 1 \(100 %\)/);
    const tarnText = ((2 * 10_000) / tarn).toFixed(4).replace('.', ',');
    expect(byId(html, 'tr', `pole-${poles.tarn.id}`)).to.contain(`Pôle Tarn ${tarnText} brut : 2,0 ETP`);
    expect(byId(html, 'tr', `pole-${poles.lost.id}`))
      .to.contain('population inconnue')
      .and.not.contain('brut');
    expect(byId(html, 'p', 'measure-note'))
      .to.contain('Occitanie : 6 124 653 habitants')
      .and.contain('son territoire');
    // The region's tile: 7 ETP over Occitanie's population.
    expect(byId(html, 'div', 'tile-EMP_CREES-quarter'))
      .to.contain('0,0114')
      .and.contain('brut : 7,0 ETP');
    // Scope unchanged: another region is still a 404, and nothing of it shows.
    const other = await agents.funder76.get(`/regions/75?${RANGE}&mesure=habitants`).expect(404);
    expect(other.text).to.not.contain('Nouvelle-Aquitaine');
    const home = (await agents.funder76.get(`/tableau-de-bord?${RANGE}&mesure=habitants`).expect(200)).text;
    expect(home).to.not.contain('Nouvelle-Aquitaine').and.not.contain('6 150 451');
  });

  it('a rate has no per-inhabitant form: the page says so and shows it raw', async () => {
    const html = (await agents.national.get(`/tableau-de-bord?indicateur=TX_AUTOFINANCEMENT&${RANGE}&mesure=habitants`).expect(200)).text;
    expect(byId(html, 'p', 'measure-no-form')).to.equal(
      'Cet indicateur est un taux : il n’a pas de forme « pour 10 000 habitants » (il ne croît pas avec la population). Les valeurs sont montrées brutes.',
    );
    expect(byId(html, 'tr', 'region-76')).to.equal('Occitanie 25,0 % 3 pôles sur 3 (100 %)');
    // The flows' tiles are still per inhabitant; the rate's own tile says why it is not.
    expect(byId(html, 'li', 'tile-TX_AUTOFINANCEMENT'))
      .to.contain('25,0 %')
      .and.contain('Un taux n’a pas de forme par habitant');
    expect(byId(html, 'div', 'tile-EMP_CREES-quarter')).to.contain('brut : 10,0 ETP');
    // A measure that does not exist is a 400, as any bad filter.
    await agents.national.get('/tableau-de-bord?mesure=parhabitant').expect(400);
  });

  it('API: per10kInhabitants and population on each item, null for a rate and for an unknown population', async () => {
    const get = async (query: string) =>
      (await agents.staff.get(`/api/v1/aggregates?${query}&from=2026-T1&to=2026-T1`).expect(200)).body.data;
    const [region] = await get('indicator=EMP_CREES&level=region&area=76');
    expect([region.value, region.population, region.per10kInhabitants]).to.deep.equal([7, 6_124_653, (7 * 10_000) / 6_124_653]);
    const [nation] = await get('indicator=EMP_CREES&level=nation');
    expect([nation.population, nation.per10kInhabitants]).to.deep.equal([68_350_798, (10 * 10_000) / 68_350_798]);
    const [garonne] = await get(`indicator=EMP_CREES&level=pole&area=${poles.garonne.slug}`);
    expect([garonne.population, garonne.per10kInhabitants]).to.deep.equal([841_524, (4 * 10_000) / 841_524]);
    const [lost] = await get(`indicator=EMP_CREES&level=pole&area=${poles.lost.slug}`);
    expect([lost.value, lost.population, lost.per10kInhabitants]).to.deep.equal([1, null, null]);
    const [rate] = await get('indicator=TX_AUTOFINANCEMENT&level=region&area=76');
    expect([rate.value, rate.population, rate.per10kInhabitants]).to.deep.equal([25, 6_124_653, null]);
    // Scope unchanged: a regional funder reads no other region.
    await agents.funder76.get('/api/v1/aggregates?level=region&area=75').expect(404);
  });

  it('exports: the CSV and the workbook carry population and pour_10000_habitants on the figures’ rows', async () => {
    const csv = (await agents.staff.get('/admin/exports/synthese?periode=2026-T1&format=csv').expect(200)).text;
    const rows: string[][] = parse(csv, { bom: true });
    expect(rows[0]).to.deep.equal([...CSV_HEADER]);
    const col = (name: (typeof CSV_HEADER)[number]) => CSV_HEADER.indexOf(name);
    const row = (area: string, indicator: string) =>
      rows.find((r) => r[col('code_zone')] === area && r[col('code_indicateur')] === indicator)!;
    // One decimals rule per indicator over the file: the smallest figure (France's 0,00146…) keeps 4.
    expect(row('76', 'EMP_CREES')[col('pour_10000_habitants')]).to.equal('0.0114');
    expect(row('76', 'EMP_CREES')[col('population')]).to.equal('6124653');
    expect(row('FR', 'EMP_CREES')[col('pour_10000_habitants')]).to.equal('0.0015');
    expect(row('76', 'TX_AUTOFINANCEMENT')[col('pour_10000_habitants')]).to.equal('');
    expect(rows.filter((r) => r[0] === 'Définitions').every((r) => r[col('population')] === '')).to.equal(true);

    const res = await agents.funder76.get('/exports/perimetre?periode=2026-T1&format=xlsx').buffer(true).parse(binary).expect(200);
    const sheet = (await readXlsx(res.body as Buffer)).getWorksheet('Par pôle')!;
    const header = (sheet.getRow(5).values as unknown[]).map(String);
    const [popCol, perCol] = [header.indexOf('Population'), header.indexOf('Pour 10 000 habitants')];
    const cells = new Map<string, unknown[]>();
    sheet.eachRow((r, n) => {
      if (n > 5)
        cells.set(`${String(r.getCell(1).value)}|${String(r.getCell(3).value)}`, [r.getCell(popCol).value, r.getCell(perCol).value]);
    });
    expect(cells.get(`${poles.garonne.slug}|EMP_CREES`)).to.deep.equal([841_524, (4 * 10_000) / 841_524]);
    expect(cells.get(`${poles.lost.slug}|EMP_CREES`)).to.deep.equal([null, null]);
    expect(cells.get(`${poles.garonne.slug}|TX_AUTOFINANCEMENT`)).to.deep.equal([841_524, null]);
    // The funder's scope: its poles only.
    expect([...cells.keys()].some((k) => k.startsWith(poles.landes.slug))).to.equal(false);
  });
});
