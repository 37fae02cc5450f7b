import { expect } from 'chai';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import { count, submitQuarter } from './support.ts';

const T3 = { year: 2026, quarter: 3 };

describe(`notices of review decisions (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let pole: PoleRow;
  let managers: { id: number; email: string }[];
  let staffId: number;

  beforeEach(async () => {
    ctx = await createTestApp({ PUBLIC_URL: 'https://impact.example.fr' });
    pole = await makePole(ctx.s, { name: 'Pôle des Avis' });
    const other = await makePole(ctx.s, { name: 'Pôle Voisin' });
    managers = [
      await makeUser(ctx.s, 'manager', { poleIds: [pole.id], name: 'Alice Martin' }),
      await makeUser(ctx.s, 'manager', { poleIds: [pole.id, other.id] }),
    ];
    // Neither an inactive manager of the pole nor a manager of another pole hears of it.
    const inactive = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
    await ctx.db('users').where({ id: inactive.id }).update({ active: false });
    await makeUser(ctx.s, 'manager', { poleIds: [other.id] });
    staffId = (await makeUser(ctx.s, 'staff')).id;
  });
  afterEach(() => ctx.close());

  it('a return writes one notice with its reason and one message per active manager, in French', async () => {
    const report = await submitQuarter(ctx.s, pole, T3, managers[0].id);
    expect(await ctx.s.review.decide(report, 'return', report.version, 'Les ETP semblent doublés.', { userId: staffId })).to.equal('done');

    const notices = await ctx.db('notices');
    expect(notices).to.have.length(1);
    expect(notices[0]).to.include({
      pole_id: pole.id,
      kind: 'returned',
      year: 2026,
      quarter: 3,
      step: null,
      reason: 'Les ETP semblent doublés.',
      actor_id: staffId,
    });
    const messages = await ctx.db('outbox').orderBy('recipient_user_id');
    expect(messages.map((m) => m.recipient_email)).to.deep.equal(managers.map((m) => m.email));
    for (const m of messages) {
      expect(m).to.include({ kind: 'returned', notice_id: notices[0].id, status: 'queued', attempts: 0 });
      expect(m.subject).to.equal('[PTCE Impact] Pôle des Avis : le trimestre 2026-T3 vous est renvoyé');
      expect(m.body).to.contain('Motif : Les ETP semblent doublés.');
      expect(m.body).to.contain(`https://impact.example.fr/mon-pole/${pole.slug}/trimestres/2026-T3`);
    }
    expect(messages[0].body).to.match(/^Bonjour Alice Martin,/);
  });

  it('validation and reopening write their notices too (no reason kept for a validation)', async () => {
    let report = await submitQuarter(ctx.s, pole, T3, managers[0].id);
    expect(await ctx.s.review.decide(report, 'validate', report.version, 'ignoré', { userId: staffId })).to.equal('done');
    report = (await ctx.s.repos.reporting.report(ctx.db, pole.id, T3))!;
    expect(
      await ctx.s.review.decide(report, 'reopen', report.version, 'Erreur de saisie signalée par le pôle', { userId: staffId }),
    ).to.equal('done');
    const notices = await ctx.db('notices').orderBy('id');
    expect(notices.map((n) => [n.kind, n.reason])).to.deep.equal([
      ['validated', null],
      ['reopened', 'Erreur de saisie signalée par le pôle'],
    ]);
    expect(await count(ctx.db, 'outbox', { kind: 'validated' })).to.equal(2);
    expect(await count(ctx.db, 'outbox', { kind: 'reopened' })).to.equal(2);
    const reopened = await ctx.db('outbox').where({ kind: 'reopened' }).first();
    expect(reopened.subject).to.contain('rouvert');
    expect(reopened.body).to.contain('Motif : Erreur de saisie signalée par le pôle');
  });

  it('is rolled back with the decision when anything in its transaction fails', async () => {
    const report = await submitQuarter(ctx.s, pole, T3, managers[0].id);
    const audit = ctx.s.repos.audit;
    const original = audit.record;
    audit.record = async () => {
      throw new Error('panne simulée après les avis');
    };
    try {
      let error: unknown;
      await ctx.s.review.decide(report, 'return', report.version, 'Motif', { userId: staffId }).catch((e: unknown) => (error = e));
      expect(String(error)).to.contain('panne simulée');
    } finally {
      audit.record = original;
    }
    expect((await ctx.s.repos.reporting.report(ctx.db, pole.id, T3))!.status).to.equal('submitted');
    expect(await count(ctx.db, 'notices')).to.equal(0);
    expect(await count(ctx.db, 'outbox')).to.equal(0);

    // And a failing outbox write takes the decision down with it.
    const outbox = ctx.s.repos.outbox;
    const enqueue = outbox.enqueue;
    outbox.enqueue = async () => {
      throw new Error('file d’envoi indisponible');
    };
    try {
      let error: unknown;
      await ctx.s.review.decide(report, 'validate', report.version, '', { userId: staffId }).catch((e: unknown) => (error = e));
      expect(String(error)).to.contain('indisponible');
    } finally {
      outbox.enqueue = enqueue;
    }
    expect((await ctx.s.repos.reporting.report(ctx.db, pole.id, T3))!.status).to.equal('submitted');
    expect(await count(ctx.db, 'notices')).to.equal(0);
    expect(await count(ctx.db, 'value_revisions', { action: 'validate' })).to.equal(0);
  });

  it('a stale decision writes nothing', async () => {
    const report = await submitQuarter(ctx.s, pole, T3, managers[0].id);
    expect(await ctx.s.review.decide(report, 'return', report.version + 1, 'Motif', { userId: staffId })).to.equal('conflict');
    expect(await count(ctx.db, 'notices')).to.equal(0);
    expect(await count(ctx.db, 'outbox')).to.equal(0);
  });
});
