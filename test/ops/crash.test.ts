// Crash safety on SQLite: a manager saves quarter forms in a loop over HTTP, the server is killed with
// SIGKILL at a random moment, restarted on the same file: `PRAGMA integrity_check` is ok and every save
// the server acknowledged is there.
import { expect } from 'chai';
import { createDb } from '../../server/db/connection.ts';
import { createTestDb, onPostgres, type TestDb } from '../support/test-db.ts';
import { csrfFrom } from '../support/test-app.ts';
import { killAllApps, prepareInstallation, signInOverHttp, startApp, type HttpAgent } from '../support/app-process.ts';
import { sleep, until } from './support.ts';

const KILLS = 3;
const QUARTERS = ['2025-T4', '2026-T1', '2026-T2', '2026-T3'];

interface Ack {
  period: string;
  value: number;
}

/** Saves drafts in a loop until the server goes away; records each save answered 303. A failure before the kill fails the test. */
async function saveLoop(
  agent: HttpAgent,
  slug: string,
  periods: string[],
  next: () => number,
  acks: Ack[],
  stop: { now: boolean; killing: boolean },
) {
  for (let i = 0; !stop.now; i++) {
    const period = periods[i % periods.length];
    const url = `/mon-pole/${slug}/trimestres/${period}`;
    try {
      const form = await agent.get(url);
      if (form.status !== 200) throw new Error(`form ${form.status}`);
      const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(form.text)?.[1] ?? '';
      const value = next();
      const res = await agent
        .post(url)
        .type('form')
        .send({
          _csrf: csrfFrom(form.text),
          version: hidden('version'),
          form_token: hidden('form_token'),
          'v.EMP_CREES': String(value),
          action: 'brouillon',
        });
      if (res.status === 303) acks.push({ period, value });
      else if (res.status !== 409) throw new Error(`save answered ${res.status}`);
    } catch (err) {
      if (!stop.killing) throw err;
      return; // the server was killed
    }
  }
}

(onPostgres ? describe.skip : describe)('crash safety: SIGKILL during a stream of saves (SQLite)', function () {
  this.timeout(120_000);
  let t: TestDb;
  after(async () => {
    await killAllApps();
    await t?.destroy();
  });

  it(`keeps every acknowledged save and an intact file across ${KILLS} kills`, async () => {
    t = await createTestDb();
    await t.db.destroy(); // only the child writes; the checks open their own handle once it is dead
    const inst = await prepareInstallation(t.database);
    let counter = 0;
    let integrityOk = 0;
    let lost = 0;
    let acknowledged = 0;
    for (let k = 0; k < KILLS; k++) {
      const app = await startApp({ database: t.database });
      const stop = { now: false, killing: false };
      const acks: Ack[] = [];
      // Two managers' tabs at once, on different quarters.
      const agents = [await signInOverHttp(app.url, inst.manager.email), await signInOverHttp(app.url, inst.manager.email)];
      const loops = agents.map((a, i) =>
        saveLoop(
          a,
          inst.pole.slug,
          QUARTERS.filter((_, j) => j % 2 === i),
          () => ++counter,
          acks,
          stop,
        ),
      );
      for (const loop of loops) loop.catch(() => {}); // observed by Promise.all below
      // Once saves flow, the kill comes at a random moment.
      await until(async () => acks.length > 0, 30_000, 'a first acknowledged save');
      await sleep(Math.floor(Math.random() * 1500));
      stop.killing = true;
      await app.kill();
      stop.now = true;
      await Promise.all(loops);
      expect(acks.length, 'saves acknowledged before the kill').to.be.above(0);

      const db = createDb(t.database);
      try {
        const [check] = await db.raw('PRAGMA integrity_check');
        if (check.integrity_check === 'ok') integrityOk++;
        const emp = await db('indicators').where({ code: 'EMP_CREES' }).first();
        const revisions = new Set(
          (
            (await db('value_revisions')
              .where({ pole_id: inst.pole.id, indicator_id: emp.id })
              .select('year', 'quarter', 'new_value_scaled')) as { year: number; quarter: number; new_value_scaled: number | string }[]
          ).map((r) => `${r.year}-T${r.quarter}:${Number(r.new_value_scaled) / 10_000}`),
        );
        for (const a of acks) if (!revisions.has(`${a.period}:${a.value}`)) lost++;
        // The stored value of each quarter is its last acknowledged save, or a later one that was in flight.
        for (const period of QUARTERS) {
          const last = acks.filter((a) => a.period === period).at(-1);
          if (!last) continue;
          const [year, quarter] = period.split('-T').map(Number);
          const row = await db('quarter_values').where({ pole_id: inst.pole.id, indicator_id: emp.id, year, quarter }).first();
          const stored = Number(row.value_scaled) / 10_000;
          if (stored < last.value) lost++;
        }
        acknowledged += acks.length;
      } finally {
        await db.destroy();
      }
    }
    // And the file still serves the app.
    const app = await startApp({ database: t.database });
    const agent = await signInOverHttp(app.url, inst.manager.email);
    await agent.get(`/mon-pole/${inst.pole.slug}/trimestres/2026-T3`).expect(200);
    expect(await app.stop()).to.equal(0);

    console.log(`      [kills ${KILLS}, integrity ok ${integrityOk}/${KILLS}, acknowledged saves ${acknowledged}, lost ${lost}]`);
    expect(integrityOk).to.equal(KILLS);
    expect(lost).to.equal(0);
  });
});
