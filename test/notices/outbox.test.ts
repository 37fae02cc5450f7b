import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { createDb } from '../../server/db/connection.ts';
import { createLogger } from '../../server/logger.ts';
import { writeTimestamp } from '../../server/db/dialect.ts';
import { OutboxService, MAX_ATTEMPTS } from '../../server/outbox/outbox.service.ts';
import { createSmtpTransport, type MailTransport } from '../../server/outbox/smtp.ts';
import type { NewMessage } from '../../server/outbox/outbox.repo.ts';
import { count, submitQuarter } from './support.ts';

const T3 = { year: 2026, quarter: 3 };
const silent = createLogger('silent');

/** A real SMTP server on a random local port, recording what it accepts; `failNext` refuses messages with 451. */
async function startSmtp() {
  const received: { to: string[]; raw: string }[] = [];
  const state = { failNext: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        if (state.failNext > 0) {
          state.failNext--;
          return callback(Object.assign(new Error('Boîte temporairement indisponible'), { responseCode: 451 }));
        }
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, state, port, close: () => new Promise<void>((resolve) => server.close(resolve)) };
}

/** The Subject header of a raw message, MIME encoded-words decoded. */
function subjectOf(raw: string): string {
  const header = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)![1].replace(/\r\n[ \t]/g, ' ');
  return header.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

const message = (i: number): NewMessage => ({
  recipient_email: `personne${i}@example.fr`,
  recipient_user_id: null,
  subject: `Message ${i}`,
  body: 'Bonjour',
  kind: 'digest',
  notice_id: null,
  dedupe_key: `test:${i}`,
});

describe(`the outbox (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);

  describe('claiming', () => {
    let ctx: TestContext;
    beforeEach(async () => {
      ctx = await createTestApp();
    });
    afterEach(() => ctx.close());

    it('queues a message once per dedupe key', async () => {
      const at = writeTimestamp(ctx.clock.now());
      expect(await ctx.s.repos.outbox.enqueue(ctx.db, [message(1), message(2)], at)).to.equal(2);
      expect(await ctx.s.repos.outbox.enqueue(ctx.db, [message(2), message(3)], at)).to.equal(1);
      expect(await count(ctx.db, 'outbox')).to.equal(3);
    });

    it('two senders on two connections, at the same time, never send one message twice', async () => {
      await ctx.s.repos.outbox.enqueue(
        ctx.db,
        Array.from({ length: 70 }, (_, i) => message(i)),
        writeTimestamp(ctx.clock.now()),
      );
      const db2 = createDb(ctx.testDb.database);
      try {
        // The claim itself: two tokens racing get disjoint sets.
        const now = writeTimestamp(ctx.clock.now());
        const until = writeTimestamp(ctx.clock.now().plus({ minutes: 10 }));
        for (let round = 0; round < 5; round++) {
          const [a, b] = await Promise.all([
            ctx.s.repos.outbox.claim(ctx.db, `A${round}`, now, until, 40),
            ctx.s.repos.outbox.claim(db2, `B${round}`, now, until, 40),
          ]);
          const ids = [...a, ...b].map((m) => m.id);
          expect(new Set(ids).size).to.equal(ids.length);
          expect(ids.length).to.be.within(40, 70);
          await ctx.db('outbox').update({ status: 'queued', claimed_by: null, claimed_until: null });
        }

        // Whole senders: every message sent exactly once across them.
        const sent: number[] = [];
        const transport = (): MailTransport => ({
          async send(m) {
            await new Promise((r) => setTimeout(r, Math.random() * 3));
            sent.push(Number(m.subject.replace('Message ', '')));
          },
          close() {},
        });
        const s1 = new OutboxService({
          db: ctx.db,
          clock: ctx.clock,
          transport: transport(),
          claimSeconds: 600,
          repos: ctx.s.repos,
          logger: silent,
        });
        const s2 = new OutboxService({
          db: db2,
          clock: ctx.clock,
          transport: transport(),
          claimSeconds: 600,
          repos: ctx.s.repos,
          logger: silent,
        });
        const results = await Promise.all([s1.sendDue('un'), s2.sendDue('deux'), s1.sendDue('trois'), s2.sendDue('quatre')]);
        expect(sent.length).to.equal(70);
        expect(new Set(sent).size).to.equal(70);
        expect(results.reduce((n, r) => n + r.rows, 0)).to.equal(70);
        expect(await count(ctx.db, 'outbox', { status: 'sent' })).to.equal(70);
      } finally {
        await db2.destroy();
      }
    });

    it('takes back a message whose sender died while holding it, once its claim expired', async () => {
      await ctx.s.repos.outbox.enqueue(ctx.db, [message(1)], writeTimestamp(ctx.clock.now()));
      const now = ctx.clock.now();
      await ctx.s.repos.outbox.claim(ctx.db, 'mort', writeTimestamp(now), writeTimestamp(now.plus({ minutes: 10 })), 10);
      const sent: string[] = [];
      const sender = new OutboxService({
        db: ctx.db,
        clock: ctx.clock,
        transport: { send: async (m) => void sent.push(m.to), close() {} },
        claimSeconds: 600,
        repos: ctx.s.repos,
        logger: silent,
      });
      expect((await sender.sendDue('vivant')).keys, 'still claimed').to.equal(0);
      ctx.clock.advance({ minutes: 11 });
      expect((await sender.sendDue('vivant')).rows).to.equal(1);
      expect(sent).to.deep.equal(['personne1@example.fr']);
    });

    it('a slow sender gives back what it cannot send before its claim expires', async () => {
      await ctx.s.repos.outbox.enqueue(
        ctx.db,
        Array.from({ length: 5 }, (_, i) => message(i)),
        writeTimestamp(ctx.clock.now()),
      );
      const sent: string[] = [];
      // Each send takes five minutes; the claim lasts ten, with a margin of a minute and a half.
      const slow: MailTransport = { send: async (m) => void (sent.push(m.subject), ctx.clock.advance({ minutes: 5 })), close() {} };
      const sender = new OutboxService({
        db: ctx.db,
        clock: ctx.clock,
        transport: slow,
        claimSeconds: 600,
        repos: ctx.s.repos,
        logger: silent,
      });
      expect(await sender.sendDue('lent')).to.deep.equal({ keys: 5, rows: 2 });
      const rows = await ctx.db('outbox').orderBy('id');
      expect(rows.map((r) => [r.status, r.attempts, r.claimed_by])).to.deep.equal([
        ['sent', 1, null],
        ['sent', 1, null],
        ['queued', 0, null],
        ['queued', 0, null],
        ['queued', 0, null],
      ]);
      expect((await sender.sendDue('lent')).rows, 'the next run goes on').to.equal(2);
    });

    it('without SMTP_URL sends nothing: messages stay queued for the « Envois » page', async () => {
      await ctx.s.repos.outbox.enqueue(ctx.db, [message(1)], writeTimestamp(ctx.clock.now()));
      expect(ctx.s.outbox.delivers).to.equal(false);
      expect(await ctx.s.scheduler.run('outbox')).to.deep.include({ ran: true, status: 'success', outcome: { keys: 0, rows: 0 } });
      expect((await ctx.db('outbox').first()).status).to.equal('queued');
      // Nor is it scheduled; the reminders and the digest are, in Paris time.
      await ctx.s.scheduler.start();
      try {
        expect(ctx.s.scheduler.nextRun('outbox')).to.equal(null);
        expect(ctx.s.scheduler.nextRun('reminders')).to.be.instanceOf(Date);
        expect(ctx.s.scheduler.nextRun('digest')).to.be.instanceOf(Date);
      } finally {
        await ctx.s.scheduler.stop();
      }
    });
  });

  describe('through a real SMTP server', () => {
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    let ctx: TestContext;
    let managers: { id: number; email: string }[];
    let staffId: number;
    let staffEmail: string;

    beforeEach(async () => {
      smtp = await startSmtp();
      ctx = await createTestApp({
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        MAIL_FROM: 'PTCE Impact <ne-pas-repondre@impact.example.fr>',
      });
      const pole = await makePole(ctx.s, { name: 'Pôle Courriel' });
      managers = [await makeUser(ctx.s, 'manager', { poleIds: [pole.id] }), await makeUser(ctx.s, 'manager', { poleIds: [pole.id] })];
      ({ id: staffId, email: staffEmail } = await makeUser(ctx.s, 'staff'));
      const report = await submitQuarter(ctx.s, pole, T3, managers[0].id);
      await ctx.s.review.decide(report, 'return', report.version, 'Chiffres à revoir', { userId: staffId });
    });
    afterEach(async () => {
      await ctx.close();
      await smtp.close();
    });

    it('delivers each queued message once and marks it sent', async () => {
      expect(ctx.s.outbox.delivers).to.equal(true);
      expect(ctx.s.scheduler.jobs.find((j) => j.name === 'outbox')).to.include({ cron: '* * * * *', lease: 'outbox', scheduled: true });
      const run = await ctx.s.scheduler.run('outbox');
      expect(run).to.deep.include({ ran: true, status: 'success', outcome: { keys: 2, rows: 2 } });
      expect(smtp.received.map((m) => m.to[0]).sort()).to.deep.equal(managers.map((m) => m.email).sort());
      const raw = smtp.received[0].raw;
      expect(raw).to.match(/^From: PTCE Impact <ne-pas-repondre@impact\.example\.fr>/m);
      expect(subjectOf(raw)).to.equal('[PTCE Impact] Pôle Courriel : le trimestre 2026-T3 vous est renvoyé');
      const rows = await ctx.db('outbox');
      expect(rows.map((r) => [r.status, r.attempts, r.sent_at !== null, r.claimed_by])).to.deep.equal([
        ['sent', 1, true, null],
        ['sent', 1, true, null],
      ]);
      expect(await ctx.s.scheduler.run('outbox')).to.deep.include({ ran: true, outcome: { keys: 0, rows: 0 } });
      expect(smtp.received).to.have.length(2);
      // « Envois » says the messages left by email.
      const page = await (await signIn(ctx.app, staffEmail)).get('/admin/envois').expect(200);
      expect(page.text)
        .to.contain('Les messages sont envoyés par courriel')
        .and.contain('0 en attente · 2 envoyés · 0 en échec')
        .and.contain('>envoyé</span>');
    });

    it('retries a refused message after a growing delay, then gives up after five attempts', async () => {
      smtp.state.failNext = 1;
      await ctx.s.scheduler.run('outbox');
      const [failed] = await ctx.db('outbox').where({ status: 'queued' });
      expect(failed).to.include({ attempts: 1 });
      expect(failed.last_error).to.contain('451');
      expect(failed.next_attempt_at).to.equal(writeTimestamp(ctx.clock.now().plus({ minutes: 1 })));
      expect(smtp.received).to.have.length(1);
      expect((await ctx.s.outbox.sendDue('x')).keys, 'not due yet').to.equal(0);
      ctx.clock.advance({ minutes: 1 });
      expect(await ctx.s.outbox.sendDue('x')).to.deep.equal({ keys: 1, rows: 1 });
      const retried = await ctx.s.repos.outbox.find(ctx.db, failed.id);
      expect(retried).to.include({ status: 'sent', attempts: 2, last_error: null });
      expect(smtp.received).to.have.length(2);

      // A message the server always refuses: 1, 5, 30, 120 minutes apart, then failed for good.
      await ctx.s.repos.outbox.enqueue(ctx.db, [message(9)], writeTimestamp(ctx.clock.now()));
      smtp.state.failNext = 100;
      const waits: number[] = [];
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        expect((await ctx.s.outbox.sendDue('x')).keys).to.equal(1);
        const m = (await ctx.db('outbox').where({ dedupe_key: 'test:9' }).first())!;
        if (m.status === 'queued') {
          const wait = (Date.parse(m.next_attempt_at) - ctx.clock.now().toMillis()) / 60_000;
          waits.push(wait);
          ctx.clock.advance({ minutes: wait });
        }
      }
      expect(waits).to.deep.equal([1, 5, 30, 120]);
      const last = (await ctx.db('outbox').where({ dedupe_key: 'test:9' }).first())!;
      expect(last).to.include({ status: 'failed', attempts: MAX_ATTEMPTS });
      ctx.clock.advance({ days: 1 });
      expect((await ctx.s.outbox.sendDue('x')).keys, 'a failed message stays failed').to.equal(0);
    });

    it('a server that does not answer fails the attempt, and the message is sent once it is back', async () => {
      await smtp.close();
      await ctx.s.scheduler.run('outbox');
      const rows = await ctx.db('outbox');
      expect(rows.every((r) => r.status === 'queued' && r.attempts === 1 && /ECONNREFUSED|connect/i.test(r.last_error))).to.equal(true);
      smtp = await startSmtp();
      // The app was configured with the old port: point a sender at the new one.
      const sender = new OutboxService({
        db: ctx.db,
        clock: ctx.clock,
        transport: createSmtpTransport(`smtp://127.0.0.1:${smtp.port}`, 'ne-pas-repondre@impact.example.fr'),
        claimSeconds: 600,
        repos: ctx.s.repos,
        logger: silent,
      });
      ctx.clock.advance({ minutes: 1 });
      expect(await sender.sendDue('relais')).to.deep.equal({ keys: 2, rows: 2 });
      expect(smtp.received).to.have.length(2);
    });
  });
});
