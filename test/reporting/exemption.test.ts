// « Sans objet »: staff declare that a quarter does not apply to a pole, with a reason; the quarter leaves
// what is expected (completeness, closure, aggregates), is never late nor reminded, and is locked to the
// pole until staff lift the declaration, which gives back a draft kept underneath.
import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { text } from '../support/html.ts';
import type { Services } from '../../server/services.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Quarter } from '../../server/lib/quarters.ts';
import { field } from '../../server/reporting/entry-rules.ts';

type Agent = ReturnType<typeof request.agent>;
const T3: Quarter = { year: 2026, quarter: 3 };
const URL_T3 = (pole: PoleRow) => `/admin/trimestres/${pole.slug}/2026-T3`;
const REASON = 'Le pôle n’a démarré ses activités qu’en janvier 2027';

describe(`quarters declared « sans objet » by staff (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let s: Services;
  let staff: Agent;
  let manager: Agent;
  let funder: Agent;
  let staffId: number;
  let managerId: number;
  let late: PoleRow;
  let drafted: PoleRow;
  let submitted: PoleRow;

  const report = (pole: PoleRow, q = T3) => s.repos.reporting.report(s.db, pole.id, q);
  const count = async (table: string) => Number((await ctx.db(table).count({ n: '*' }).first())!.n);
  const post = async (agent: Agent, url: string, body: Record<string, string>, status: number) => {
    const token = csrfFrom((await agent.get('/').redirects(2).expect(200)).text);
    return agent
      .post(url)
      .type('form')
      .send({ _csrf: token, ...body })
      .expect(status);
  };

  before(async () => {
    ctx = await createTestApp();
    s = ctx.s;
    late = await makePole(s, { name: 'Pôle Garonne', firstReport: { year: 2026, quarter: 1 } });
    drafted = await makePole(s, { name: 'Pôle Lauragais', firstReport: { year: 2026, quarter: 1 } });
    submitted = await makePole(s, { name: 'Pôle Comminges', firstReport: { year: 2026, quarter: 1 } });
    const m = await makeUser(s, 'manager', { poleIds: [late.id, drafted.id, submitted.id] });
    managerId = m.id;
    const st = await makeUser(s, 'staff');
    staffId = st.id;
    const f = await makeUser(s, 'funder');
    // A draft with one value for Lauragais, a submission for Comminges.
    const draft = await s.reporting.save(drafted, T3, { version: '0', [field.value('EMP_CREES')]: '3' }, false, { userId: managerId });
    expect(draft.kind, JSON.stringify(draft)).to.equal('saved');
    await ctx.db('quarter_reports').insert({
      pole_id: submitted.id,
      year: 2026,
      quarter: 3,
      status: 'submitted',
      highlights: '',
      difficulties: '',
      submitted_by: managerId,
      submitted_at: '2026-10-20T10:00:00.000Z',
      version: 1,
      created_at: '2026-10-20T10:00:00.000Z',
      updated_at: '2026-10-20T10:00:00.000Z',
    });
    staff = await signIn(ctx.app, st.email);
    manager = await signIn(ctx.app, m.email);
    funder = await signIn(ctx.app, f.email);
  });
  after(() => ctx.close());

  it('refuses a declaration without reason (422, message next to the field), and one on a stale page (409), storing nothing', async () => {
    const before = { reports: await count('quarter_reports'), audit: await count('audit_log') };
    const res = await post(staff, `${URL_T3(late)}/sans-objet`, { version: '0', reason: '   ' }, 422);
    expect(text(res.text)).to.include('Il y a un problème').and.include('Indiquez pourquoi ce trimestre est sans objet.');
    expect(res.text).to.match(/id="f-reason"[^>]*aria-invalid="true"/);
    const stale = await post(staff, `${URL_T3(drafted)}/sans-objet`, { version: '0', reason: REASON }, 409);
    // The typed reason comes back with the conflict.
    expect(stale.text).to.include(REASON);
    expect({ reports: await count('quarter_reports'), audit: await count('audit_log') }).to.deep.equal(before);
    expect((await report(drafted))!.status).to.equal('draft');
  });

  it('refuses a submitted quarter (409: decide on it instead) and answers 403 to managers and funders', async () => {
    const res = await post(staff, `${URL_T3(submitted)}/sans-objet`, { version: '1', reason: REASON }, 409);
    expect(text(res.text)).to.include('« Soumis »');
    expect(res.text, 'no form offered on a submitted quarter').not.to.include('/sans-objet"');
    for (const agent of [manager, funder]) {
      const token = csrfFrom((await agent.get('/').redirects(2).expect(200)).text);
      await agent
        .post(`${URL_T3(late)}/sans-objet`)
        .type('form')
        .send({ _csrf: token, version: '0', reason: REASON })
        .expect(403);
    }
    expect(await report(late)).to.equal(undefined);
    expect((await report(submitted))!.status).to.equal('submitted');
  });

  it('declares a late quarter without report « sans objet »: audited, no longer late, expected or reminded, locked to the pole', async () => {
    const page = await staff.get(URL_T3(late)).expect(200);
    expect(text(page.text)).to.include('Trimestre sans objet').and.include('Déclarer sans objet');
    await post(staff, `${URL_T3(late)}/sans-objet`, { version: '0', reason: `  ${REASON}  ` }, 303);
    const r = (await report(late))!;
    expect({ status: r.status, reason: r.reason, reviewed_by: r.reviewed_by }).to.deep.equal({
      status: 'exempt',
      reason: REASON,
      reviewed_by: staffId,
    });
    const audit = await ctx.db('audit_log').where({ action: 'report.exempt', entity_id: String(r.id) });
    expect(audit).to.have.length(1);
    expect(JSON.parse(audit[0].after_json)).to.deep.equal({ status: 'exempt', reason: REASON });
    const revision = await ctx.db('value_revisions').where({ pole_id: late.id, action: 'exempt' });
    expect(revision.map((x) => [x.old_status, x.new_status])).to.deep.equal([[null, 'exempt']]);
    const dirty = await ctx.db('aggregate_dirty').where({ pole_id: late.id, year: 2026, quarter: 3 });
    expect(dirty.length, 'the figures will be recomputed').to.be.greaterThan(0);

    // The review page says so and offers to lift it; the journal speaks French.
    expect(text((await staff.get(URL_T3(late)).expect(200)).text))
      .to.include(`Ce trimestre a été déclaré sans objet : ${REASON}`)
      .and.include('Lever « sans objet »');
    expect(text((await staff.get('/admin/journal').expect(200)).text)).to.include(
      'Trimestre 2026-T3 de « Pôle Garonne » déclaré sans objet',
    );

    // Completeness: listed « Sans objet », not expected, not late, no « Relancer ».
    const completeness = await staff.get('/admin/completude?periode=2026-T3').expect(200);
    const row = new RegExp(`<tr>\\s*<th scope="row"><a href="${URL_T3(late)}">[\\s\\S]*?</tr>`).exec(completeness.text)![0];
    expect(text(row)).to.include('Sans objet').and.not.include('En retard');
    expect(row).not.to.include('relancer');
    const total = /<tr id="region-total">([\s\S]*?)<\/tr>/.exec(completeness.text)![1];
    // Expected: Lauragais and Comminges; late: Lauragais (a draft); exempt: Garonne.
    expect(text(total).replace(/\s+/g, ' ')).to.equal('Total 2 1 0 (0 %) 1 1');
    const notices = await count('notices');
    await post(staff, `/admin/completude/${late.slug}/2026-T3/relancer`, {}, 303);
    expect(await count('notices'), 'a quarter « sans objet » is never reminded').to.equal(notices);

    // The manager: « Sans objet » with the reason on « Mon pôle », a read-only quarter, a save refused.
    const home = text((await manager.get(`/mon-pole/${late.slug}`).expect(200)).text);
    expect(home).to.include('Sans objet').and.include(`Non attendu : ${REASON}`);
    const entry = await manager.get(`/mon-pole/${late.slug}/trimestres/2026-T3`).expect(200);
    expect(text(entry.text)).to.include('L’équipe nationale a déclaré ce trimestre sans objet pour votre pôle');
    expect(entry.text).not.to.include('<form method="post" action="/mon-pole');
    const token = csrfFrom(entry.text);
    await manager
      .post(`/mon-pole/${late.slug}/trimestres/2026-T3`)
      .type('form')
      .send({ _csrf: token, version: String(r.version), [field.value('EMP_CREES')]: '2' })
      .expect((res) => expect(res.status).to.be.within(400, 499));
    expect((await report(late))!.status).to.equal('exempt');
    expect(await s.repos.reporting.values(s.db, late.id, T3)).to.deep.equal([]);
  });

  it('takes the quarter out of what the closure and the aggregates expect, on both sides of a refresh', async () => {
    // Garonne alone expects nothing in 2026-T3 any more: its deadline passed, nothing is left to wait for
    // (without the declaration, one report expected and none validated would keep it provisional).
    expect((await s.closure.of({ poleIds: [late.id] })).quarterProvisional(2026 * 4 + 2)).to.equal(false);
    expect((await s.closure.of({ poleIds: [late.id, drafted.id] })).quarterProvisional(2026 * 4 + 2)).to.equal(true);
    await s.refresh.rebuild();
    const cell = await ctx
      .db('aggregates')
      .where({ level: 'pole', area: String(late.id), grain: 'quarter', year: 2026, quarter: 3 })
      .first();
    expect(cell, 'no figure expects an exempt quarter of the pole').to.equal(undefined);
    const region = await ctx
      .db('aggregates')
      .where({ level: 'region', area: late.region_code, grain: 'quarter', year: 2026, quarter: 3, category: '' })
      .first();
    expect(Number(region.expected), 'the region expects Lauragais and Comminges only').to.equal(2);
  });

  it('declares a draft « sans objet » keeping its values, and lifting gives the draft back to the pole', async () => {
    const before = (await report(drafted))!;
    const values = async () => (await s.repos.reporting.values(s.db, drafted.id, T3)).map((v) => [v.indicator_id, v.value_scaled]);
    const typed = await values();
    expect(typed).to.have.length(1);
    const page = text((await staff.get(URL_T3(drafted)).expect(200)).text);
    expect(page).to.include('Le brouillon du pôle est conservé');
    await post(staff, `${URL_T3(drafted)}/sans-objet`, { version: String(before.version), reason: 'Pause des activités' }, 303);
    expect((await report(drafted))!.status).to.equal('exempt');
    expect(await values()).to.deep.equal(typed);

    const stale = await post(staff, `${URL_T3(drafted)}/lever-sans-objet`, { version: String(before.version) }, 409);
    expect(text(stale.text)).to.include('modifié pendant que vous l’examiniez');
    const exempt = (await report(drafted))!;
    await post(staff, `${URL_T3(drafted)}/lever-sans-objet`, { version: String(exempt.version) }, 303);
    const lifted = (await report(drafted))!;
    expect({ status: lifted.status, reason: lifted.reason }).to.deep.equal({ status: 'draft', reason: null });
    expect(await values()).to.deep.equal(typed);
    expect(await ctx.db('audit_log').where({ action: 'report.unexempt', entity_id: String(lifted.id) })).to.have.length(1);
    // The pole may edit it again.
    const entry = await manager.get(`/mon-pole/${drafted.slug}/trimestres/2026-T3`).expect(200);
    expect(entry.text).to.include('<form method="post" action="/mon-pole');
    // Lifting a quarter that is not « sans objet » is refused.
    await post(staff, `${URL_T3(drafted)}/lever-sans-objet`, { version: String(lifted.version) }, 409);
  });
});
