// Graceful shutdown of the real process on SIGTERM: requests in flight get their whole answer, new
// connections are refused, exit code 0; a rebuild caught by the signal leaves either the old or the new
// generation of aggregates whole, its run recorded, its lease released.
import net from 'node:net';
import { expect } from 'chai';
import { createTestDb, onPostgres, type TestDb } from '../support/test-db.ts';
import { killAllApps, prepareInstallation, startApp, type AppProcess, type Installation } from '../support/app-process.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { systemClock } from '../../server/lib/clock.ts';
import { buildServices } from '../../server/services.ts';
import { aggregatesPicture, filledDatabase, sessionCookie, sleep, slowPost, until } from './support.ts';

describe(`graceful shutdown on SIGTERM (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  const dbs: TestDb[] = [];
  after(async () => {
    await killAllApps();
    await Promise.allSettled(dbs.map((t) => t.destroy()));
  });

  it('lets requests in flight finish with their whole answer, refuses new connections, and exits 0', async () => {
    const t = await createTestDb();
    dbs.push(t);
    const inst = await prepareInstallation(t.database);
    const app = await startApp({ database: t.database });
    const { cookie, csrf, page } = await sessionCookie(app.url, inst.manager.email);
    const version = /name="version" value="(\d+)"/.exec(page)![1];

    // Five form posts whose bodies are half sent: in flight when the signal arrives.
    const slow = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => slowPost(app.url, '/profil', cookie, { _csrf: csrf, version, display_name: `Nom numéro ${i}` })),
    );
    // And a burst of page loads.
    const burst = Array.from({ length: 10 }, () =>
      fetch(`${app.url}/mon-pole/${inst.pole.slug}`, { headers: { cookie } }).then(async (r) => ({
        status: r.status,
        body: await r.text(),
      })),
    );
    // Once one page has come back, the server has accepted every connection made before (libuv accepts
    // all the pending ones at once); a connection still in the kernel's backlog when the listening
    // socket closes would be reset, which is TCP, not the app.
    await Promise.race(burst);
    app.child.kill('SIGTERM');
    await app.waitForLog(/"msg":"shutting down"/);
    await sleep(100);

    // The listening socket is closed: a new connection is refused.
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect(app.port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
    });
    expect(refused).to.equal('ECONNREFUSED');
    expect(app.child.exitCode).to.equal(null);

    const answers = await Promise.all(slow.map((s) => s.finish()));
    // The first save wins, the others were made on the same version: 409, and each answer is complete.
    expect(answers.map((a) => a.status).sort()).to.deep.equal([303, 409, 409, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body).to.match(/<\/html>\s*$/);
    for (const b of await Promise.all(burst)) {
      expect(b.status).to.equal(200);
      expect(b.body).to.match(/<\/html>\s*$/);
    }
    expect(await app.exited).to.equal(0);
    await app.stop();
    expect(app.logs.some((l) => l.includes('"msg":"stopped"'))).to.equal(true);
    const user = await t.db('users').where({ id: inst.manager.id }).first();
    expect(user.display_name).to.match(/^Nom numéro [1-5]$/);
  });

  describe('during a rebuild of the aggregates', () => {
    let t: TestDb;
    let inst: Installation;
    let completeRows = 0;

    before(async () => {
      t = await filledDatabase(4000);
      dbs.push(t);
      inst = await prepareInstallation(t.database);
    });

    /** After the process is gone: one whole generation, nothing running, no lease held. */
    async function checkConsistent(previous: { generation: number; rows: number }) {
      const pic = await aggregatesPicture(t.db);
      expect(await t.db('job_runs').where({ status: 'running' })).to.deep.equal([]);
      expect(await t.db('job_leases').where({ job: 'aggregates' })).to.deep.equal([]);
      if (pic.generation === previous.generation) {
        expect(pic.rows[pic.generation] ?? 0, 'the old generation, whole').to.equal(previous.rows);
      } else {
        expect(pic.generation).to.equal(previous.generation + 1);
        expect(pic.rows[previous.generation] ?? 0, 'the old generation, dropped').to.equal(0);
        if (completeRows) expect(pic.rows[pic.generation], 'the new generation, whole').to.equal(completeRows);
      }
      return pic;
    }

    const lastRunId = async () => Number((await t.db('job_runs').max({ id: 'id' }).first())!.id ?? 0);

    /** `start` makes the app begin a rebuild; runs after `runsBefore` are this test's. */
    async function sigtermWhileRebuilding(start: () => Promise<AppProcess>, runsBefore: number) {
      const before = await aggregatesPicture(t.db);
      const app = await start();
      await until(
        () => t.db('job_runs').where('id', '>', runsBefore).andWhere({ job: 'rebuild', status: 'running' }).first(),
        20_000,
        'a running rebuild',
      );
      await sleep(100 + Math.floor(Math.random() * 600));
      const signalled = Date.now();
      expect(await app.stop('SIGTERM')).to.equal(0);
      const took = Date.now() - signalled;
      const pic = await checkConsistent({ generation: before.generation, rows: before.rows[before.generation] ?? 0 });
      const run = await t.db('job_runs').where('id', '>', runsBefore).andWhere({ job: 'rebuild' }).first();
      if (run.status === 'failure') expect(run.error).to.contain('Interrompu');
      else expect(run.status).to.equal('success');
      return { pic, took, status: run.status as string };
    }

    it('at start, then from « Recalculer maintenant »: the old or the new generation, whole', async () => {
      // 1. The rebuild an installation without aggregates runs at start.
      const first = await sigtermWhileRebuilding(() => startApp({ database: t.database }), await lastRunId());
      expect(first.took, 'the shutdown does not wait for the whole rebuild').to.be.below(5000);

      // A complete rebuild, in this process, on the clock the app uses: the row count of a whole generation.
      const s = buildServices({ config: loadConfig({ NODE_ENV: 'test' }), db: t.db, clock: systemClock, logger: createLogger('silent') });
      completeRows = (await s.refresh.rebuild()).rows;
      const pic = await aggregatesPicture(t.db);
      expect(pic.rows[pic.generation]).to.equal(completeRows);

      // 2. Staff asks for a rebuild; SIGTERM while it runs.
      let app = await startApp({ database: t.database });
      const staff = await sessionCookie(app.url, inst.staff.email);
      const second = await sigtermWhileRebuilding(
        async () => {
          const res = await fetch(`${app.url}/admin/taches/lancer`, {
            method: 'POST',
            redirect: 'manual',
            headers: { cookie: staff.cookie, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ _csrf: staff.csrf, tache: 'rebuild' }).toString(),
          });
          expect(res.status).to.equal(303);
          return app;
        },
        await lastRunId(),
      );
      console.log(
        `      [rebuild at start: ${first.status} in ${first.took} ms; run now: ${second.status} in ${second.took} ms; whole generation ${completeRows} rows]`,
      );

      // 3. A later start finds consistent aggregates and answers with them.
      app = await startApp({ database: t.database });
      const ready = await (await fetch(`${app.url}/readyz`)).json();
      expect(ready.status).to.equal('ok');
      expect(await app.stop()).to.equal(0);
      await checkConsistent({ generation: second.pic.generation, rows: second.pic.rows[second.pic.generation] });
    });

    it('during an incremental refresh: the refresh is whole, and catching up gives what a full rebuild gives', async () => {
      const s = buildServices({ config: loadConfig({ NODE_ENV: 'test' }), db: t.db, clock: systemClock, logger: createLogger('silent') });
      if ((await aggregatesPicture(t.db)).generation === 0) await s.refresh.rebuild();
      // Writes the refresh has to catch up with: every validated value of the last two years moves, and
      // its pole-quarters are marked dirty (as the services would, in the same transaction).
      const at = new Date().toISOString();
      await t.db.transaction(async (trx) => {
        await trx('quarter_values')
          .where('year', '>=', 2025)
          .update({ value_scaled: trx.raw('value_scaled + 10000') });
        const keys = await trx('quarter_values').where('year', '>=', 2025).distinct('pole_id', 'year', 'quarter');
        await s.repos.aggregates.markDirty(
          trx,
          keys.map((k: { pole_id: number; year: number; quarter: number }) => ({ ...k, indicator_id: null, reason: 'status' })),
          at,
        );
      });
      const runsBefore = await lastRunId();
      const app = await startApp({ database: t.database, env: { REFRESH_CRON: '* * * * * *' } });
      const run = await until(
        () => t.db('job_runs').where('id', '>', runsBefore).andWhere({ job: 'refresh' }).first(),
        20_000,
        'a refresh',
      );
      const during = run.status === 'running';
      expect(await app.stop('SIGTERM')).to.equal(0);
      expect(await t.db('job_runs').where({ status: 'running' })).to.deep.equal([]);
      expect(await t.db('job_leases').where({ job: 'aggregates' })).to.deep.equal([]);

      // Whatever the signal caught, catching up now must give exactly what a full rebuild gives.
      const rows = async () =>
        (
          await t
            .db('aggregates')
            .where({ generation: (await aggregatesPicture(t.db)).generation })
            .select(
              'base',
              'indicator_id',
              'grain',
              'level',
              'year',
              'quarter',
              'area',
              'category',
              'value_scaled',
              'num_scaled',
              'den_scaled',
              'reported',
              'expected',
              'distribution',
            )
        )
          .map((r: Record<string, unknown>) => JSON.stringify(Object.values(r).map((v) => (v === null ? null : String(v)))))
          .sort();
      await s.refresh.incremental();
      const caughtUp = await rows();
      await s.refresh.rebuild();
      const rebuilt = await rows();
      expect(caughtUp.length).to.equal(rebuilt.length);
      expect(caughtUp.filter((r, i) => r !== rebuilt[i])).to.deep.equal([]);
      console.log(
        `      [refresh ${during ? 'running' : 'already finished'} at SIGTERM; after catch-up ${caughtUp.length} rows = full rebuild]`,
      );
    });
  });
});
