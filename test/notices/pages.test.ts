import { expect } from 'chai';
import { createTestApp, csrfToken, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import { submitQuarter } from './support.ts';
import { formatNumber } from '../../server/lib/format.ts';

const T3 = { year: 2026, quarter: 3 };
const HOSTILE = 'Chiffres <script>alert(1)</script> & « ETP » à revoir';

describe(`« Envois » and the notices on « Mon pôle » (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let pole: PoleRow;
  let manager: { id: number; email: string };
  let otherManager: { id: number; email: string };
  let staff: { id: number; email: string };

  before(async () => {
    ctx = await createTestApp();
    pole = await makePole(ctx.s, { name: 'Pôle Vitrine' });
    const other = await makePole(ctx.s, { name: 'Pôle Discret' });
    manager = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
    otherManager = await makeUser(ctx.s, 'manager', { poleIds: [other.id] });
    staff = await makeUser(ctx.s, 'staff', { name: 'Camille Staff' });
    const report = await submitQuarter(ctx.s, pole, T3, manager.id);
    await ctx.s.review.decide(report, 'return', report.version, HOSTILE, { userId: staff.id });
    await ctx.s.reminders.reminders(); // the pole's earlier quarters are late: late_7 reminders
    await ctx.s.reminders.digest();
  });
  after(() => ctx.close());

  it('lists the messages for staff, « non envoyé (pas de SMTP) » without a mail server, with filters', async () => {
    const agent = await signIn(ctx.app, staff.email);
    const page = await agent.get('/admin/envois').expect(200);
    expect(page.text).to.contain('Aucun serveur d’envoi n’est configuré');
    expect(page.text).to.contain('non envoyé (pas de SMTP)');
    expect(page.text).to.contain('Pôle Vitrine : le trimestre 2026-T3 vous est renvoyé');
    expect(page.text).to.contain('Pôles en retard — semaine 2026-W48');
    expect(page.text).to.contain('href="/admin/envois"');
    const returned = await agent.get('/admin/envois?type=returned').expect(200);
    expect(returned.text).to.contain('vous est renvoyé');
    expect(returned.text).to.not.contain('Pôles en retard');
    const sent = await agent.get('/admin/envois?statut=sent&type=').expect(200);
    expect(sent.text).to.contain('Aucun message.');
    await agent.get('/admin/envois?statut=perdu').expect(400);
    await agent.get('/admin/envois?type=returned&type=digest').expect(400);
    await agent.get('/admin/envois?page=0').expect(400);
  });

  it('shows one message in full, escaped; an unknown or malformed id answers 404', async () => {
    const agent = await signIn(ctx.app, staff.email);
    const m = await ctx.db('outbox').where({ kind: 'returned' }).first();
    const page = await agent.get(`/admin/envois/${m.id}`).expect(200);
    expect(page.text).to.contain(manager.email);
    expect(page.text).to.contain('Motif : Chiffres &lt;script&gt;alert(1)&lt;/script&gt; &amp; « ETP » à revoir');
    expect(page.text).to.not.contain('<script>alert(1)');
    await agent.get('/admin/envois/999999').expect(404);
    await agent.get('/admin/envois/abc').expect(404);
    await agent.get('/admin/envois/1e3').expect(404);
  });

  it('shows a manager the notices and reminders of its pole, and nobody else’s', async () => {
    const agent = await signIn(ctx.app, manager.email);
    const page = await agent.get('/mon-pole').expect(200);
    expect(page.text).to.contain('Avis et rappels');
    expect(page.text).to.contain('2026-T3 — Trimestre renvoyé');
    expect(page.text).to.contain('Motif : Chiffres &lt;script&gt;');
    expect(page.text).to.contain('par Camille Staff');
    expect(page.text).to.contain('2026-T2 — Rappel : en retard de 7 jours');
    const other = await signIn(ctx.app, otherManager.email);
    const theirs = await other.get('/mon-pole').expect(200);
    expect(theirs.text).to.not.contain('Trimestre renvoyé');
    expect(theirs.text).to.not.contain('Chiffres');
  });

  it('lists the new jobs on « Tâches planifiées » and runs one on demand', async () => {
    const agent = await signIn(ctx.app, staff.email);
    const page = await agent.get('/admin/taches').expect(200);
    for (const label of ['Rappels d’échéance', 'Synthèse hebdomadaire des retards', 'Envoi des messages'])
      expect(page.text).to.contain(label);
    expect(page.text).to.contain('0 7 * * 1');
    const res = await agent
      .post('/admin/taches/lancer')
      .type('form')
      .send({ _csrf: await csrfToken(agent, '/admin/taches'), tache: 'digest' });
    expect(res.status).to.equal(303);
    for (let i = 0; i < 50 && ctx.s.scheduler.isRunning('digest'); i++) await new Promise((r) => setTimeout(r, 20));
    const runs = await ctx.db('job_runs').where({ job: 'digest' });
    expect(runs.map((r) => r.status)).to.deep.equal(['success']);
    await agent
      .post('/admin/taches/lancer')
      .type('form')
      .send({ _csrf: await csrfToken(agent, '/admin/taches'), tache: 'inconnue' })
      .expect(400);
  });

  it('writes the counts of « Envois » in French (1 234, not 1234)', async () => {
    const at = '2026-11-20T08:00:00.000Z';
    const rows = Array.from({ length: 1234 }, (_, i) => ({
      recipient_email: `archive${i}@example.fr`,
      subject: `Archive ${i}`,
      body: 'Bonjour',
      kind: 'digest',
      dedupe_key: `archive:${i}`,
      status: 'sent',
      attempts: 1,
      next_attempt_at: at,
      sent_at: at,
      created_at: at,
    }));
    await ctx.db.batchInsert('outbox', rows, 100);
    try {
      const page = await (await signIn(ctx.app, staff.email)).get('/admin/envois').expect(200);
      expect(page.text).to.contain(`${formatNumber(1234)} envoyés`);
    } finally {
      await ctx.db('outbox').where('dedupe_key', 'like', 'archive:%').delete();
    }
  });
});
