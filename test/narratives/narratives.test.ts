// A region's « faits marquants » and « difficultés » through the app: who reads which reports (funders the
// validated ones only, staff the submitted ones too, drafts nobody), the scope (another region is 404, a
// pole outside a manager's scope is not there), the search (case and accents ignored, the word marked
// after escaping), and bad queries (400, never a 500).
import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { htmlById, text } from '../support/html.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import { reportWith } from './support.ts';

type Agent = ReturnType<typeof request.agent>;
const T3 = { year: 2026, quarter: 3 };
const T2 = { year: 2026, quarter: 2 };
const PAGE = '/regions/76/faits-marquants';

describe(`a region's narratives page (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let staff: Agent;
  let funder: Agent;
  let manager: Agent;
  const poles: Record<string, PoleRow> = {};
  /** The poles whose card the page shows, by slug. */
  const cards = (html: string) => [...html.matchAll(/<article class="card narrative" id="narrative-([^"]+)"/g)].map((m) => m[1]);
  const count = (html: string) => text(htmlById(html, 'p', 'narratives-count'));

  before(async () => {
    ctx = await createTestApp();
    const s = ctx.s;
    const st = await makeUser(s, 'staff');
    for (const [key, name, region] of [
      ['validated', 'Pôle Économie Garonne', '76'],
      ['submitted', 'Pôle Submitted Tarn', '76'],
      ['draft', 'Pôle Draft Aude', '76'],
      ['archived', 'Pôle Archivé Gers', '76'],
      ['silent', 'Pôle Muet Lot', '76'],
      ['neighbour', 'Pôle Voisin Ariège', '76'],
      ['rhone', 'Pôle Rhône Économie', '84'],
    ] as const)
      poles[key] = await makePole(s, { name, region });
    const m = await makeUser(s, 'manager', { poleIds: [poles.validated.id] });
    const ids = { manager: m.id, staff: st.id };
    await reportWith(
      s,
      poles.validated,
      T3,
      {
        highlights: 'Forum de l’ÉCONOMIE circulaire.\nSecond paragraphe : <script>alert(1)</script> & co.',
        difficulties: 'Trésorerie tendue.',
      },
      'validated',
      ids,
    );
    await reportWith(s, poles.validated, T2, { highlights: 'Un printemps calme.', difficulties: '' }, 'validated', ids);
    await reportWith(s, poles.submitted, T3, { highlights: '', difficulties: 'Peu de bénévoles en economie sociale.' }, 'submitted', ids);
    await reportWith(s, poles.draft, T3, { highlights: 'Brouillon confidentiel.', difficulties: '' }, 'draft', ids);
    await reportWith(s, poles.archived, T3, { highlights: 'Dernier trimestre avant la fermeture.', difficulties: '' }, 'validated', ids);
    await reportWith(s, poles.silent, T3, { highlights: '', difficulties: '' }, 'validated', ids);
    await reportWith(s, poles.neighbour, T3, { highlights: 'Marché de producteurs.', difficulties: '' }, 'validated', ids);
    await reportWith(s, poles.rhone, T3, { highlights: 'Économie du Rhône.', difficulties: '' }, 'validated', ids);
    await ctx.db('poles').where({ id: poles.archived.id }).update({ archived_on: '2026-11-01' });
    await s.refresh.rebuild();
    staff = await signIn(ctx.app, st.email);
    funder = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['76'] })).email);
    manager = await signIn(ctx.app, m.email);
  });
  after(() => ctx.close());

  it('shows a funder the validated reports of the region’s poles in scope, not archived, with something written', async () => {
    const res = await funder.get(`${PAGE}?trimestre=2026-T3`).expect(200);
    expect(cards(res.text)).to.deep.equal([poles.validated.slug, poles.neighbour.slug]);
    expect(count(res.text)).to.equal('2 pôles ont écrit des faits marquants ou des difficultés pour 2026-T3.');
    const card = htmlById(res.text, 'article', `narrative-${poles.validated.slug}`);
    expect(card).to.include(`<a href="/poles/${poles.validated.slug}">Pôle Économie Garonne</a>`);
    expect(text(card)).to.include('Validé').and.include('Trésorerie tendue.');
    // Line breaks kept as paragraphs; nothing of the draft, the submitted report, the archived pole or the other region.
    expect(card).to.match(/<p>Forum de l’ÉCONOMIE circulaire\.<\/p>\s*<p>Second paragraphe/);
    for (const word of ['Brouillon confidentiel', 'bénévoles', 'Dernier trimestre', 'Rhône']) expect(res.text, word).not.to.include(word);
  });

  it('escapes what a manager typed: a <script> is text, never markup', async () => {
    const res = await funder.get(`${PAGE}?trimestre=2026-T3`).expect(200);
    expect(res.text).not.to.include('<script>alert(1)</script>');
    expect(res.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co.');
    const found = await funder.get(`${PAGE}?trimestre=2026-T3&q=script`).expect(200);
    expect(found.text).to.include('&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;');
  });

  it('shows staff the submitted reports too, each with its status; drafts never', async () => {
    const res = await staff.get(`${PAGE}?trimestre=2026-T3`).expect(200);
    expect(cards(res.text)).to.deep.equal([poles.validated.slug, poles.submitted.slug, poles.neighbour.slug]);
    expect(text(htmlById(res.text, 'article', `narrative-${poles.submitted.slug}`)))
      .to.include('Soumis')
      .and.include('Rien d’écrit.');
    expect(res.text).not.to.include('Brouillon confidentiel');
  });

  it('searches words without regard to case or accents, in either text, and marks them', async () => {
    for (const q of ['économie', 'economie', 'ÉCONOMIE']) {
      const res = await staff.get(`${PAGE}?trimestre=2026-T3&q=${encodeURIComponent(q)}`).expect(200);
      expect(cards(res.text), q).to.deep.equal([poles.validated.slug, poles.submitted.slug]);
      expect(count(res.text)).to.equal(`2 pôles mentionnent « ${q} » en 2026-T3.`);
      expect(res.text).to.include('<mark>ÉCONOMIE</mark>').and.include('<mark>economie</mark>');
      expect(res.text).to.match(/id="f-q"[^>]*value="[^"]+"/);
    }
    const one = await funder.get(`${PAGE}?trimestre=2026-T3&q=${encodeURIComponent('  tresorerie   TENDUE ')}`).expect(200);
    expect(cards(one.text)).to.deep.equal([poles.validated.slug]);
    expect(count(one.text)).to.equal('1 pôle mentionne « tresorerie TENDUE » en 2026-T3.');
    expect(one.text).to.include('value="tresorerie TENDUE"');
    expect(one.text).to.include('<mark>Trésorerie</mark> <mark>tendue</mark>.');
    const none = await funder.get(`${PAGE}?trimestre=2026-T3&q=bénévoles`).expect(200);
    expect(cards(none.text)).to.deep.equal([]);
    expect(count(none.text)).to.equal('Aucun pôle ne mentionne « bénévoles » en 2026-T3.');
  });

  it('opens on the dashboard’s default quarter; another quarter is chosen in the select', async () => {
    const dashboard = await funder.get('/regions/76').expect(200);
    const link = /href="(\/regions\/76\/faits-marquants\?trimestre=([^"]+))"/.exec(dashboard.text)!;
    expect(link[2]).to.equal('2026-T3');
    const res = await funder.get(PAGE).expect(200);
    expect(cards(res.text)).to.deep.equal([poles.validated.slug, poles.neighbour.slug]);
    expect(res.text).to.match(/<option value="2026-T3"[^>]* selected>/);
    const t2 = await funder.get(`${PAGE}?trimestre=2026-T2`).expect(200);
    expect(cards(t2.text)).to.deep.equal([poles.validated.slug]);
    expect(text(t2.text))
      .to.include('Un printemps calme.')
      .and.include('1 pôle a écrit des faits marquants ou des difficultés pour 2026-T2.');
    const t1 = await funder.get(`${PAGE}?trimestre=2026-T1`).expect(200);
    expect(count(t1.text)).to.equal('Aucun pôle n’a écrit de fait marquant ni de difficulté pour 2026-T1.');
  });

  it('keeps a funder to its regions (404 elsewhere) and a manager to its own poles', async () => {
    await funder.get('/regions/84/faits-marquants?trimestre=2026-T3').expect(404);
    const mine = await manager.get(`${PAGE}?trimestre=2026-T3`).expect(200);
    expect(cards(mine.text)).to.deep.equal([poles.validated.slug]);
    await manager.get('/regions/84/faits-marquants').expect(404);
    const national = await staff.get('/regions/84/faits-marquants?trimestre=2026-T3&q=economie').expect(200);
    expect(cards(national.text)).to.deep.equal([poles.rhone.slug]);
  });

  it('answers a bad query with 400 and a French message, never a 500', async () => {
    const bad = await funder.get(`${PAGE}?trimestre=2026-T9`).expect(400);
    expect(text(bad.text)).to.include('Trimestre « 2026-T9 » non reconnu : écrivez-le comme 2026-T3. Le trimestre montré est 2026-T3.');
    const long = await funder.get(`${PAGE}?trimestre=2026-T3&q=${'a'.repeat(101)}`).expect(400);
    expect(text(long.text)).to.include('La recherche tient en 100 caractères au plus (101 ici).');
    expect(long.text).to.include(`value="${'a'.repeat(101)}"`);
    await funder.get(`${PAGE}?trimestre=2026-T3&q=${'a'.repeat(100)}`).expect(200);
    for (const query of ['trimestre=2026-T3&trimestre=2026-T2', 'q=a&q=b', 'q=a&q=', `q=${'a'.repeat(3000)}`, 'q=%00']) {
      const res = await funder.get(`${PAGE}?${query}`);
      expect(res.status, query).to.equal(400);
      expect(text(res.text), query).to.include('Requête invalide');
    }
  });
});
