// The audit journal as staff read it: in French, naming each object, newest first, filtered in the page
// by who, what, pole and dates; a wrong date gets its message next to the field.
import { expect } from 'chai';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makeMember, makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { text } from '../support/html.ts';
import { onPostgres } from '../support/test-db.ts';

const T3 = { year: 2026, quarter: 3 };
const rowsOf = (html: string) => [...html.matchAll(/<tr id="audit-\d+">([\s\S]*?)<\/tr>/g)].map((m) => text(m[1]));

describe(`the audit journal (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let staff: Awaited<ReturnType<typeof signIn>>;
  let reviewerId = 0;
  let garonneId = 0;

  before(async () => {
    ctx = await createTestApp();
    const s = ctx.s;
    ctx.clock.set('2026-10-01T09:00:00');
    const garonne = await makePole(s, { name: 'Filière bois Garonne' });
    garonneId = garonne.id;
    await makePole(s, { name: 'Pôle Rhône', region: '84' });
    const reviewer = await makeUser(s, 'staff', { name: 'Camille Martin' });
    reviewerId = reviewer.id;
    const manager = await makeUser(s, 'manager', { poleIds: [garonne.id], name: 'Amélie Roux' });
    ctx.clock.set('2026-10-12T09:00:00');
    await makeMember(s, garonne.slug, 'ess', 'Ressourcerie du Muretain');
    await s.reporting.save(garonne, T3, { ...(await completeBody(s, T3)), version: '0' }, true, { userId: manager.id });
    ctx.clock.set('2026-11-20T15:00:00');
    const report = (await s.repos.reporting.report(s.db, garonne.id, T3))!;
    expect(await s.review.decide(report, 'validate', report.version, '', { userId: reviewer.id })).to.equal('done');
    ctx.clock.set('2026-11-26T10:00:00');
    staff = await signIn(ctx.app, (await makeUser(s, 'staff')).email);
  });
  after(() => ctx.close());

  it('says each change in French, naming its object, with a link, newest first', async () => {
    const html = (await staff.get('/admin/journal').expect(200)).text;
    const rows = rowsOf(html);
    expect(rows[0]).to.match(/^26 novembre 2026 à 10:00 système Compte de .+ créé/);
    const validated = rows.find((r) => r.includes('validé'))!;
    expect(validated).to.match(/^20 novembre 2026 à 15:00 Camille Martin Trimestre 2026-T3 de « Filière bois Garonne » validé/);
    expect(html).to.contain('href="/admin/trimestres/filiere-bois-garonne/2026-T3"');
    expect(rows.some((r) => r.includes('Membre « Ressourcerie du Muretain » ajouté à « Filière bois Garonne »'))).to.equal(true);
    expect(rows.some((r) => r.includes('Pôle « Pôle Rhône » créé'))).to.equal(true);
    expect(html).to.not.contain('report.validate').and.not.contain('quarter_report #');
    const dates = [...html.matchAll(/<tr id="audit-\d+">\s*<td>([^<]+)<\/td>/g)].map((m) => m[1]);
    expect(dates.length).to.be.greaterThan(4);
  });

  it('filters by who, what, pole and dates, and keeps the filters on the next page links', async () => {
    const who = rowsOf((await staff.get(`/admin/journal?qui=${reviewerId}`).expect(200)).text);
    expect(who).to.have.length(1);
    expect(who[0]).to.contain('validé');
    const what = rowsOf((await staff.get('/admin/journal?quoi=poles').expect(200)).text);
    expect(what.map((r) => /Pôle « ([^»]+) » créé/.exec(r)?.[1])).to.have.members(['Filière bois Garonne', 'Pôle Rhône']);
    const pole = rowsOf((await staff.get(`/admin/journal?pole=${garonneId}`).expect(200)).text);
    expect(pole.map((r) => /(créé|ajouté|validé)/.exec(r)![1])).to.have.members(['créé', 'ajouté', 'validé']);
    const days = rowsOf((await staff.get('/admin/journal?du=2026-11-20&au=2026-11-20').expect(200)).text);
    expect(days).to.have.length(1);
    expect(days[0]).to.contain('validé');
    const none = await staff.get('/admin/journal?du=2027-01-01').expect(200);
    expect(none.text).to.contain('Aucune modification ne correspond à ces critères.');
  });

  it('answers a wrong date next to its field (422), a malformed filter with 400', async () => {
    const bad = await staff.get('/admin/journal?du=20-11-2026').expect(422);
    expect(bad.text)
      .to.match(/id="f-du-error">Saisissez une date au format AAAA-MM-JJ\.</)
      .and.contain('value="20-11-2026"');
    const reversed = await staff.get('/admin/journal?du=2026-11-20&au=2026-11-01').expect(422);
    expect(reversed.text).to.match(/id="f-au-error">La date de début doit précéder la date de fin\.</);
    for (const q of ['qui=abc', 'quoi=tout', 'pole=-1', 'page=0']) await staff.get(`/admin/journal?${q}`).expect(400);
  });
});
