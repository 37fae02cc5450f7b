import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { heldRebuild } from '../support/jobs.ts';

describe('« Tâches planifiées » (staff)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let staff: ReturnType<typeof request.agent>;

  before(async () => {
    ctx = await createTestApp();
    await makePole(ctx.s);
    staff = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
  });
  after(async () => {
    await ctx.s.scheduler.stop();
    await ctx.close();
  });

  it('shows both jobs, their schedule and next run, and the state of the aggregates', async () => {
    let page = await staff.get('/admin/taches').expect(200);
    expect(page.text)
      .to.contain('Recalcul incrémental')
      .and.contain('Reconstruction complète')
      .and.contain('non planifiée dans ce processus')
      .and.contain('Aucune exécution enregistrée.');
    await ctx.s.scheduler.start();
    page = await staff.get('/admin/taches').expect(200);
    expect(page.text).to.contain('<code>*/5 * * * *</code>').and.contain('<code>0 3 * * *</code>');
    // Said in words first, the expression beside it for operators.
    expect(page.text).to.contain('toutes les 5 minutes').and.contain('chaque nuit à 3 h').and.contain('chaque lundi à 7 h');
    // node-cron plans on the real clock: the next nightly run is some day at 03:00, Paris time.
    expect(page.text).to.match(/\d{1,2} [a-zéû]+ \d{4} à 03:00/);
    await ctx.s.scheduler.stop();
  });

  it('« Recalculer maintenant » starts a rebuild in the background; the page follows it and lists the run', async () => {
    const page = await staff.get('/admin/taches');
    await staff
      .post('/admin/taches/lancer')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), tache: 'rebuild' })
      .expect(303)
      .expect('location', '/admin/taches');
    for (let i = 0; i < 100 && ctx.s.scheduler.isRunning('rebuild'); i++) await new Promise((r) => setTimeout(r, 50));
    const after = await staff.get('/admin/taches').expect(200);
    expect(after.text).to.contain('La tâche a été lancée.').and.contain('réussie').and.contain('Génération');
    const run = await ctx.db('job_runs').orderBy('id', 'desc').first();
    expect(run).to.include({ job: 'rebuild', status: 'success' });
    await staff
      .post('/admin/taches/lancer')
      .type('form')
      .send({ _csrf: csrfFrom(after.text), tache: 'tout' })
      .expect(400);
  });

  it('says so, and starts nothing, when « run now » asks for a refresh while a rebuild runs in this process', async () => {
    const rebuild = heldRebuild(ctx.s.runner);
    try {
      const page = await staff.get('/admin/taches');
      await staff
        .post('/admin/taches/lancer')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), tache: 'refresh' })
        .expect(303);
      const after = await staff.get('/admin/taches').expect(200);
      expect(after.text).to.contain('Une autre tâche sur les mêmes données est en cours').and.not.contain('La tâche a été lancée.');
      await new Promise((r) => setTimeout(r, 100));
      expect(await ctx.db('job_runs').where({ job: 'refresh' }).pluck('id'), 'no refresh ran').to.deep.equal([]);
    } finally {
      rebuild.release();
      await rebuild.done;
    }
  });

  it('shows a run in progress with its progress, and reloads itself meanwhile', async () => {
    const id = await ctx.s.repos.jobs.startRun(ctx.db, 'rebuild', 'autre-instance', '2026-11-26T09:00:00.000Z');
    await ctx.s.repos.jobs.progress(ctx.db, id, '7/30');
    const page = await staff.get('/admin/taches').expect(200);
    expect(page.text)
      .to.contain('<meta http-equiv="refresh" content="3">')
      .and.contain('Progression : 7/30')
      .and.contain('<progress max="30" value="7"');
    // Running on another instance: its button is disabled here too, the other job's is not.
    const buttons = [...page.text.matchAll(/<button type="submit"[^>]*>[^<]*<span class="visually-hidden"> — ([^<]+)<\/span>/g)].map(
      (m) => [m[1], m[0].includes(' disabled')],
    );
    expect(buttons).to.deep.include(['Reconstruction complète', true]);
    expect(buttons.filter(([, disabled]) => !disabled).length, JSON.stringify(buttons)).to.be.greaterThan(0);
    await ctx.s.repos.jobs.finishRun(ctx.db, id, {
      status: 'failure',
      finished_at: '2026-11-26T09:00:02.000Z',
      keys_recomputed: 0,
      rows_written: 0,
      error: 'Interrompue',
    });
    const done = await staff.get('/admin/taches').expect(200);
    expect(done.text).to.not.contain('http-equiv="refresh"');
    expect(done.text).to.contain('échec').and.contain('Interrompue').and.contain('2 s');
  });
});
