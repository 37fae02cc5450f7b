// « Comment ce chiffre est calculé »: the page takes a stored figure apart into the stored figures it
// combines, names the poles expected without a value and why, stays inside the user's scope (404 outside
// it, what lies beyond it on one line), and every tile and table cell of the dashboards links to it.
import { expect } from 'chai';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser, publishedQuarterRow } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { onPostgres } from '../support/test-db.ts';
import { byId, htmlById, text } from '../support/html.ts';
import { field } from '../../server/reporting/entry-rules.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Quarter } from '../../server/lib/quarters.ts';

const T3: Quarter = { year: 2026, quarter: 3 };
const link = (query: string) => `/chiffres/calcul?${query}`;
const decoded = (html: string) => html.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

describe(`provenance page « Comment ce chiffre est calculé » (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let staff: { id: number; email: string };
  let poles: Record<'garonne' | 'lauragais' | 'minervois' | 'rhone', PoleRow>;

  async function save(pole: PoleRow, overrides: Record<string, string>, validate: boolean) {
    const s = ctx.s;
    const existing = await s.repos.reporting.report(s.db, pole.id, T3);
    const body = { ...(await completeBody(s, T3, overrides)), version: String(existing?.version ?? 0) };
    expect((await s.reporting.save(pole, T3, body, validate, { userId: staff.id })).kind).to.equal('saved');
    if (!validate) return;
    const report = (await s.repos.reporting.report(s.db, pole.id, T3))!;
    expect(await s.review.decide(report, 'validate', report.version, '', { userId: staff.id })).to.equal('done');
  }

  before(async () => {
    ctx = await createTestApp();
    staff = await makeUser(ctx.s, 'staff');
    const first = { year: 2026, quarter: 1 };
    poles = {
      garonne: await makePole(ctx.s, { name: 'Pôle Garonne', region: '76', firstReport: first }),
      lauragais: await makePole(ctx.s, { name: 'Pôle Lauragais', region: '76', firstReport: first }),
      minervois: await makePole(ctx.s, { name: 'Pôle Minervois', region: '76', firstReport: first }),
      rhone: await makePole(ctx.s, { name: 'Pôle Rhône', region: '84', departement: '69', firstReport: first }),
    };
    await save(poles.garonne, { [field.value('EMP_CREES')]: '2' }, true);
    // Own resources « non disponible »: the self-financing rate has no paired quarter for this pole.
    await save(
      poles.lauragais,
      {
        [field.value('EMP_CREES')]: '4',
        [field.value('RESSOURCES_PROPRES')]: '',
        [field.na('RESSOURCES_PROPRES')]: '1',
        [field.naReason('RESSOURCES_PROPRES')]: 'Comptes non arrêtés',
      },
      true,
    );
    await save(poles.minervois, { [field.value('EMP_CREES')]: '7' }, false); // a draft: counts nowhere
    await save(poles.rhone, { [field.value('EMP_CREES')]: '3' }, true);
    await ctx.s.refresh.rebuild();
  });
  after(() => ctx?.close());

  it('takes the national figure apart into its regions, which add up to it, and names the missing pole', async () => {
    const agent = await signIn(ctx.app, staff.email);
    const html = (await agent.get(link('indicateur=EMP_CREES&periode=2026-T3&zone=FR')).expect(200)).text;
    const page = text(html);
    expect(page).to.contain('Comment ce chiffre est calculé').and.contain('France entière, trimestre 2026-T3');
    expect(text(byId(html, 'p', 'prov-value'))).to.equal('9,0 ETP');
    expect(text(byId(html, 'p', 'prov-completeness'))).to.equal('Complétude : 3 pôles sur 4 (75 %)');
    expect(text(byId(html, 'section', 'prov-rule'))).to.contain('la somme des valeurs déclarées par les pôles');
    const parts = text(byId(html, 'table', 'prov-parts'));
    expect(parts).to.contain('Occitanie 6,0 ETP 2 pôles sur 3 (67 %)').and.contain('Auvergne-Rhône-Alpes 3,0 ETP 1 pôle sur 1 (100 %)');
    expect(parts.indexOf('Auvergne'), 'regions in French alphabetical order, not code order (84 after 76)').to.be.lessThan(
      parts.indexOf('Occitanie'),
    );
    expect(text(byId(html, 'tr', 'prov-total'))).to.equal('Ensemble 9,0 ETP 3 pôles sur 4 (75 %)');
    const gaps = text(byId(html, 'section', 'prov-gaps'));
    expect(gaps)
      .to.contain('1 trimestre attendu n’a pas de valeur comptée')
      .and.contain('Pôle Minervois Occitanie 2026-T3 Brouillon, pas encore soumis');
    expect(page)
      .to.contain('Base : Données validées.')
      .and.match(/Calculé le \d+ \w+ 2026 à \d\d:\d\d\./);
    // Each region links to its own make-up, on the same key.
    expect(decoded(htmlById(html, 'table', 'prov-parts'))).to.contain(link('indicateur=EMP_CREES&periode=2026-T3&grain=quarter&zone=76'));
  });

  it('takes a region apart into its poles, and says why a ratio has no value for one of them', async () => {
    const agent = await signIn(ctx.app, staff.email);
    const html = (await agent.get(link('indicateur=EMP_CREES&periode=2026-T3&zone=76')).expect(200)).text;
    const parts = text(byId(html, 'table', 'prov-parts'));
    expect(parts).to.contain('Pôle Garonne 2,0 ETP').and.contain('Pôle Lauragais 4,0 ETP').and.contain('Pôle Minervois');
    expect(text(byId(html, 'tr', 'prov-total'))).to.contain('6,0 ETP');
    expect(decoded(htmlById(html, 'table', 'prov-parts'))).to.contain(`zone=pole%3A${poles.garonne.slug}`);

    const ratio = (await agent.get(link('indicateur=TX_AUTOFINANCEMENT&periode=2026-T3&zone=76')).expect(200)).text;
    expect(text(byId(ratio, 'p', 'prov-value'))).to.equal('25,0 %');
    expect(text(byId(ratio, 'section', 'prov-rule'))).to.contain('Σ numérateurs ÷ Σ dénominateurs');
    // Σ own resources 5 000 € ÷ Σ total resources 20 000 €: the pole without own resources counts in neither.
    expect(text(byId(ratio, 'tr', 'prov-total')))
      .to.contain('5 000 €')
      .and.contain('20 000 €');
    expect(text(byId(ratio, 'section', 'prov-gaps')))
      .to.contain('Pôle Lauragais 2026-T3 Ressources propres de la structure d’animation « non disponible » : Comptes non arrêtés')
      .and.contain('Pôle Minervois 2026-T3 Brouillon, pas encore soumis');
  });

  it('shows a pole over the year to date quarter by quarter', async () => {
    const agent = await signIn(ctx.app, staff.email);
    const html = (await agent.get(link(`indicateur=EMP_CREES&periode=2026-T3&grain=ytd&zone=pole:${poles.garonne.slug}`)).expect(200)).text;
    expect(text(html)).to.contain('Pôle Garonne, 2026, cumul à fin T3');
    expect(text(byId(html, 'p', 'prov-value'))).to.equal('2,0 ETP');
    expect(text(byId(html, 'p', 'prov-completeness'))).to.equal('Complétude : 1 trimestre déclaré sur 3 (33 %)');
    const parts = text(byId(html, 'table', 'prov-parts'));
    expect(parts).to.contain('2026-T1').and.contain('2026-T3 2,0 ETP');
    expect(text(byId(html, 'section', 'prov-gaps')))
      .to.contain('2026-T1 Aucune déclaration')
      .and.contain('2026-T2 Aucune déclaration');
    // A pole's own figure compares its quarters reported both years, not a count of poles.
    expect(text(byId(html, 'section', 'prov-comparison')))
      .to.contain('ne retient que les trimestres que le pôle a déclarés les deux années')
      .and.not.contain('pôles attendus');
  });

  it('stays inside the scope: 404 outside it, and what lies beyond it on one line', async () => {
    const funder = await signIn(ctx.app, (await makeUser(ctx.s, 'funder', { regionCodes: ['76', '75'] })).email);
    await funder.get(link('indicateur=EMP_CREES&periode=2026-T3&zone=FR')).expect(404);
    await funder.get(link('indicateur=EMP_CREES&periode=2026-T3&zone=84')).expect(404);
    await funder.get(link(`indicateur=EMP_CREES&periode=2026-T3&zone=pole:${poles.rhone.slug}`)).expect(404);
    const scope = (await funder.get(link('indicateur=EMP_CREES&periode=2026-T3&zone=75,76')).expect(200)).text;
    expect(text(scope)).to.contain('Nouvelle-Aquitaine + Occitanie, trimestre 2026-T3');
    expect(text(byId(scope, 'p', 'prov-value'))).to.equal('6,0 ETP');

    const manager = await signIn(ctx.app, (await makeUser(ctx.s, 'manager', { poleIds: [poles.garonne.id] })).email);
    await manager.get(link(`indicateur=EMP_CREES&periode=2026-T3&zone=pole:${poles.lauragais.slug}`)).expect(404);
    const region = (await manager.get(link('indicateur=EMP_CREES&periode=2026-T3&zone=76')).expect(200)).text;
    const parts = text(byId(region, 'table', 'prov-parts'));
    // The manager's own pole, then the others of the region as one line: 6,0 − 2,0.
    expect(parts).to.contain('Pôle Garonne 2,0 ETP').and.contain('Autres pôles de la région (hors de votre périmètre) 4,0 ETP');
    expect(parts).not.to.contain('Lauragais');
    expect(text(byId(region, 'section', 'prov-gaps'))).to.contain('Chaque pôle attendu que vous pouvez voir a une valeur comptée');
    const nation = (await manager.get(link('indicateur=EMP_CREES&periode=2026-T3&zone=FR')).expect(200)).text;
    expect(text(byId(nation, 'table', 'prov-parts')))
      .to.contain('Occitanie 6,0 ETP')
      .and.contain('Autres régions (hors de votre périmètre) 3,0 ETP');
  });

  it('answers a malformed key with 400 and an unknown indicator with 404, never a 500', async () => {
    const agent = await signIn(ctx.app, staff.email);
    await agent.get(link('indicateur=EMP_CREES&periode=2026-T9&zone=FR')).expect(400);
    await agent.get(link('indicateur=EMP_CREES&periode=2026-T3&zone=FR&grain=year')).expect(400);
    await agent.get(link('indicateur=EMP_CREES&periode=2026-T3&zone=76,,84')).expect(400);
    await agent.get(link('indicateur=INCONNU&periode=2026-T3&zone=FR')).expect(404);
    await agent.get(link('indicateur=EMP_CREES&periode=2026-T3&zone=pole:pole-inexistant')).expect(404);
    // A quarter with nothing stored is a page that says so, not an error.
    const empty = (await agent.get(link('indicateur=EMP_CREES&periode=2020-T1&zone=FR')).expect(200)).text;
    expect(text(byId(empty, 'p', 'prov-value'))).to.contain('Aucun chiffre n’est calculé ici');
  });

  it('is linked from every tile and every cell of the breakdown, trend and pole tables', async () => {
    const agent = await signIn(ctx.app, staff.email);
    const national = decoded((await agent.get('/tableau-de-bord?a=2026-T3').expect(200)).text);
    expect(htmlById(national, 'div', 'tile-EMP_CREES-quarter')).to.contain(
      link('indicateur=EMP_CREES&periode=2026-T3&grain=quarter&zone=FR'),
    );
    expect(htmlById(national, 'div', 'tile-EMP_CREES-ytd')).to.contain(link('indicateur=EMP_CREES&periode=2026-T3&grain=ytd&zone=FR'));
    expect(htmlById(national, 'tr', 'region-76')).to.contain(link('indicateur=EMP_CREES&periode=2026-T3&grain=quarter&zone=76'));
    expect(htmlById(national, 'tr', 'trend-2026-T3')).to.contain(link('indicateur=EMP_CREES&periode=2026-T3&grain=quarter&zone=FR'));
    const region = decoded((await agent.get('/regions/76?a=2026-T3').expect(200)).text);
    expect(htmlById(region, 'tr', `pole-${poles.garonne.id}`)).to.contain(`zone=pole%3A${poles.garonne.slug}`);
    expect(htmlById(region, 'div', 'tile-EMP_CREES-quarter')).to.contain('zone=76');
    const pole = decoded((await agent.get(`/poles/${poles.garonne.slug}`).expect(200)).text);
    expect(htmlById(pole, 'tr', 'history-EMP_CREES')).to.contain(`periode=2026-T3&grain=quarter&zone=pole%3A${poles.garonne.slug}`);
    // Every link on the dashboards opens.
    for (const href of new Set([...national.matchAll(/href="(\/chiffres\/calcul\?[^"]+)"/g)].map((m) => m[1])))
      await agent.get(href).expect(200);
  });
  it('says why a period is consolidated: validated past its deadline, or a published national summary', async () => {
    const agent = await signIn(ctx.app, staff.email);
    const status = async (zone: string) =>
      text(byId((await agent.get(link(`indicateur=EMP_CREES&periode=2026-T3&zone=${zone}`)).expect(200)).text, 'p', 'prov-provisional'));
    // Auvergne-Rhône-Alpes: Rhône, its one pole, validated; the nation: 3 of 4 (75 %).
    expect(await status('84')).to.equal(
      'Période consolidée : l’échéance est passée et au moins 80 % des déclarations attendues sont validées.',
    );
    expect(await status('FR')).to.match(/^provisoire Période provisoire/);
    await publishedQuarterRow(ctx.db, staff.id, { year: 2026, quarter: 3 });
    expect(await status('FR')).to.equal('Période consolidée : une synthèse nationale en a été publiée.');
  });
});
