import { expect } from 'chai';
import { DateTime } from 'luxon';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { createDb } from '../../server/db/connection.ts';
import { createLogger } from '../../server/logger.ts';
import { JobRunner } from '../../server/jobs/job-runner.ts';
import { RemindersService } from '../../server/notices/reminders.service.ts';
import { isoWeek, reminderStep } from '../../server/notices/reminder-steps.ts';
import { deadline } from '../../server/lib/quarters.ts';
import { writeTimestamp } from '../../server/db/dialect.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import { count, reminders, submitQuarter } from './support.ts';

const T3 = { year: 2026, quarter: 3 }; // due on 30 October 2026 (30 days after its end)
const FROM_T3 = { firstReport: T3 };
const silent = createLogger('silent');

describe('reminder steps (pure)', () => {
  const due = deadline(T3, 30);
  const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Paris' });
  it('are due_in_7 from 7 days before the due day, due_today from the day, late_7 from 7 days after', () => {
    expect(due.toISODate()).to.equal('2026-10-30');
    expect(reminderStep(due, at('2026-10-22T23:59'))).to.equal(null);
    expect(reminderStep(due, at('2026-10-23T00:00'))).to.equal('due_in_7');
    expect(reminderStep(due, at('2026-10-29T23:59'))).to.equal('due_in_7');
    expect(reminderStep(due, at('2026-10-30T07:00'))).to.equal('due_today');
    expect(reminderStep(due, at('2026-11-05T23:59'))).to.equal('due_today');
    expect(reminderStep(due, at('2026-11-06T00:00'))).to.equal('late_7');
    expect(reminderStep(due, at('2027-03-01T12:00'))).to.equal('late_7');
  });
  it('count calendar days across the change to winter time (25 October 2026)', () => {
    expect(reminderStep(due, at('2026-10-23T00:30'))).to.equal('due_in_7');
    expect(reminderStep(deadline(T3, 20), at('2026-10-27T00:30'))).to.equal('late_7');
  });
  it('name ISO weeks in Paris time', () => {
    expect(isoWeek(at('2026-11-26T10:00'))).to.equal('2026-W48');
    expect(isoWeek(at('2027-01-01T10:00'))).to.equal('2026-W53');
  });
});

describe(`daily reminders and weekly digest (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let pole: PoleRow;
  let managerId: number;

  beforeEach(async () => {
    ctx = await createTestApp();
    pole = await makePole(ctx.s, { name: 'Pôle Rappel', ...FROM_T3 });
    managerId = (await makeUser(ctx.s, 'manager', { poleIds: [pole.id] })).id;
    await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
  });
  afterEach(() => ctx.close());

  const day = (iso: string) => ctx.clock.set(`${iso}T07:00:00`);

  it('writes each step once, on its day, whatever how often the job runs', async () => {
    const log: string[] = [];
    for (const d of [
      '2026-10-20',
      '2026-10-23',
      '2026-10-23',
      '2026-10-24',
      '2026-10-30',
      '2026-10-31',
      '2026-11-06',
      '2026-11-07',
      '2026-11-20',
    ]) {
      day(d);
      const r = await ctx.s.scheduler.run('reminders');
      expect(r).to.deep.include({ ran: true, status: 'success' });
      log.push(`${d}:${r.ran && r.outcome?.keys}`);
    }
    expect(log).to.deep.equal([
      '2026-10-20:0',
      '2026-10-23:1',
      '2026-10-23:0',
      '2026-10-24:0',
      '2026-10-30:1',
      '2026-10-31:0',
      '2026-11-06:1',
      '2026-11-07:0',
      '2026-11-20:0',
    ]);
    expect(await reminders(ctx.db)).to.deep.equal([
      `${pole.id}:2026-T3:due_in_7`,
      `${pole.id}:2026-T3:due_today`,
      `${pole.id}:2026-T3:late_7`,
    ]);
    // Two managers: two messages per reminder, each naming its step.
    const subjects = (await ctx.db('outbox').where({ kind: 'reminder' }).orderBy('id')).map((m) => m.subject);
    expect(subjects).to.have.length(6);
    expect(subjects[0]).to.equal('[PTCE Impact] Pôle Rappel : le trimestre 2026-T3 est à remettre d’ici le 30 octobre 2026');
    expect(subjects[2]).to.contain('aujourd’hui');
    expect(subjects[4]).to.contain('en retard');
    const runs = await ctx.db('job_runs').where({ job: 'reminders' });
    expect(runs).to.have.length(9);
  });

  it('catches up a missed day late, but never sends an earlier step after a later one', async () => {
    const late = await makePole(ctx.s, { name: 'Pôle Découvert en Retard', ...FROM_T3 });
    day('2026-10-26'); // the job did not run on the 23rd, 24th or 25th: the step is still sent, late
    await ctx.s.reminders.reminders();
    day('2026-11-10'); // nor between the 30th and the 9th: only late_7 now, due_today is skipped
    await ctx.s.reminders.reminders();
    expect(await reminders(ctx.db)).to.deep.equal([
      `${pole.id}:2026-T3:due_in_7`,
      `${pole.id}:2026-T3:late_7`,
      `${late.id}:2026-T3:due_in_7`,
      `${late.id}:2026-T3:late_7`,
    ]);

    const fresh = await makePole(ctx.s, { name: 'Pôle Nouveau', ...FROM_T3 });
    await ctx.s.reminders.reminders(); // first seen when already 7 days late: late_7 only
    expect((await reminders(ctx.db)).filter((r) => r.startsWith(`${fresh.id}:`))).to.deep.equal([`${fresh.id}:2026-T3:late_7`]);
    day('2026-10-30'); // a clock set back never brings an earlier step
    expect((await ctx.s.reminders.reminders()).keys).to.equal(0);
  });

  it('reminds only poles that have not submitted (not started, draft, returned), in the window', async () => {
    const submitted = await makePole(ctx.s, { name: 'Pôle Soumis', ...FROM_T3 });
    const returned = await makePole(ctx.s, { name: 'Pôle Renvoyé', ...FROM_T3 });
    const archived = await makePole(ctx.s, { name: 'Pôle Archivé', ...FROM_T3 });
    await ctx.db('poles').where({ id: archived.id }).update({ archived_on: '2026-10-15' });
    const old = await makePole(ctx.s, { name: 'Pôle Ancien', firstReport: { year: 2024, quarter: 1 } });
    day('2026-10-23');
    const staffId = (await makeUser(ctx.s, 'staff')).id;
    await submitQuarter(ctx.s, submitted, T3, managerId);
    const r = await submitQuarter(ctx.s, returned, T3, managerId);
    await ctx.s.review.decide(r, 'return', r.version, 'À compléter', { userId: staffId });
    await ctx.s.reminders.reminders();
    const written = await reminders(ctx.db);
    expect(written.filter((w) => w.startsWith(`${submitted.id}:`) || w.startsWith(`${archived.id}:`))).to.deep.equal([]);
    expect(written).to.include(`${returned.id}:2026-T3:due_in_7`);
    // An old pole: the last four closed quarters only (2025-T4 … 2026-T3), late ones straight at late_7.
    expect(written.filter((w) => w.startsWith(`${old.id}:`))).to.deep.equal([
      `${old.id}:2025-T4:late_7`,
      `${old.id}:2026-T1:late_7`,
      `${old.id}:2026-T2:late_7`,
      `${old.id}:2026-T3:due_in_7`,
    ]);
  });

  it('two runners, two handles, at the same time: each reminder and each message exists once', async () => {
    await makePole(ctx.s, { name: 'Pôle Deux', ...FROM_T3 });
    await makePole(ctx.s, { name: 'Pôle Trois', ...FROM_T3 });
    const db2 = createDb(ctx.testDb.database);
    try {
      day('2026-11-06');
      const other = new RemindersService({
        db: db2,
        clock: ctx.clock,
        publicUrl: ctx.config.publicUrl,
        rule: ctx.s.reporting,
        repos: ctx.s.repos,
      });
      // Direct calls on both connections race on the unique index.
      await Promise.all([ctx.s.reminders.reminders(), other.reminders(), ctx.s.reminders.reminders(), other.reminders()]);
      expect(await reminders(ctx.db)).to.have.length(3);
      expect(await count(ctx.db, 'outbox')).to.equal(2); // the two managers of the first pole; the others have none
      // Through two job runners (two instances): the lease keeps them apart, the index keeps it single.
      day('2026-11-06');
      const runner2 = new JobRunner({ db: db2, clock: ctx.clock, repo: ctx.s.repos.jobs, leaseSeconds: 600, logger: silent });
      const work = () => other.reminders();
      const results = await Promise.all([ctx.s.scheduler.run('reminders'), runner2.run('reminders', work, 'reminders')]);
      expect(results.filter((r) => r.ran).length).to.be.greaterThan(0);
      expect(await reminders(ctx.db)).to.have.length(3);
      expect(await count(ctx.db, 'outbox')).to.equal(2);
    } finally {
      await db2.destroy();
    }
  });

  it('has its own lease: it runs while another instance holds the aggregates lease', async () => {
    const far = writeTimestamp(ctx.clock.now().plus({ hours: 1 }));
    expect(await ctx.s.repos.jobs.acquire(ctx.db, 'aggregates', 'autre-instance', writeTimestamp(ctx.clock.now()), far)).to.equal(true);
    expect(await ctx.s.scheduler.run('refresh')).to.deep.equal({ ran: false, reason: 'leased' });
    expect(await ctx.s.scheduler.run('reminders')).to.deep.include({ ran: true, status: 'success' });
    expect(await ctx.s.scheduler.run('digest')).to.deep.include({ ran: true, status: 'success' });
    expect(await ctx.s.scheduler.run('outbox')).to.deep.include({ ran: true, status: 'success' });
  });

  it('the weekly digest lists late poles by region to every active staff user, once a week', async () => {
    // Default clock: 26 November 2026, 2026-T3 is late. Pôle Rappel (Occitanie) is late already.
    const idf = await makePole(ctx.s, { name: 'Pôle Francilien', region: '11', ...FROM_T3 });
    const ara = await makePole(ctx.s, { name: 'Pôle Alpin', region: '84', ...FROM_T3 });
    const done = await makePole(ctx.s, { name: 'Pôle à Jour', region: '84', ...FROM_T3 });
    await submitQuarter(ctx.s, done, T3, managerId);
    const staff = [await makeUser(ctx.s, 'staff', { name: 'Équipe Un' }), await makeUser(ctx.s, 'staff')];
    const gone = await makeUser(ctx.s, 'staff');
    await ctx.db('users').where({ id: gone.id }).update({ active: false });

    const r = await ctx.s.scheduler.run('digest');
    expect(r).to.deep.include({ ran: true, status: 'success' });
    const messages = await ctx.db('outbox').where({ kind: 'digest' }).orderBy('recipient_user_id');
    expect(messages.map((m) => m.recipient_email)).to.deep.equal(staff.map((u) => u.email));
    const body: string = messages[0].body;
    expect(messages[0].subject).to.equal('[PTCE Impact] Pôles en retard — semaine 2026-W48');
    expect(body).to.match(/^Bonjour Équipe Un,/);
    expect(body).to.contain('(3 au total)');
    // Regions in French order, each with its late poles and their deadline.
    const order = [
      'Auvergne-Rhône-Alpes',
      '- Pôle Alpin : 2026-T3 (échéance le 30 octobre 2026)',
      'Île-de-France',
      '- Pôle Francilien : 2026-T3',
      'Occitanie',
      '- Pôle Rappel : 2026-T3',
    ];
    const positions = order.map((s) => body.indexOf(s));
    expect(
      positions.every((p) => p >= 0),
      body,
    ).to.equal(true);
    expect([...positions].sort((a, b) => a - b)).to.deep.equal(positions);
    expect(body).to.not.contain('Pôle à Jour');
    expect(body).to.contain('/admin/completude');
    void idf;
    void ara;

    expect((await ctx.s.reminders.digest()).rows, 'the same week: nothing new').to.equal(0);
    ctx.clock.advance({ days: 7 });
    expect((await ctx.s.reminders.digest()).rows, 'the next week: a new digest').to.equal(2);
  });

  it('a week without late poles still says so', async () => {
    await submitQuarter(ctx.s, pole, T3, managerId);
    await makeUser(ctx.s, 'staff');
    await ctx.s.reminders.digest();
    const m = await ctx.db('outbox').where({ kind: 'digest' }).first();
    expect(m.body).to.contain('Aucun pôle n’est en retard cette semaine.');
  });
});
