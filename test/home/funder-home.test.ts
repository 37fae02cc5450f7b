// A funder's home: one card per region of its scope (scoped in SQL), with the dashboards' headline figures
// of the region's latest consolidated quarter and their completeness, its poles' progress against their
// targets, the poles late or returned for the quarter being reported, and every pole of the region.
import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { byId, htmlById, text } from '../support/html.ts';
import { onPostgres } from '../support/test-db.ts';
import type { Services } from '../../server/services.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Quarter } from '../../server/lib/quarters.ts';

type Agent = ReturnType<typeof request.agent>;
const T2: Quarter = { year: 2026, quarter: 2 };
const T3: Quarter = { year: 2026, quarter: 3 };

describe(`the funder's home (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let s: Services;
  let staffId: number;
  const p = {} as Record<'garonne' | 'lauragais' | 'cerdagne' | 'landes' | 'rhone', PoleRow>;
  let regional: Agent;
  let national: Agent;

  /** A quarter entered through the service as the form does, submitted, then validated or returned by staff. */
  async function enter(pole: PoleRow, q: Quarter, emp: string, then: 'validate' | 'return' | 'submit') {
    const body = { ...(await completeBody(s, q, { 'v.EMP_CREES': emp })), version: '0' };
    const saved = await s.reporting.save(pole, q, body, true, { userId: staffId });
    expect(saved.kind, JSON.stringify(saved)).to.equal('saved');
    if (then === 'submit') return;
    const report = (await s.repos.reporting.report(s.db, pole.id, q))!;
    const reason = then === 'return' ? 'Chiffres à vérifier' : '';
    expect(await s.review.decide(report, then, report.version, reason, { userId: staffId })).to.equal('done');
  }

  before(async () => {
    // 26 November 2026: 2026-T3 was due on 30 October. Two of three validated reports close a quarter.
    ctx = await createTestApp({ CLOSED_COMPLETENESS: '0.6' });
    s = ctx.s;
    staffId = (await makeUser(s, 'staff')).id;
    // Occitanie: three poles from 2026-T2. Nouvelle-Aquitaine: one from 2026-T3. Auvergne-Rhône-Alpes: one.
    p.garonne = await makePole(s, { name: 'Pôle Garonne', region: '76', firstReport: T2 });
    p.lauragais = await makePole(s, { name: 'Pôle Lauragais', region: '76', firstReport: T2 });
    p.cerdagne = await makePole(s, { name: 'Pôle Cerdagne', region: '76', firstReport: T2 });
    p.landes = await makePole(s, { name: 'Pôle Landes', region: '75', departement: '40', firstReport: T3 });
    p.rhone = await makePole(s, { name: 'Pôle Rhône', region: '84', firstReport: T2 });
    // Occitanie 2026-T2: Garonne 4 + Lauragais 2,5 validated, Cerdagne nothing: 2 of 3, consolidated.
    // 2026-T3: Garonne 10 validated, Lauragais returned, Cerdagne late: 1 of 3, provisional.
    await enter(p.garonne, T2, '4', 'validate');
    await enter(p.lauragais, T2, '2,5', 'validate');
    await enter(p.garonne, T3, '10', 'validate');
    await enter(p.lauragais, T3, '9', 'return');
    // Nouvelle-Aquitaine: Landes's 2026-T3 submitted, not validated yet: nothing consolidated, nobody late.
    await enter(p.landes, T3, '5', 'submit');
    // Auvergne-Rhône-Alpes: Rhône's 2026-T2 validated (7), its 2026-T3 missing.
    await enter(p.rhone, T2, '7', 'validate');
    // Garonne aims at 20 jobs created in 2026 (a target staff set: validated).
    const { digest } = await s.targets.form(p.garonne, 2026);
    await s.targets.saveYear(p.garonne, 2026, { 'o.EMP_CREES': '20' }, digest, { userId: staffId });
    expect(await s.scheduler.run('rebuild')).to.deep.include({ ran: true, status: 'success' });
    regional = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['76', '75'] })).email);
    national = await signIn(ctx.app, (await makeUser(s, 'funder')).email);
  });
  after(() => ctx.close());

  it('shows a regional funder exactly its regions, each linked to its dashboard, and nothing of another', async () => {
    const html = (await regional.get('/').expect(200)).text;
    const cards = [...html.matchAll(/<section class="card funder-region" id="region-(\w+)"/g)].map((m) => m[1]);
    expect(cards).to.deep.equal(['75', '76']);
    expect(htmlById(html, 'h2', 'r-76')).to.contain('href="/regions/76"');
    expect(htmlById(html, 'h2', 'r-75')).to.contain('href="/regions/75"');
    expect(byId(html, 'h2', 'r-76')).to.equal('Occitanie (3 pôles)');
    expect(byId(html, 'h2', 'r-75')).to.equal('Nouvelle-Aquitaine (1 pôle)');
    const page = text(html);
    expect(page).to.contain('Régions de votre périmètre : Nouvelle-Aquitaine, Occitanie.');
    expect(page).not.to.contain('Auvergne-Rhône-Alpes').and.not.to.contain('Pôle Rhône').and.not.to.contain('7,0 ETP');
    expect(html).not.to.contain('/regions/84').and.not.to.contain(p.rhone.slug);
    expect(page).not.to.contain('Sans pôle');
  });

  it('reads the poles of the scope only, in SQL', async () => {
    const user = { id: 0, email: '', displayName: '', role: 'funder' as const, poleIds: [], regionCodes: ['76', '75'] };
    const rows = await s.repos.funderHome.polesWithStatus(s.db, user, T3);
    expect(rows.map((r) => [r.name, r.status])).to.deep.equal([
      ['Pôle Landes', 'submitted'],
      ['Pôle Cerdagne', null],
      ['Pôle Garonne', 'validated'],
      ['Pôle Lauragais', 'returned'],
    ]);
  });

  it('gives the headline figures of the latest consolidated quarter, with their completeness and the targets’ progress', async () => {
    const html = (await regional.get('/').expect(200)).text;
    const card = byId(html, 'section', 'region-76');
    expect(card).to.contain('Dernier trimestre consolidé : 2026-T2');
    // 2026-T2 (4 + 2,5), not the provisional 2026-T3; Garonne's target of 20 against its 4 to the end of T2.
    expect(byId(html, 'li', 'region-76-EMP_CREES')).to.equal(
      'Emplois non délocalisables créés 6,5 ETP Complétude : 2 pôles sur 3 (67 %) ' +
        'Objectifs 2026 (1 pôle sur 3 en a un) : 4,0 ETP sur 20,0 ETP — 20 % — en retard sur la trajectoire (10,0 ETP attendus à fin T2). ' +
        'Réalisé sur 1 trimestre déclaré sur 1 (100 %).',
    );
    // The other two headline indicators: 3 each in the form's plausible values, for the two validated poles.
    expect(byId(html, 'li', 'region-76-ACT_CONSOLIDEES')).to.equal('Activités existantes consolidées 6 Complétude : 2 pôles sur 3 (67 %)');
    expect(byId(html, 'li', 'region-76-TE_ACTIONS')).to.match(/ 6 Complétude : 2 pôles sur 3 \(67 %\)$/);
    // Garonne's 2026-T3 counts nowhere yet: its year to date would be 14,0 ETP.
    expect(card).not.to.contain('14,0 ETP');
  });

  it('lists the poles late or returned for the quarter being reported, with their status, and every pole', async () => {
    const html = (await regional.get('/').expect(200)).text;
    expect(byId(html, 'p', 'funder-current')).to.equal('Trimestre en cours de déclaration : 2026-T3, échéance le 30 octobre 2026.');
    const attention = htmlById(html, 'div', 'region-76-attention');
    expect(byId(html, 'div', 'region-76-attention')).to.equal(
      '2 pôles en retard ou renvoyés pour 2026-T3 Pôle Cerdagne En retard Pôle Lauragais Renvoyé',
    );
    expect(attention).to.contain(`href="/poles/${p.cerdagne.slug}"`).and.contain(`href="/poles/${p.lauragais.slug}"`);
    expect(attention).to.contain('badge-late').and.contain('badge-returned').and.not.contain(p.garonne.slug);
    expect(byId(html, 'p', 'funder-total')).to.equal('Dans votre périmètre, 2 pôles sont en retard ou renvoyés pour 2026-T3.');
    // A submitted quarter is neither late nor returned.
    expect(byId(html, 'div', 'region-75-attention')).to.equal('Aucun pôle en retard ni renvoyé pour 2026-T3.');
    // Every pole stays one click away.
    const details = /<section class="card funder-region" id="region-76"[\s\S]*?<details class="funder-poles">([\s\S]*?)<\/details>/.exec(
      html,
    )![1];
    expect(text(details)).to.equal('Les 3 pôles de la région Pôle Cerdagne Pôle Garonne Pôle Lauragais');
    expect(details).to.contain(`href="/poles/${p.garonne.slug}"`);
  });

  it('says so when a region has no consolidated quarter yet', async () => {
    const html = (await regional.get('/').expect(200)).text;
    expect(byId(html, 'p', 'region-75-none')).to.equal(
      'Aucun trimestre n’est encore consolidé dans cette région : ses chiffres provisoires sont sur son tableau de bord.',
    );
    expect(byId(html, 'section', 'region-75'))
      .not.to.contain('Complétude')
      .and.not.to.contain('5,0 ETP');
    expect(byId(html, 'section', 'region-76')).not.to.contain('Aucun trimestre n’est encore consolidé');
  });

  it('shows a national funder every region with poles, and names those without', async () => {
    const html = (await national.get('/').expect(200)).text;
    const cards = [...html.matchAll(/<section class="card funder-region" id="region-(\w+)"/g)].map((m) => m[1]);
    expect(cards).to.deep.equal(['84', '75', '76']);
    expect(text(html)).to.contain('Périmètre national : tous les pôles.');
    expect(byId(html, 'li', 'region-84-EMP_CREES')).to.equal('Emplois non délocalisables créés 7,0 ETP Complétude : 1 pôle sur 1 (100 %)');
    expect(byId(html, 'li', 'region-76-EMP_CREES')).to.contain('6,5 ETP');
    expect(byId(html, 'div', 'region-84-attention')).to.equal('1 pôle en retard ou renvoyé pour 2026-T3 Pôle Rhône En retard');
    expect(byId(html, 'p', 'funder-total')).to.equal('Dans votre périmètre, 3 pôles sont en retard ou renvoyés pour 2026-T3.');
    const without = byId(html, 'p', 'regions-without-poles');
    expect(without)
      .to.match(/^Sans pôle pour l’instant : /)
      .and.contain('Bretagne')
      .and.contain('Mayotte');
    expect(without).not.to.contain('Occitanie');
    expect(without.split(', ')).to.have.length(15);
  });
});
