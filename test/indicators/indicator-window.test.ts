// An indicator's reporting window bounds what is expected and counted; changing it (or anything that moves
// its figures) must reach the stored aggregates through the same dirty keys as any other write.
import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfToken, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { field } from '../../server/reporting/entry-rules.ts';
import { indicatorToValues } from '../../server/indicators/indicators.view.ts';
import { naiveAggregates, storedAggregates } from '../aggregates/naive.ts';

const LAST_CLOSED = 2026 * 4 + 2; // 2026-T3 under the test clock (26 November 2026)
const T1 = 2026 * 4;

describe(`indicators: a reporting window edit moves the figures (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let staff: ReturnType<typeof request.agent>;
  let token: string;
  let empId: number;

  const dirtyKeys = () => ctx.db('aggregate_dirty').select('pole_id', 'indicator_id', 'year', 'quarter', 'reason').orderBy('id');
  const edit = async (code: string, changes: Record<string, string>) => {
    const item = (await ctx.s.indicators.catalogue()).find((c) => c.indicator.code === code)!;
    const url = `/admin/indicateurs/${item.indicator.id}/modifier`;
    return staff
      .post(url)
      .type('form')
      .send({ ...indicatorToValues(item), ...changes, _csrf: token });
  };
  /** The nation's quarter row of EMP_CREES, validated base, at quarter index `i`. */
  const nationQuarter = async (i: number) => (await storedAggregates(ctx.db)).get(`validated|nation|FR|${empId}||quarter|${i}`);

  before(async () => {
    ctx = await createTestApp();
    staff = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
    token = await csrfToken(staff);
    empId = (await ctx.db('indicators').where({ code: 'EMP_CREES' }).first()).id;
    const pole = await makePole(ctx.s, { name: 'Pôle Garonne', firstReport: { year: 2026, quarter: 1 } });
    const manager = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
    for (const quarter of [1, 2, 3]) {
      const row = (await ctx.s.repos.poles.findById(ctx.db, pole.id))!;
      const prepared = await ctx.s.reporting.prepare(
        row,
        { year: 2026, quarter },
        { [field.value('EMP_CREES')]: String(quarter * 2) },
        { submit: false, checkVersion: false, status: 'validated' },
      );
      if (prepared.kind !== 'ready') throw new Error(JSON.stringify(prepared));
      await ctx.s.reporting.applyAll([prepared.plan], { userId: manager.id });
    }
    await ctx.s.refresh.rebuild();
  });
  after(() => ctx.close());

  it('a label or definition edit records no dirty key', async () => {
    expect((await edit('EMP_CREES', { label_fr: 'Emplois créés (libellé revu)', definition_fr: 'Revue.' })).status).to.equal(303);
    expect(await dirtyKeys()).to.deep.equal([]);
  });

  it('retiring the indicator after 2026-T1: one indicator-wide key, then later quarters are neither expected nor counted', async () => {
    expect((await nationQuarter(LAST_CLOSED))?.value).to.equal(60_000);
    expect((await nationQuarter(LAST_CLOSED))?.expected).to.equal(1);

    expect((await edit('EMP_CREES', { last_quarter: '2026-T1' })).status).to.equal(303);
    expect(await dirtyKeys()).to.deep.equal([{ pole_id: null, indicator_id: empId, year: null, quarter: null, reason: 'indicator' }]);

    const result = await ctx.s.refresh.incremental();
    expect(result.kind, 'an indicator-wide key recomputes every pole').to.equal('rebuild');
    expect(await dirtyKeys()).to.deep.equal([]);
    expect((await nationQuarter(T1))?.value).to.equal(20_000);
    const t3 = await nationQuarter(LAST_CLOSED);
    expect(t3 === undefined || (t3.expected === 0 && t3.reported === 0 && t3.value === null), JSON.stringify(t3)).to.equal(true);
    const ytd = (await storedAggregates(ctx.db)).get(`validated|nation|FR|${empId}||ytd|${LAST_CLOSED}`);
    expect(ytd?.value, 'the year to date counts 2026-T1 only').to.equal(20_000);

    const refreshed = await storedAggregates(ctx.db);
    const naive = await naiveAggregates(ctx.db, LAST_CLOSED);
    expect([...naive].filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(refreshed.get(k))).map(([k]) => k)).to.deep.equal([]);
    await ctx.s.refresh.rebuild();
    const rebuilt = await storedAggregates(ctx.db);
    expect([...rebuilt.entries()].sort()).to.deep.equal([...refreshed.entries()].sort());
  });

  it('reopening the window records the key again and brings the quarters back', async () => {
    expect((await edit('EMP_CREES', { last_quarter: '' })).status).to.equal(303);
    expect(await dirtyKeys()).to.have.length(1);
    await ctx.s.refresh.incremental();
    expect((await nationQuarter(LAST_CLOSED))?.value).to.equal(60_000);
  });

  it('creating a ratio records its key in the same transaction; the refresh computes it', async () => {
    const res = await staff
      .post('/admin/indicateurs/nouveau')
      .type('form')
      .send({
        _csrf: token,
        code: 'EMP_PAR_MEMBRE',
        label_fr: 'Emplois par membre',
        label_en: 'Jobs per member',
        definition_fr: '',
        definition_en: '',
        unit: 'nombre',
        decimals: '2',
        min: '',
        max: '',
        kind: 'ratio',
        numerator: 'EMP_CREES',
        denominator: 'MEMBRES',
        objectives: ['O1'],
        direction: 'up',
        first_quarter: '',
        last_quarter: '',
        active: '1',
        display_order: '900',
      });
    expect(res.status, res.text.slice(0, 400)).to.equal(303);
    const id = (await ctx.db('indicators').where({ code: 'EMP_PAR_MEMBRE' }).first()).id;
    expect(await dirtyKeys()).to.deep.equal([{ pole_id: null, indicator_id: id, year: null, quarter: null, reason: 'indicator' }]);
    await ctx.s.refresh.incremental();
    expect([...(await storedAggregates(ctx.db)).keys()].some((k) => k.includes(`|${id}||quarter|`))).to.equal(true);
  });
});
