import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { onPostgres } from '../support/test-db.ts';
import type { Services } from '../../server/services.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Quarter } from '../../server/lib/quarters.ts';
import { byId, chartsOf, text } from '../support/html.ts';

type Agent = ReturnType<typeof request.agent>;
const q = (year: number, quarter: number): Quarter => ({ year, quarter });

const charts = chartsOf;

describe(`dashboards (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let s: Services;
  let staffId: number;
  const p = {} as Record<'garonne' | 'lauragais' | 'minervois' | 'cerdagne' | 'aude' | 'rhone', PoleRow>;
  const agents = {} as Record<'staff' | 'national' | 'funder76' | 'funderTwo' | 'managerGaronne', Agent>;

  /** Enters a quarter through the service (as the form does), submits it, and has staff validate it. */
  async function enter(
    pole: PoleRow,
    period: Quarter,
    o: { emp?: string; etp?: string; highlights?: string; difficulties?: string },
    then: 'validate' | 'submit' | 'return' | 'draft' = 'validate',
  ) {
    const overrides: Record<string, string> = {};
    if (o.emp !== undefined) overrides['v.EMP_CREES'] = o.emp;
    if (o.etp !== undefined) overrides['v.EMP_ETP_FIN'] = o.etp;
    if (o.highlights !== undefined) overrides.highlights = o.highlights;
    if (o.difficulties !== undefined) overrides.difficulties = o.difficulties;
    const existing = await s.repos.reporting.report(s.db, pole.id, period);
    const body = { ...(await completeBody(s, period, overrides)), version: String(existing?.version ?? 0) };
    const saved = await s.reporting.save(pole, period, body, then !== 'draft', { userId: staffId });
    expect(saved.kind, JSON.stringify(saved)).to.equal('saved');
    if (then === 'validate' || then === 'return') {
      const report = (await s.repos.reporting.report(s.db, pole.id, period))!;
      expect(
        await s.review.decide(report, then, report.version, then === 'return' ? 'Chiffres à vérifier' : '', { userId: staffId }),
      ).to.equal('done');
    }
  }

  before(async () => {
    ctx = await createTestApp();
    s = ctx.s;
    staffId = (await makeUser(s, 'staff')).id;
    // Occitanie (76): Garonne and Lauragais from 2025-T3, Minervois from 2026-T1, Cerdagne and Aude from
    // 2026-T3. Auvergne-Rhône-Alpes (84): Rhône from 2025-T3.
    p.garonne = await makePole(s, { name: 'Pôle Garonne', region: '76', firstReport: q(2025, 3) });
    p.lauragais = await makePole(s, { name: 'Pôle Lauragais', region: '76', firstReport: q(2025, 3) });
    p.minervois = await makePole(s, { name: 'Pôle Minervois', region: '76', firstReport: q(2026, 1) });
    p.cerdagne = await makePole(s, { name: 'Pôle Cerdagne', region: '76', firstReport: q(2026, 3) });
    p.aude = await makePole(s, { name: 'Pôle Aude', region: '76', firstReport: q(2026, 3) });
    p.rhone = await makePole(s, { name: 'Pôle Rhône', region: '84', firstReport: q(2025, 3) });

    // Jobs created (a flow) and jobs at quarter end (a stock). Lauragais skips 2025-T4 and 2026-T3;
    // Garonne skips 2025-T4. Minervois's 2026-T3 is submitted only, Cerdagne's returned, Aude's a draft.
    await enter(p.garonne, q(2025, 3), { emp: '2', etp: '18', highlights: 'Ouverture de la recyclerie', difficulties: 'Local trop petit' });
    await enter(p.lauragais, q(2025, 3), { emp: '1', etp: '5' });
    await enter(p.rhone, q(2025, 3), { emp: '10', etp: '100' });
    for (const [pole, period, emp, etp] of [
      [p.garonne, q(2026, 1), '1,5', '19'],
      [p.garonne, q(2026, 2), '2,5', '20'],
      [p.garonne, q(2026, 3), '4', '21'],
      [p.lauragais, q(2026, 1), '3', '6'],
      [p.lauragais, q(2026, 2), '2', '7'],
      [p.rhone, q(2026, 1), '10', '100'],
      [p.rhone, q(2026, 2), '10', '100'],
      [p.rhone, q(2026, 3), '10', '100'],
    ] as const) {
      await enter(pole, period, { emp, etp, highlights: `Faits marquants ${period.year}-T${period.quarter}` });
    }
    await enter(p.minervois, q(2026, 3), { emp: '7', etp: '50', highlights: 'Soumis mais pas encore validé' }, 'submit');
    await enter(p.cerdagne, q(2026, 3), { emp: '9', etp: '30' }, 'return');
    await enter(p.aude, q(2026, 3), { emp: '5', etp: '40' }, 'draft');
    // Through the job runner, as in production: the pages read when it last succeeded from the job history.
    expect(await s.scheduler.run('rebuild')).to.deep.include({ ran: true, status: 'success' });

    agents.staff = await signIn(ctx.app, (await makeUser(s, 'staff')).email);
    agents.national = await signIn(ctx.app, (await makeUser(s, 'funder')).email);
    agents.funder76 = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['76'] })).email);
    agents.funderTwo = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['84', '76'] })).email);
    agents.managerGaronne = await signIn(ctx.app, (await makeUser(s, 'manager', { poleIds: [p.garonne.id] })).email);
  });
  after(() => ctx.close());

  it('shows the nation: flows summed over poles and quarters, completeness, year to date and the change from a year earlier', async () => {
    const html = (await agents.national.get('/tableau-de-bord?a=2026-T3').expect(200)).text;
    expect(text(html)).to.contain('Tableau de bord national').and.contain('Base : Données validées.');
    // 2026-T3: Garonne 4 + Rhône 10; six poles expected, two validated. A year earlier: 2 + 1 + 10 = 13,
    // but comparing 14 with 13 would compare two sets of poles: like for like, only Garonne and Rhône
    // reported both quarters, under the three poles a percentage needs.
    expect(byId(html, 'div', 'tile-EMP_CREES-quarter'))
      .to.contain('Trimestre 2026-T3')
      .and.contain('14,0 ETP')
      .and.contain('Comparaison avec 2025-T3 non significative (2 pôles sur 6 ayant déclaré les deux périodes)')
      .and.contain('Complétude : 2 pôles sur 6 (33 %)')
      .and.not.contain('7,7');
    // 2026 to T3: Garonne 1,5 + 2,5 + 4, Lauragais 3 + 2, Rhône 30 = 43 over 8 of 14 pole-quarters; 2025 to T3: 13.
    expect(byId(html, 'div', 'tile-EMP_CREES-ytd'))
      .to.contain('43,0 ETP')
      .and.contain('Comparaison avec 2025 à fin T3 non significative (2 pôles sur 6 ayant déclaré les deux périodes)')
      .and.contain('Complétude : 8 trimestres déclarés sur 14 (57 %)')
      .and.not.contain('230,8');
    // The other headline indicators: 3 per validated quarter in the form's plausible values.
    expect(byId(html, 'div', 'tile-ACT_CONSOLIDEES-quarter')).to.match(/Trimestre 2026-T3 provisoire 6 [^]*2 pôles sur 6/);
    expect(byId(html, 'div', 'tile-TE_ACTIONS-ytd')).to.match(/ 24 [^]*8 trimestres déclarés sur 14/);
    // The trend over the last 8 quarters: 2025-T4 reported by nobody shows no figure (never a zero).
    expect(byId(html, 'tr', 'trend-2025-T3')).to.equal('2025-T3 13,0 ETP 3 pôles sur 3 (100 %)');
    expect(byId(html, 'tr', 'trend-2025-T4')).to.equal('2025-T4 provisoire — pas encore de donnée validée 0 pôle sur 3 (0 %)');
    expect(byId(html, 'tr', 'trend-2026-T1')).to.equal('2026-T1 provisoire 14,5 ETP 3 pôles sur 4 (75 %)');
    const [trend, breakdown] = charts(html);
    expect(trend.labels).to.deep.equal(['2024-T4', '2025-T1', '2025-T2', '2025-T3', '2025-T4', '2026-T1', '2026-T2', '2026-T3']);
    expect(trend.series).to.deep.equal([{ label: 'France', axis: 'left', values: [null, null, null, 13, null, 14.5, 14.5, 14] }]);
    // Regions, largest first (the order without JavaScript), in the bar chart, the table and the map.
    expect(breakdown.labels).to.deep.equal(['Auvergne-Rhône-Alpes', 'Occitanie']);
    expect(breakdown.series[0].values).to.deep.equal([10, 4]);
    expect(html.indexOf('id="region-84"')).to.be.greaterThan(0).and.lessThan(html.indexOf('id="region-76"'));
    expect(byId(html, 'tr', 'region-76')).to.equal('Occitanie 4,0 ETP 1 pôle sur 5 (20 %)');
    // The sort keys the table script reads: the scaled value, or nothing for a region without a figure.
    // Each value links to how it is made (« Comment ce chiffre est calculé »).
    expect(html)
      .to.match(/<td class="num" data-value="100000"><a href="\/chiffres\/calcul\?[^"]+" title="[^"]+">10,0\u00a0ETP<\/a><\/td>/)
      .and.match(/<td class="num" data-value="40000"><a href="\/chiffres\/calcul\?[^"]+" title="[^"]+">4,0\u00a0ETP<\/a><\/td>/);
    expect(html).to.match(/<li class="map-tile map-r84 shade-c5" id="map-84">\s*<a href="\/regions\/84"/);
    expect(html).to.match(/<li class="map-tile map-r76 shade-c1" id="map-76">\s*<a href="\/regions\/76"/);
    expect(html).to.match(/<li class="map-tile map-r53 shade-none" id="map-53">/); // Bretagne: in scope, no pole
    // Two regions, two distinct values: two quantile classes, each with its real range and its count.
    expect(byId(html, 'ul', 'map-legend')).to.match(/^4,0 ETP \(1 région\) 10,0 ETP \(1 région\) Pas de donnée/);
    expect(byId(html, 'p', 'map-quantiles')).to.equal('Classes par quantiles : autant de régions dans chaque classe, à peu près.');
    expect(html).to.contain('<script src="/static/vendor/chartjs/chart.umd.min.js" defer></script>');
  });

  it('shows a stock as the sum of the poles’ last values, never a sum over quarters', async () => {
    const html = (await agents.national.get('/tableau-de-bord?indicateur=EMP_ETP_FIN&a=2026-T3').expect(200)).text;
    // 2026-T3: Garonne 21 + Rhône 100, two of six poles; a year earlier 18 + 5 + 100 = 123.
    expect(byId(html, 'div', 'tile-EMP_ETP_FIN-quarter'))
      .to.contain('121,0 ETP')
      .and.contain('Comparaison avec 2025-T3 non significative (2 pôles sur 6')
      .and.contain('2 pôles sur 6 (33 %)');
    // The year to date takes each pole's last value: Lauragais's 2026-T2 (7) counts, its 2026-T1 does not;
    // its completeness counts pole-quarters, as for a flow.
    expect(byId(html, 'div', 'tile-EMP_ETP_FIN-ytd'))
      .to.contain('128,0 ETP')
      .and.contain('8 trimestres déclarés sur 14 (57 %)');
    expect(byId(html, 'tr', 'trend-2026-T2')).to.equal('2026-T2 provisoire 127,0 ETP 3 pôles sur 4 (75 %)');
  });

  it('counts submitted quarters only for staff who ask for them', async () => {
    const funder = (await agents.national.get('/tableau-de-bord?a=2026-T3').expect(200)).text;
    expect(byId(funder, 'div', 'tile-EMP_CREES-quarter')).to.contain('14,0 ETP');
    expect(funder).to.not.contain('name="base"');
    const staffDefault = (await agents.staff.get('/tableau-de-bord?a=2026-T3').expect(200)).text;
    expect(byId(staffDefault, 'div', 'tile-EMP_CREES-quarter')).to.contain('14,0 ETP');
    const staff = (await agents.staff.get('/tableau-de-bord?base=validated_or_submitted&a=2026-T3').expect(200)).text;
    // Minervois's 7 joins; Cerdagne's returned 9 and Aude's draft 5 never count.
    expect(byId(staff, 'div', 'tile-EMP_CREES-quarter'))
      .to.contain('21,0 ETP')
      .and.contain('3 pôles sur 6 (50 %)');
    expect(text(staff)).to.contain('Base : Données validées ou soumises (non encore validées).');
    expect(staff).to.match(/<option value="validated_or_submitted" selected>/);
    const region = (await agents.staff.get('/regions/76?base=validated_or_submitted&a=2026-T3').expect(200)).text;
    expect(byId(region, 'tr', `pole-${p.minervois.id}`))
      .to.contain('7,0 ETP')
      .and.contain('Soumis');
    const regionValidated = (await agents.national.get('/regions/76?a=2026-T3').expect(200)).text;
    expect(byId(regionValidated, 'tr', `pole-${p.minervois.id}`))
      .to.contain('— pas encore de donnée validée')
      .and.contain('Soumis');
    for (const agent of [agents.national, agents.funder76, agents.managerGaronne]) {
      await agent.get('/tableau-de-bord?base=validated_or_submitted').expect(400);
      await agent.get('/regions/76?base=validated_or_submitted').expect(400);
      await agent.get(`/poles/${p.garonne.slug}?base=validated_or_submitted`).expect(400);
    }
    await agents.funder76.get('/tableau-de-bord?base=validated&a=2026-T3').expect(200);
  });

  it('shows a regional funder its own scope and nothing of the regions outside it', async () => {
    const html = (await agents.funder76.get('/tableau-de-bord?a=2026-T3').expect(200)).text;
    expect(text(html)).to.contain('Votre périmètre : Occitanie').and.not.contain('Tableau de bord national');
    // Occitanie alone: Garonne 4 in 2026-T3 (1 of 5 poles), a year earlier 2 + 1: only Garonne compares.
    expect(byId(html, 'div', 'tile-EMP_CREES-quarter'))
      .to.contain('4,0 ETP')
      .and.contain('non significative (1 pôle sur 5 ayant déclaré les deux périodes)')
      .and.contain('1 pôle sur 5 (20 %)')
      .and.not.contain('+33,3 %');
    expect(byId(html, 'div', 'tile-EMP_CREES-ytd'))
      .to.contain('13,0 ETP')
      .and.contain('5 trimestres déclarés sur 11 (45 %)');
    expect(charts(html)[0].series[0].label).to.equal('Occitanie');
    for (const leak of [
      'Auvergne-Rhône-Alpes',
      '/regions/84',
      'id="region-84"',
      'id="map-84"',
      'Pôle Rhône',
      '14,0 ETP',
      '10,0 ETP',
      'France :',
    ])
      expect(html, leak).to.not.contain(leak);
    expect(html).to.match(/<li class="map-tile map-r84 shade-out" aria-hidden="true"><\/li>/);
    await agents.funder76.get('/regions/84').expect(404);
    const region = (await agents.funder76.get('/regions/76?a=2026-T3').expect(200)).text;
    for (const leak of ['Auvergne-Rhône-Alpes', '/regions/84', 'Pôle Rhône', '14,0 ETP', 'France :'])
      expect(region, leak).to.not.contain(leak);
    expect(charts(region)[0].series.map((x) => x.label)).to.deep.equal(['Occitanie']);

    // Two regions: their rows combined (here every pole, so the nation's figures), named in the title.
    const two = (await agents.funderTwo.get('/tableau-de-bord?a=2026-T3').expect(200)).text;
    expect(text(two)).to.contain('Votre périmètre : Auvergne-Rhône-Alpes + Occitanie');
    expect(byId(two, 'div', 'tile-EMP_CREES-quarter'))
      .to.contain('14,0 ETP')
      .and.contain('non significative (2 pôles sur 6')
      .and.contain('2 pôles sur 6 (33 %)');
    expect(byId(two, 'div', 'tile-EMP_CREES-ytd'))
      .to.contain('43,0 ETP')
      .and.contain('8 trimestres déclarés sur 14 (57 %)');
    expect(two).to.not.contain('/regions/53');
    // Its regional page compares the region with its scope.
    const regionTwo = (await agents.funderTwo.get('/regions/76?a=2026-T3').expect(200)).text;
    expect(byId(regionTwo, 'div', 'tile-EMP_CREES-quarter'))
      .to.contain('4,0 ETP')
      .and.contain('Auvergne-Rhône-Alpes + Occitanie : 14,0 ETP');
  });

  it('shows a region beside the nation, with its poles in scope and the status of their latest quarter', async () => {
    const html = (await agents.national.get('/regions/76?a=2026-T3').expect(200)).text;
    expect(text(html)).to.contain('Tableau de bord : Occitanie');
    expect(byId(html, 'div', 'tile-EMP_CREES-quarter'))
      .to.contain('4,0 ETP')
      .and.contain('1 pôle sur 5 (20 %)')
      .and.contain('France : 14,0 ETP');
    expect(byId(html, 'div', 'tile-EMP_CREES-ytd'))
      .to.contain('13,0 ETP')
      .and.contain('France : 43,0 ETP');
    expect(byId(html, 'tr', 'trend-2026-T1')).to.equal('2026-T1 provisoire 4,5 ETP 2 pôles sur 3 (67 %) 14,5 ETP 3 pôles sur 4 (75 %)');
    // A total: France on its own right-hand axis, said in the legend and under the chart.
    expect(charts(html)[0].series.map((x) => [x.label, x.axis])).to.deep.equal([
      ['Occitanie', 'left'],
      ['France (axe de droite)', 'right'],
    ]);
    expect(text(html)).to.contain('Deux échelles : Occitanie sur l’axe de gauche, France sur l’axe de droite');
    // A score reads on one scale for both.
    const score = (await agents.national.get('/regions/76?indicateur=MATURITE_COOP&a=2026-T3').expect(200)).text;
    expect(charts(score)[0].series.map((x) => [x.label, x.axis])).to.deep.equal([
      ['Occitanie', 'left'],
      ['France', 'left'],
    ]);
    expect(text(score)).not.to.contain('Deux échelles');
    expect(byId(html, 'tr', `pole-${p.garonne.id}`))
      .to.contain('4,0 ETP')
      .and.contain('Validé');
    expect(byId(html, 'tr', `pole-${p.lauragais.id}`))
      .to.contain('À saisir')
      .and.contain('En retard');
    expect(byId(html, 'tr', `pole-${p.cerdagne.id}`))
      .to.contain('Renvoyé')
      .and.not.contain('En retard');
    expect(byId(html, 'tr', `pole-${p.aude.id}`))
      .to.contain('Brouillon')
      .and.contain('En retard');
    // Largest value first, then the poles without a figure by name.
    const order = [p.garonne, p.aude, p.cerdagne, p.lauragais, p.minervois].map((x) => html.indexOf(`id="pole-${x.id}"`));
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    expect(html).to.not.contain('Pôle Rhône');
    // A manager sees its region and the nation, but only its own poles.
    const manager = (await agents.managerGaronne.get('/regions/76?a=2026-T3').expect(200)).text;
    expect(manager).to.contain(`id="pole-${p.garonne.id}"`).and.not.contain('Pôle Lauragais');
    expect(byId(manager, 'div', 'tile-EMP_CREES-quarter')).to.contain('France : 14,0 ETP');
    await agents.managerGaronne.get('/regions/84').expect(404);
  });

  it('serves its pages without inline script, style attribute or event handler (CSP)', async () => {
    for (const path of ['/tableau-de-bord', '/regions/76', `/poles/${p.garonne.slug}`]) {
      const html = (await agents.staff.get(path).expect(200)).text;
      expect(html, path).to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, path).to.not.match(/\sstyle="/);
      expect(html, path).to.not.match(/\son[a-z]+="/);
    }
    const res = await agents.staff.get('/static/vendor/chartjs/chart.umd.min.js').expect(200);
    expect(res.headers['content-type']).to.match(/javascript/);
  });

  it('opens on the latest consolidated quarter, with a link to the current one, and marks every provisional figure', async () => {
    // 2025-T3: its three poles validated. 2025-T4 none of three, 2026-T1 and T2 three of four (75 % < 80 %),
    // 2026-T3 two of six: provisional.
    const html = (await agents.national.get('/tableau-de-bord').expect(200)).text;
    expect(byId(html, 'p', 'closure-default')).to.equal(
      'Ce tableau s’ouvre sur 2025-T3, le dernier trimestre consolidé (échéance passée, au moins 80 % des déclarations attendues validées). Voir le trimestre en cours (provisoire)',
    );
    expect(html).to.contain('href="?indicateur&#x3D;EMP_CREES&amp;a&#x3D;2026-T3"');
    expect(byId(html, 'div', 'tile-EMP_CREES-quarter'))
      .to.contain('Trimestre 2025-T3 13,0 ETP')
      .and.not.contain('provisoire');
    expect(html).to.not.contain('id="closure-provisional"');
    // The selects offer the quarters holding validated data (and the range's own ends).
    const options = [...byId(html, 'select', 'f-a').matchAll(/\d{4}-T\d/g)].map((m) => m[0]);
    expect(options).to.deep.equal(['2026-T3', '2026-T2', '2026-T1', '2025-T3', '2023-T4']);
    expect(html).to.match(/<option value="2025-T3" selected>/);

    const current = (await agents.national.get('/tableau-de-bord?a=2026-T3').expect(200)).text;
    expect(byId(current, 'p', 'closure-provisional'))
      .to.contain('Les chiffres de 2026-T3 sont provisoires')
      .and.contain('80 %');
    expect(current).to.not.contain('id="closure-default"');
    expect(byId(current, 'div', 'tile-EMP_CREES-quarter')).to.contain('Trimestre 2026-T3 provisoire');
    expect(byId(current, 'div', 'tile-EMP_CREES-ytd')).to.contain('provisoire');
    expect(byId(current, 'tr', 'trend-2025-T3')).to.not.contain('provisoire');
    expect(byId(current, 'tr', 'trend-2026-T3')).to.contain('2026-T3 provisoire');
    expect(byId(current, 'table', 'breakdown-table')).to.contain('trimestre 2026-T3 (provisoire)');
    expect(text(current)).to.contain('2026-T3 (provisoire)');
    const [trend] = charts(current) as { provisional?: boolean[]; provisionalLabel?: string }[];
    expect(trend.provisional).to.deep.equal([false, false, false, false, true, true, true, true]);
    expect(trend.provisionalLabel).to.equal('provisoire');

    // A regional funder: Occitanie's 2025-T3 (Garonne and Lauragais validated) has figures.
    const funder = (await agents.funder76.get('/tableau-de-bord').expect(200)).text;
    expect(byId(funder, 'div', 'tile-EMP_CREES-quarter')).to.contain('Trimestre 2025-T3 3,0 ETP');
    // The pole page marks its provisional quarters: Lauragais never validated 2026-T3.
    const pole = (await agents.national.get(`/poles/${p.lauragais.slug}`).expect(200)).text;
    expect(byId(pole, 'table', 'pole-history')).to.contain('2026-T2 2026-T3 provisoire');
  });

  it('corrects a reversed range, an end not yet closed or a range too long, and says so next to the field', async () => {
    for (const path of ['/tableau-de-bord', '/regions/76']) {
      const reversed = (await agents.national.get(`${path}?de=2026-T3&a=2025-T3`).expect(200)).text;
      expect(reversed).to.contain(
        '<p class="error-message" id="f-de-error">Le trimestre de début (2026-T3) était après celui de fin (2025-T3) : ils ont été inversés.</p>',
      );
      expect(charts(reversed)[0].labels).to.deep.equal(['2025-T3', '2025-T4', '2026-T1', '2026-T2', '2026-T3']);
      const open = (await agents.national.get(`${path}?a=2027-T1`).expect(200)).text;
      expect(byId(open, 'p', 'f-a-error')).to.equal(
        'Le trimestre 2027-T1 n’est pas encore clos : l’affichage s’arrête au dernier trimestre clos, 2026-T3.',
      );
      expect(byId(open, 'div', 'tile-EMP_CREES-quarter')).to.contain('Trimestre 2026-T3');
      const long = (await agents.national.get(`${path}?de=2016-T1&a=2026-T3`).expect(200)).text;
      expect(byId(long, 'p', 'f-de-error')).to.equal('Une évolution couvre au plus 40 trimestres : elle commence donc en 2016-T4.');
      expect(charts(long)[0].labels).to.have.length(40);
    }
  });

  it('refuses malformed or duplicated filters with a French 400 page, and accepts Q as well as T', async () => {
    // A well-formed code no published indicator has (an old link): the page shows the first headline
    // indicator and says so next to the field, rather than a bare error page.
    for (const path of ['/tableau-de-bord', '/regions/76']) {
      const res = await agents.staff.get(`${path}?indicateur=INCONNU&a=2026-T3`).expect(200);
      expect(byId(res.text, 'p', 'f-indicateur-error')).to.equal(
        'Aucun indicateur publié n’a le code « INCONNU » : le tableau montre « Emplois non délocalisables créés ».',
      );
      expect(res.text).to.match(/<option value="EMP_CREES" selected>/);
    }
    for (const bad of [
      'indicateur=emp_crees',
      'de=2026-T5',
      'a=2026-13',
      'indicateur=EMP_CREES&indicateur=TE_ACTIONS',
      'de=2025-T1&de=2025-T2',
      'base=autre',
    ]) {
      for (const path of ['/tableau-de-bord', '/regions/76']) {
        const res = await agents.staff.get(`${path}?${bad}`);
        expect(res.status, `${path}?${bad}`).to.equal(400);
        expect(res.text).to.contain('Requête invalide');
      }
    }
    await agents.staff.get(`/poles/${p.garonne.slug}?base=autre`).expect(400);
    const html = (await agents.national.get('/tableau-de-bord?indicateur=ACT_CONSOLIDEES&de=2025-Q3&a=2026-Q2').expect(200)).text;
    expect(charts(html)[0].labels).to.deep.equal(['2025-T3', '2025-T4', '2026-T1', '2026-T2']);
    // The tiles follow the end of the range: 2026-T2 and the year to its end.
    expect(byId(html, 'div', 'tile-EMP_CREES-quarter'))
      .to.contain('Trimestre 2026-T2')
      .and.contain('14,5 ETP');
    expect(html).to.match(/<option value="2025-T3" selected>/);
  });

  it('adds the pole’s history, charts and narratives to its page, validated quarters only for funders', async () => {
    const html = (await agents.funder76.get(`/poles/${p.garonne.slug}`).expect(200)).text;
    expect(byId(html, 'tr', 'history-EMP_CREES')).to.equal(
      'Emplois non délocalisables créés — pas encore de donnée validée — pas encore de donnée validée — pas encore de donnée validée 2,0 ETP — pas encore de donnée validée 1,5 ETP 2,5 ETP 4,0 ETP',
    );
    expect(byId(html, 'tr', 'history-EMP_ETP_FIN'))
      .to.contain('18,0 ETP')
      .and.contain('21,0 ETP');
    expect(charts(html).map((c) => c.series[0].values)).to.deep.equal([
      [null, null, null, 2, null, 1.5, 2.5, 4],
      [null, null, null, 3, null, 3, 3, 3],
      [null, null, null, 3, null, 3, 3, 3],
    ]);
    expect(byId(html, 'article', 'narrative-2025-T3'))
      .to.contain('Faits marquants Ouverture de la recyclerie')
      .and.contain('Difficultés Local trop petit');
    expect(byId(html, 'article', 'narrative-2026-T3')).to.contain('Faits marquants 2026-T3');
    expect(html.indexOf('narrative-2026-T3')).to.be.lessThan(html.indexOf('narrative-2025-T3'));
    expect(text(html)).to.contain('Base : Données validées.').and.contain('Chiffres mis à jour le 26 novembre 2026 à 10:00.');

    const submitted = (await agents.funder76.get(`/poles/${p.minervois.slug}`).expect(200)).text;
    expect(submitted).to.not.contain('Soumis mais pas encore validé');
    expect(byId(submitted, 'tr', 'history-EMP_CREES')).to.not.contain('7,0');
    const staff = (await agents.staff.get(`/poles/${p.minervois.slug}?base=validated_or_submitted`).expect(200)).text;
    expect(byId(staff, 'article', 'narrative-2026-T3')).to.contain('Soumis mais pas encore validé');
    expect(byId(staff, 'tr', 'history-EMP_CREES')).to.contain('7,0 ETP');
  });

  it('says when the figures were last refreshed (the job history), the oldest figure shown if older, and what waits, where', async () => {
    const before = (await agents.national.get('/tableau-de-bord?a=2026-T3').expect(200)).text;
    expect(byId(before, 'div', 'freshness')).to.equal(
      'Base : Données validées. Chiffres mis à jour le 26 novembre 2026 à 10:00. Aucune modification en attente du prochain calcul.',
    );

    // Twenty minutes later, Aude saves its draft again with other figures: a draft moves no figure.
    ctx.clock.advance({ minutes: 20 });
    await enter(p.aude, q(2026, 3), { emp: '6', etp: '41' }, 'draft');
    expect((await s.repos.aggregatesRead.pending(s.db, { level: 'nation' })).count).to.equal(0);
    expect(byId((await agents.national.get('/tableau-de-bord?a=2026-T3').expect(200)).text, 'div', 'freshness')).to.contain(
      'Aucune modification en attente du prochain calcul.',
    );

    // It submits it (a status change: every indicator of the quarter moves), in Occitanie.
    await enter(p.aude, q(2026, 3), { emp: '6', etp: '41' }, 'submit');
    const freshnessOf = async (agent: Agent, path: string) => byId((await agent.get(path).expect(200)).text, 'div', 'freshness');
    expect(await freshnessOf(agents.national, '/tableau-de-bord?a=2026-T3')).to.contain(
      '1 modification en attente du prochain calcul (Occitanie).',
    );
    expect(await freshnessOf(agents.staff, '/regions/76?a=2026-T3')).to.contain(
      '1 modification en attente du prochain calcul (Occitanie).',
    );
    expect(await freshnessOf(agents.staff, '/regions/84?a=2026-T3')).to.contain('Aucune modification en attente du prochain calcul.');
    expect(await freshnessOf(agents.staff, `/poles/${p.aude.slug}`)).to.contain('1 modification en attente du prochain calcul.');
    expect(await freshnessOf(agents.staff, `/poles/${p.rhone.slug}`)).to.contain('Aucune modification en attente du prochain calcul.');

    // Staff return it, and reopen Rhône's validated quarter: three changes, in two regions.
    const aude = (await s.repos.reporting.report(s.db, p.aude.id, q(2026, 3)))!;
    expect(await s.review.decide(aude, 'return', aude.version, 'À revoir', { userId: staffId })).to.equal('done');
    const rhone = (await s.repos.reporting.report(s.db, p.rhone.id, q(2026, 3)))!;
    expect(await s.review.decide(rhone, 'reopen', rhone.version, 'Une erreur de saisie', { userId: staffId })).to.equal('done');
    expect(await freshnessOf(agents.national, '/tableau-de-bord?a=2026-T3')).to.contain(
      '3 modifications en attente du prochain calcul (Occitanie, Auvergne-Rhône-Alpes).',
    );
    // A funder of Occitanie hears only of its own region.
    expect(await freshnessOf(agents.funder76, '/tableau-de-bord?a=2026-T3')).to.contain(
      '2 modifications en attente du prochain calcul (Occitanie).',
    );
    expect(await freshnessOf(agents.staff, '/regions/84?a=2026-T3')).to.contain(
      '1 modification en attente du prochain calcul (Auvergne-Rhône-Alpes).',
    );

    // The scheduled refresh rewrites the rows of 2026 of both regions and the nation; older quarters keep
    // their 10:00 rows, and the page says so.
    expect(await s.scheduler.run('refresh')).to.deep.include({ ran: true, status: 'success' });
    expect(await freshnessOf(agents.national, '/tableau-de-bord?a=2026-T3')).to.equal(
      'Base : Données validées. Chiffres mis à jour le 26 novembre 2026 à 10:20 ; le plus ancien chiffre affiché date du ' +
        '26 novembre 2026 à 10:00. Aucune modification en attente du prochain calcul.',
    );
    // Aude's page holds only rows of 2026-T3, all recomputed at 10:20.
    expect(await freshnessOf(agents.staff, `/poles/${p.aude.slug}`)).to.contain('Chiffres mis à jour le 26 novembre 2026 à 10:20. Aucune');

    // A failed run is not a refresh: the page still gives the last one that succeeded.
    ctx.clock.advance({ minutes: 5 });
    expect(await s.runner.run('refresh', () => Promise.reject(new Error('panne simulée')))).to.deep.include({ status: 'failure' });
    expect(await freshnessOf(agents.national, '/tableau-de-bord')).to.contain('Chiffres mis à jour le 26 novembre 2026 à 10:20 ;');
  });
});
