import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makeMember, makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { text } from '../support/html.ts';
import type { Services } from '../../server/services.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Quarter } from '../../server/lib/quarters.ts';
import { checkEntry, field, lineKey } from '../../server/reporting/entry-rules.ts';
import { reviewFlags } from '../../server/reporting/review-flags.ts';

type Agent = ReturnType<typeof request.agent>;
const T3: Quarter = { year: 2026, quarter: 3 };

/** The form's fields for every applicable indicator: '1' (score '2'), MEMBRES from the register, stocks confirmed. */
async function formBody(s: Services, pole: PoleRow, q: Quarter, values: Record<string, string> = {}, extra: Record<string, string> = {}) {
  const [{ entry }, { ctx }, report] = await Promise.all([
    s.reporting.applicableIndicators(q),
    s.reporting.context(pole, q),
    s.repos.reporting.report(s.db, pole.id, q),
  ]);
  const body: Record<string, string> = { version: String(report?.version ?? 0) };
  for (const ind of entry) {
    if (ind.categories.length) {
      for (const c of ind.categories)
        body[field.value(ind.code, c.code)] =
          values[lineKey(ind.code, c.code)] ?? String(ctx.register?.get(lineKey(ind.code, c.code)) ?? 0);
    } else body[field.value(ind.code)] = values[ind.code] ?? (ind.kind === 'score' ? '2' : '1');
    if (ind.kind === 'stock') body[field.confirm(ind.code)] = '1';
  }
  return { ...body, ...extra };
}

async function save(
  s: Services,
  pole: PoleRow,
  q: Quarter,
  submit: boolean,
  userId: number,
  values: Record<string, string> = {},
  extra: Record<string, string> = {},
) {
  const out = await s.reporting.save(pole, q, await formBody(s, pole, q, values, extra), submit, { userId });
  expect(out.kind, JSON.stringify(out)).to.equal('saved');
}

/** A table row of a page, by its id. */
const rowOf = (html: string, id: string) => new RegExp(`<tr id="${id.replace('.', '\\.')}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
const htmlSection = (html: string, id: string) => new RegExp(`<section[^>]*id="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(html)?.[1] ?? '';
const order = (html: string, names: string[]) => names.map((n) => html.indexOf(n));

describe(`staff review of quarterly reports (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let s: Services;
  let staff: Agent;
  let staffId: number;
  const p = {} as Record<'garonne' | 'rhone' | 'bretagne' | 'future' | 'archived' | 'empty', PoleRow>;
  let managerEmail: string;
  let funderEmail: string;

  const counts = async () => {
    const n = async (table: string) => Number((await ctx.db(table).count({ n: '*' }).first())!.n);
    const versions = Number((await ctx.db('quarter_reports').sum({ v: 'version' }).first())!.v);
    return { versions, revisions: await n('value_revisions'), audit: await n('audit_log') };
  };
  const report = (pole: PoleRow, q = T3) => s.repos.reporting.report(s.db, pole.id, q);
  /** A staff POST with a fresh token, expecting `status`; a string body is sent as is (to repeat a field). */
  const post = async (url: string, body: Record<string, string> | string, status: number) => {
    const token = csrfFrom((await staff.get('/admin/trimestres').expect(200)).text);
    return staff
      .post(url)
      .type('form')
      .send(typeof body === 'string' ? `_csrf=${encodeURIComponent(token)}&${body}` : { _csrf: token, ...body })
      .expect(status);
  };

  before(async () => {
    ctx = await createTestApp();
    s = ctx.s;
    const region = (code: string, name: string) =>
      makePole(s, { name, region: code, departement: { '76': '31', '84': '69', '53': '29' }[code] });
    p.garonne = await region('76', 'Pôle Garonne');
    p.rhone = await region('84', 'Pôle Rhône');
    p.bretagne = await region('53', 'Pôle Bretagne');
    p.empty = await region('76', 'Pôle Lauragais');
    p.future = await makePole(s, { name: 'Pôle Futur', firstReport: { year: 2027, quarter: 1 } });
    p.archived = await region('76', 'Pôle Archivé');
    await s.poles.setArchived(p.archived, p.archived.version, '2026-03-15', { userId: null });
    for (const c of ['ess', 'ess', 'non_ess', 'collectivite'] as const) await makeMember(s, p.garonne.slug, c);
    const manager = await makeUser(s, 'manager', { poleIds: [p.garonne.id, p.rhone.id, p.bretagne.id], name: 'Amélie Roux' });
    managerEmail = manager.email;
    funderEmail = (await makeUser(s, 'funder')).email;
    const staffUser = await makeUser(s, 'staff', { name: 'Camille Martin' });
    staffId = staffUser.id;

    // Five validated past quarters for Garonne: the form's movement rules apply from the fourth on.
    const base = { EMP_ETP_FIN: '10', RESSOURCES_PROPRES: '30000', RESSOURCES_TOTALES: '100000' };
    const past: [Quarter, Record<string, string>][] = [
      [{ year: 2025, quarter: 2 }, {}],
      [{ year: 2025, quarter: 3 }, { EMP_CREES: '1,5' }],
      [{ year: 2025, quarter: 4 }, {}],
      [{ year: 2026, quarter: 1 }, {}],
      [{ year: 2026, quarter: 2 }, { EMP_CREES: '2' }],
    ];
    ctx.clock.set('2026-07-10T09:00:00');
    for (const [q, v] of past) {
      await save(s, p.garonne, q, true, manager.id, { ...base, ...v });
      await s.review.decide((await report(p.garonne, q))!, 'validate', (await report(p.garonne, q))!.version, '', { userId: staffId });
    }
    // 2026-T3: Rhône submits first, Garonne the next day (with three alerts explained), Bretagne keeps a draft.
    ctx.clock.set('2026-10-05T09:00:00');
    await save(s, p.rhone, T3, true, manager.id);
    ctx.clock.set('2026-10-06T09:00:00');
    await save(
      s,
      p.garonne,
      T3,
      true,
      manager.id,
      { ...base, EMP_CREES: '12,5', EMP_ETP_FIN: '20', 'MEMBRES.ess': '3', RESSOURCES_TOTALES: '120000', TE_ACTIONS: '' },
      {
        'c.EMP_CREES': 'Ouverture de la recyclerie de Muret',
        'c.EMP_ETP_FIN': 'Deux entreprises adhérentes ont embauché',
        'c.MEMBRES': 'Adhésion en cours',
        'na.TE_ACTIONS': '1',
        'nr.TE_ACTIONS': 'Comptage en cours',
        highlights: 'Inauguration de la recyclerie\nSalon des coopérations',
        difficulties: 'Retard du financement régional',
      },
    );
    ctx.clock.set('2026-10-07T09:00:00');
    await save(s, p.bretagne, T3, false, manager.id);
    ctx.clock.set('2026-11-26T10:00:00');
    staff = await signIn(ctx.app, staffUser.email);
  });
  after(() => ctx.close());

  it('queues submitted quarters oldest submission first, filtered by status, region and period', async () => {
    const all = await staff.get('/admin/trimestres').expect(200);
    expect(order(all.text, ['Pôle Rhône', 'Pôle Garonne'])).to.satisfy(([a, b]: number[]) => a > 0 && b > a);
    expect(all.text).to.contain('5 octobre 2026').and.contain('Amélie Roux').and.not.contain('Pôle Bretagne');
    expect(all.text).to.contain(`href="/admin/trimestres/${p.garonne.slug}/2026-T3"`);
    const rhone = await staff.get('/admin/trimestres?region=84&periode=2026-Q3').expect(200);
    expect(rhone.text).to.contain('Pôle Rhône').and.not.contain('Pôle Garonne');
    const validated = await staff.get('/admin/trimestres?statut=validated&periode=2026-T2').expect(200);
    expect(validated.text).to.contain('Pôle Garonne').and.contain('2026-T2').and.not.contain('2026-T3</td>');
    const drafts = await staff.get('/admin/trimestres?statut=tous&region=53').expect(200);
    expect(drafts.text).to.contain('Pôle Bretagne').and.contain('badge-draft').and.contain('badge-late').and.not.contain('Pôle Garonne');
    for (const bad of [
      'statut=bogus',
      'region=abc',
      'periode=2026-T5',
      'statut=submitted&statut=draft',
      'region=76&region=84',
      'periode=2026-T3&periode=2026-T2',
    ]) {
      await staff.get(`/admin/trimestres?${bad}`).expect(400);
    }
  });

  it('shows every value beside the previous quarter and last year, with comments, alerts, ratios and narrative', async () => {
    const page = await staff.get(`/admin/trimestres/${p.garonne.slug}/2026-T3`).expect(200);
    const jobs = rowOf(page.text, 'line-EMP_CREES');
    expect(jobs).to.contain('12,5').and.contain('2,0').and.contain('1,5').and.contain('Ouverture de la recyclerie de Muret');
    expect(jobs).to.contain('Valeur plus de trois fois supérieure au plus haut des trimestres passés (2,0)');
    expect(rowOf(page.text, 'line-EMP_ETP_FIN')).to.contain('Variation importante (+100 % par rapport au trimestre précédent)');
    // A score's scale is in its label: its unit is not said a second time.
    expect(text(rowOf(page.text, 'line-MATURITE_COOP')))
      .to.contain('Maturité de la coopération (auto-évaluation 1 à 4)')
      .and.not.contain('score (1 à 4)');
    expect(text(rowOf(page.text, 'line-EMP_CREES'))).to.contain('Emplois non délocalisables créés (ETP)');
    expect(rowOf(page.text, 'line-MEMBRES')).to.contain('Différent du registre des membres (4 membres en fin de trimestre)');
    expect(rowOf(page.text, 'line-MEMBRES.ess')).to.contain('>3<').and.contain('>2<');
    expect(rowOf(page.text, 'line-TE_ACTIONS')).to.contain('non disponible (Comptage en cours)');
    expect(rowOf(page.text, 'line-PCT_MEMBRES_ESS')).to.contain('60,0 %').and.contain('50,0 %');
    expect(rowOf(page.text, 'line-TX_AUTOFINANCEMENT')).to.contain('25,0 %').and.contain('30,0 %');
    expect(page.text)
      .to.contain('3 alertes')
      .and.contain('<p>Inauguration de la recyclerie</p>')
      .and.contain('Retard du financement régional');
    expect(page.text).to.contain('Amélie Roux').and.contain('6 octobre 2026');
    const version = (await report(p.garonne))!.version;
    expect(page.text)
      .to.contain(`action="/admin/trimestres/${p.garonne.slug}/2026-T3/valider"`)
      .and.contain(`name="version" value="${version}"`);
    expect(page.text).to.contain('/renvoyer"').and.contain('id="f-reason"').and.not.contain('/rouvrir"');
    expect(page.text).to.contain('href="#historique"').and.contain('Soumission');

    // The review's alerts are the form's: checkEntry on the stored quarter agrees.
    const { ctx: entryCtx } = await s.reporting.context(p.garonne, T3);
    const fromForm = checkEntry(await s.reporting.storedAsBody(p.garonne, T3), entryCtx, false);
    expect(fromForm.ok && fromForm.flags)
      .to.deep.equal(reviewFlags(entryCtx).map((f) => `${f.code}: ${f.message}`))
      .and.have.length(3);
  });

  it('shows a quarter without report, and answers 404 for an unknown pole, a quarter the pole does not report, or one not written 2026-T3', async () => {
    const none = await staff.get(`/admin/trimestres/${p.empty.slug}/2026-T3`).expect(200);
    expect(none.text).to.contain('Aucune saisie pour ce trimestre').and.contain('À saisir').and.not.contain('/valider"');
    for (const url of [
      'pole-inconnu/2026-T3',
      `${p.empty.slug}/2026-Q3`,
      `${p.garonne.slug}/2026-t3`,
      `${p.garonne.slug}/2026-T5`,
      `${p.garonne.slug}/trois`,
      `${p.garonne.slug}/2026-T4`,
      `${p.future.slug}/2026-T3`,
      `${p.archived.slug}/2026-T3`,
    ]) {
      await staff.get(`/admin/trimestres/${url}`).expect(404);
    }
  });

  it('lists every expected pole for the quarter, late ones first once the deadline has passed, with counts per region', async () => {
    ctx.clock.set('2026-10-15T10:00:00');
    const before = await staff.get('/admin/completude').expect(200);
    expect(before.text).to.contain('Complétude du trimestre 2026-T3').and.contain('30 octobre 2026').and.not.contain('badge-late');
    expect(before.text).to.not.contain('Pôle Futur').and.not.contain('Pôle Archivé');
    ctx.clock.set('2026-11-26T10:00:00');
    const page = await staff.get('/admin/completude').expect(200);
    const poles = page.text.slice(page.text.indexOf('id="h-poles"'));
    expect(order(poles, ['Pôle Bretagne', 'Pôle Lauragais', 'Pôle Rhône', 'Pôle Garonne'])).to.satisfy(
      (i: number[]) => i[0] > 0 && i.every((x, k) => k === 0 || x > i[k - 1]),
    );
    expect(poles.match(/badge-late/g)).to.have.length(2);
    // Each count, without the validated share beside it (« 1 (50 %) »).
    const counts = (html: string, id: string) => [...rowOf(html, id).matchAll(/<td class="num">(\d+)[ <]/g)].map((m) => Number(m[1]));
    const cells = (id: string) => counts(page.text, id);
    expect(cells('region-76')).to.deep.equal([2, 1, 0, 1, 0]);
    expect(cells('region-84')).to.deep.equal([1, 1, 0, 0, 0]);
    expect(cells('region-53')).to.deep.equal([1, 0, 0, 1, 0]);
    expect(cells('region-total')).to.deep.equal([4, 2, 0, 2, 0]);
    const t1 = await staff.get('/admin/completude?periode=2026-T1&region=76').expect(200);
    expect(t1.text).to.contain('Pôle Archivé').and.contain('Pôle Garonne').and.not.contain('Pôle Rhône');
    expect(text(rowOf(t1.text, 'region-76'))).to.contain('1 (33 %)');
    expect(counts(t1.text, 'region-76')).to.deep.equal([3, 0, 1, 2, 0]);
    for (const bad of ['periode=2026-T9', 'periode=2026-T1&periode=2026-T2', 'region=xyz'])
      await staff.get(`/admin/completude?${bad}`).expect(400);
  });

  it('refuses a return without reason (422, message next to the field, text kept) and stores nothing', async () => {
    const url = `/admin/trimestres/${p.rhone.slug}/2026-T3/renvoyer`;
    const version = String((await report(p.rhone))!.version);
    const before = await counts();
    for (const [reason, message] of [
      ['   ', 'Indiquez le motif du renvoi.'],
      ['x'.repeat(2001), 'Le motif est trop long (2 000 caractères au plus).'],
    ]) {
      const res = await post(url, { version, reason }, 422);
      expect(/id="f-reason-error">([^<]*)</.exec(res.text)?.[1]).to.equal(message);
      expect(res.text).to.contain('aria-invalid="true"').and.contain(`${reason}</textarea>`);
    }
    expect(await counts()).to.deep.equal(before);
    expect((await report(p.rhone))!.status).to.equal('submitted');
  });

  it('answers 409 for a stale version, a draft, or no report, 400 for a forged version, and stores nothing', async () => {
    const before = await counts();
    const version = (await report(p.rhone))!.version;
    const stale = await post(`/admin/trimestres/${p.rhone.slug}/2026-T3/valider`, { version: String(version - 1) }, 409);
    expect(stale.text).to.contain('a été modifié pendant que vous l’examiniez').and.contain(`name="version" value="${version}"`);
    const draft = await post(
      `/admin/trimestres/${p.bretagne.slug}/2026-T3/valider`,
      { version: String((await report(p.bretagne))!.version) },
      409,
    );
    expect(draft.text).to.contain('pas possible sur un trimestre à l’état « Brouillon »');
    const none = await post(`/admin/trimestres/${p.empty.slug}/2026-T3/valider`, { version: '0' }, 409);
    expect(none.text).to.contain('il n’y a rien à valider');
    for (const body of [{}, { version: 'abc' }, { version: '-1' }, `version=${version}&version=${version}`] as (
      Record<string, string> | string
    )[]) {
      await post(`/admin/trimestres/${p.rhone.slug}/2026-T3/valider`, body, 400);
    }
    await post(`/admin/trimestres/pole-inconnu/2026-T3/valider`, { version: '1' }, 404);
    expect(await counts()).to.deep.equal(before);
  });

  it('validates a submitted quarter: status, reviewer, one revision and one audit row; then reopens it with a reason', async () => {
    const before = await counts();
    const old = (await report(p.rhone))!;
    const res = await post(`/admin/trimestres/${p.rhone.slug}/2026-T3/valider`, { version: String(old.version) }, 303);
    expect(res.headers.location).to.equal('/admin/trimestres');
    expect((await staff.get('/admin/trimestres').expect(200)).text).to.contain('Le trimestre 2026-T3 de « Pôle Rhône » est validé.');
    const validated = (await report(p.rhone))!;
    expect(validated).to.include({ status: 'validated', reviewed_by: staffId, version: old.version + 1, reason: null });
    expect(await counts()).to.deep.equal({ versions: before.versions + 1, revisions: before.revisions + 1, audit: before.audit + 1 });
    const revision = await ctx.db('value_revisions').orderBy('id', 'desc').first();
    expect(revision).to.include({
      action: 'validate',
      old_status: 'submitted',
      new_status: 'validated',
      actor_id: staffId,
      pole_id: p.rhone.id,
    });
    expect(await ctx.db('audit_log').orderBy('id', 'desc').first()).to.include({
      action: 'report.validate',
      entity: 'quarter_report',
      entity_id: String(old.id),
      actor_id: staffId,
    });

    const page = await staff.get(`/admin/trimestres/${p.rhone.slug}/2026-T3`).expect(200);
    expect(page.text).to.contain('/rouvrir"').and.contain('Camille Martin').and.not.contain('/valider"');
    const reopen = `/admin/trimestres/${p.rhone.slug}/2026-T3/rouvrir`;
    const refused = await post(reopen, { version: String(validated.version), reason: '' }, 422);
    expect(refused.text).to.contain('Indiquez le motif de la réouverture.');
    await post(reopen, { version: String(validated.version), reason: '  Chiffre des emplois à corriger  ' }, 303);
    expect(await report(p.rhone)).to.include({ status: 'returned', reason: 'Chiffre des emplois à corriger' });
    expect(await ctx.db('audit_log').orderBy('id', 'desc').first()).to.include({ action: 'report.reopen' });
    await post(`/admin/trimestres/${p.rhone.slug}/2026-T3/valider`, { version: String(validated.version + 1) }, 409);
  });

  it('returns a quarter with its reason: the manager sees it, edits again, and the next submission shows it as the previous reason', async () => {
    const url = `/admin/trimestres/${p.garonne.slug}/2026-T3/renvoyer`;
    await post(url, { version: String((await report(p.garonne))!.version), reason: 'Précisez les emplois créés' }, 303);
    expect(await report(p.garonne)).to.include({ status: 'returned', reason: 'Précisez les emplois créés', reviewed_by: staffId });
    const manager = await signIn(ctx.app, managerEmail);
    const home = await manager.get(`/mon-pole/${p.garonne.slug}`).expect(200);
    expect(home.text).to.contain('Renvoyé').and.contain('Motif du renvoi : Précisez les emplois créés');
    const form = await manager.get(`/mon-pole/${p.garonne.slug}/trimestres/2026-T3`).expect(200);
    expect(form.text).to.contain('Ce trimestre vous a été renvoyé').and.not.contain('fieldset class="entry-fieldset" disabled');
    const body = await s.reporting.storedAsBody(p.garonne, T3);
    const version = String((await report(p.garonne))!.version);
    const saved = await manager
      .post(`/mon-pole/${p.garonne.slug}/trimestres/2026-T3`)
      .type('form')
      .send({
        ...body,
        'v.EMP_CREES': '13',
        'c.EMP_CREES': 'Dont 10 emplois en insertion',
        version,
        _csrf: csrfFrom(form.text),
        action: 'soumettre',
      })
      .expect(303);
    expect(saved.headers.location).to.equal(`/mon-pole/${p.garonne.slug}`);
    const again = await staff.get(`/admin/trimestres/${p.garonne.slug}/2026-T3`).expect(200);
    expect(again.text)
      .to.contain('Motif du précédent renvoi : Précisez les emplois créés')
      .and.contain('Dont 10 emplois en insertion')
      .and.contain('/valider"');
    // Beside the reason, what changed since the return: only the line the pole touched, then and now.
    const since = [...htmlSection(again.text, 'since-return').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => text(m[1])).slice(1);
    expect(since).to.deep.equal(['Emplois non délocalisables créés 12,5 13,0 Ajouté ou modifié : « Dont 10 emplois en insertion »']);
  });

  it('refuses the review pages and decisions to managers and funders (403), changing nothing', async () => {
    const before = await counts();
    for (const email of [managerEmail, funderEmail]) {
      const agent = await signIn(ctx.app, email);
      for (const url of ['/admin/trimestres', `/admin/trimestres/${p.garonne.slug}/2026-T3`, '/admin/completude'])
        await agent.get(url).expect(403);
      const token = csrfFrom((await agent.get('/profil').expect(200)).text);
      await agent
        .post(`/admin/trimestres/${p.garonne.slug}/2026-T3/valider`)
        .type('form')
        .send({ _csrf: token, version: String((await report(p.garonne))!.version) })
        .expect(403);
    }
    expect(await counts()).to.deep.equal(before);
  });
  it('says in the queue how many days after the deadline a quarter was submitted, and nothing when on time', async () => {
    // Garonne's 2025-T3, due on 30 October 2025, was entered on 10 July 2026.
    const past = (await staff.get('/admin/trimestres?statut=tous&periode=2025-T3').expect(200)).text;
    expect(text(rowOf(past, `queue-${p.garonne.slug}-2025-T3`))).to.contain('253 jours après l’échéance');
    // 2026-T3 was due on 30 October: submitted on 14 November, 15 days later (Paris calendar days).
    const late = await makePole(s, { name: 'Pôle Tardif', region: '76', departement: '31' });
    const onTime = await makePole(s, { name: 'Pôle Ponctuel', region: '76', departement: '31' });
    const manager = await makeUser(s, 'manager', { poleIds: [late.id, onTime.id] });
    ctx.clock.set('2026-10-30T23:30:00'); // the deadline's day, half an hour before it ends (Paris time)
    await save(s, onTime, T3, true, manager.id);
    ctx.clock.set('2026-11-14T08:30:00');
    await save(s, late, T3, true, manager.id);
    ctx.clock.set('2026-11-26T10:00:00');
    const page = (await staff.get('/admin/trimestres?region=76&periode=2026-T3').expect(200)).text;
    expect(text(rowOf(page, `queue-${late.slug}-2026-T3`)))
      .to.contain('14 novembre 2026')
      .and.contain('15 jours après l’échéance');
    expect(text(rowOf(page, `queue-${onTime.slug}-2026-T3`)))
      .to.contain('30 octobre 2026')
      .and.not.contain('échéance');
    const review = (await staff.get(`/admin/trimestres/${late.slug}/2026-T3`).expect(200)).text;
    expect(text(review)).to.match(/Soumis le 14 novembre 2026 à 08:30 par [^—]+ — 15 jours après l’échéance/);
  });
  it('« Relancer » sends a late pole’s managers a reminder now, once a day, audited; never to a pole on time', async () => {
    const page = (await staff.get('/admin/completude?periode=2026-T3').expect(200)).text;
    // Only the late poles (Bretagne's draft, Lauragais without a report) get the button.
    expect(page).to.contain(`action="/admin/completude/${p.bretagne.slug}/2026-T3/relancer"`);
    expect(page).to.not.contain(`action="/admin/completude/${p.rhone.slug}/2026-T3/relancer"`);
    const outbox = () => ctx.db('outbox').where({ kind: 'reminder' }).orderBy('id');
    const before = (await outbox()).length;
    const url = `/admin/completude/${p.bretagne.slug}/2026-T3/relancer`;
    const sent = await post(url, {}, 303);
    expect(sent.headers.location).to.equal('/admin/completude?periode=2026-T3');
    const after = await outbox();
    expect(after.length).to.equal(before + 1);
    expect(after.at(-1)).to.include({ recipient_email: managerEmail, status: 'queued' });
    expect(after.at(-1).subject).to.equal('[PTCE Impact] Pôle Bretagne : l’équipe nationale attend le trimestre 2026-T3');
    expect((await staff.get('/admin/completude?periode=2026-T3').expect(200)).text).to.contain(
      'Relance envoyée aux gestionnaires de « Pôle Bretagne » pour 2026-T3.',
    );
    const audit = await ctx.db('audit_log').where({ action: 'pole.remind', entity: 'pole', entity_id: String(p.bretagne.id) });
    expect(audit).to.have.length(1);
    expect(audit[0].actor_id).to.equal(staffId);
    // The same day again: nothing more is sent.
    await post(url, {}, 303);
    expect((await outbox()).length).to.equal(before + 1);
    expect((await staff.get('/admin/completude?periode=2026-T3').expect(200)).text).to.contain('a déjà été relancé aujourd’hui');
    // The manager sees it among the pole's notices.
    const manager = await signIn(ctx.app, managerEmail);
    expect(text((await manager.get(`/mon-pole/${p.bretagne.slug}`).expect(200)).text)).to.contain('relance de l’équipe nationale');
    // A pole that submitted is not late: no reminder.
    await post(`/admin/completude/${p.rhone.slug}/2026-T3/relancer`, {}, 303);
    expect((await outbox()).length).to.equal(before + 1);
  });
});
