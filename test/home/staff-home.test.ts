// The staff home starts from the work: quarters waiting for review (oldest first), poles late for the last
// closed quarter, messages that failed, jobs whose last run failed; then the counts, in real plurals.
import { expect } from 'chai';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { byId, text } from '../support/html.ts';
import { onPostgres } from '../support/test-db.ts';

const T3 = { year: 2026, quarter: 3 };

describe(`the staff home (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestApp(); // 26 November 2026: 2026-T3 was due on 30 October
    const s = ctx.s;
    const early = await makePole(s, { name: 'Pôle Précoce', region: '76', departement: '31' });
    const tardy = await makePole(s, { name: 'Pôle Tardif', region: '84', departement: '69' });
    await makePole(s, { name: 'Pôle Muet', region: '53', departement: '29' });
    const manager = await makeUser(s, 'manager', { poleIds: [early.id, tardy.id] });
    for (const [pole, at] of [
      [tardy, '2026-11-14T09:00:00'],
      [early, '2026-10-10T09:00:00'],
    ] as const) {
      ctx.clock.set(at);
      const out = await s.reporting.save(pole, T3, { ...(await completeBody(s, T3)), version: '0' }, true, { userId: manager.id });
      expect(out.kind).to.equal('saved');
    }
    ctx.clock.set('2026-11-26T10:00:00');
    const now = '2026-11-26T09:00:00.000Z';
    await ctx.db('outbox').insert(
      ['a', 'b'].map((k) => ({
        recipient_email: `${k}@example.org`,
        subject: 'Rappel',
        body: 'Texte',
        kind: 'reminder',
        status: 'failed',
        attempts: 5,
        next_attempt_at: now,
        last_error: 'Connexion refusée',
        created_at: now,
      })),
    );
    await ctx.db('job_runs').insert([
      {
        job: 'refresh',
        instance: 'test',
        started_at: '2026-11-26T08:00:00.000Z',
        finished_at: now,
        status: 'failure',
        error: 'Disque plein',
      },
      // The digest failed once, then succeeded: not a failure any more.
      { job: 'digest', instance: 'test', started_at: '2026-11-25T08:00:00.000Z', finished_at: now, status: 'failure', error: 'x' },
      { job: 'digest', instance: 'test', started_at: '2026-11-26T08:00:00.000Z', finished_at: now, status: 'success' },
    ]);
  });
  after(() => ctx.close());

  it('lists the work with links, before the counts', async () => {
    const staff = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
    const html = (await staff.get('/admin').expect(200)).text;
    const review = byId(html, 'section', 'work-review');
    expect(review).to.match(
      /^2 trimestres à examiner Pôle Précoce — 2026-T3 soumis le 10 octobre 2026 Pôle Tardif — 2026-T3 soumis le 14 novembre 2026, 15 jours après l’échéance/,
    );
    expect(html).to.contain('href="/admin/trimestres/pole-precoce/2026-T3"');
    expect(byId(html, 'section', 'work-late')).to.match(
      /^1 pôle en retard pour 2026-T3 Pôle Muet Bretagne À saisir Complétude de 2026-T3$/,
    );
    expect(html).to.contain('href="/admin/completude?periode=2026-T3"');
    expect(byId(html, 'section', 'work-mail')).to.contain('2 messages en échec');
    expect(html).to.contain('href="/admin/envois?statut=failed"');
    const jobs = byId(html, 'section', 'work-jobs');
    expect(jobs).to.contain('Disque plein').and.not.contain('x Toutes');
    expect(jobs.match(/échec le/g)).to.have.length(1);
    expect(html.indexOf('id="work-review"')).to.be.lessThan(html.indexOf('En chiffres'));
    expect(text(html)).to.contain('3 pôles actifs').and.contain('indicateurs actifs');
  });

  it('says when there is nothing to do', async () => {
    const fresh = await createTestApp();
    try {
      const staff = await signIn(fresh.app, (await makeUser(fresh.s, 'staff')).email);
      const html = (await staff.get('/admin').expect(200)).text;
      expect(byId(html, 'section', 'work-review')).to.match(/^Aucun trimestre à examiner/);
      expect(byId(html, 'section', 'work-late')).to.match(/^Aucun pôle en retard pour 2026-T3/);
      expect(byId(html, 'section', 'work-mail')).to.contain('Aucun message en échec.');
      expect(byId(html, 'section', 'work-jobs')).to.contain('Aucune tâche en échec.');
      expect(text(html)).to.contain('0 pôle actif').and.contain('1 utilisateur ');
    } finally {
      await fresh.close();
    }
  });
});
