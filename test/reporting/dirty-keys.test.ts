import { expect } from 'chai';
import { countsInABase, movesFigures } from '../../server/aggregates/aggregates.repo.ts';
import type { Quarter } from '../../server/lib/quarters.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { ReportStatus } from '../../server/reporting/reporting.repo.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-db.ts';

describe('which statuses count in a base', () => {
  it('a draft and a returned quarter count in none; submitted and validated do', () => {
    expect(['draft', 'returned', 'submitted', 'validated'].map(countsInABase)).to.deep.equal([false, false, true, true]);
    expect(movesFigures('draft', 'draft')).to.equal(false);
    expect(movesFigures('returned', 'returned')).to.equal(false);
    expect(movesFigures('draft', 'returned')).to.equal(false);
    for (const [from, to] of [
      ['draft', 'submitted'],
      ['returned', 'submitted'],
      ['submitted', 'validated'],
      ['submitted', 'returned'],
      ['validated', 'returned'],
      ['validated', 'validated'],
    ])
      expect(movesFigures(from, to), `${from} → ${to}`).to.equal(true);
  });
});

describe(`dirty keys: only writes that can move a figure (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let pole: PoleRow;
  let staffId: number;
  const q: Quarter = { year: 2026, quarter: 3 };

  const dirty = async () => ctx.db('aggregate_dirty').select('pole_id', 'indicator_id', 'year', 'quarter', 'reason').orderBy('id');
  const clear = () => ctx.db('aggregate_dirty').delete();
  const report = async () => (await ctx.s.repos.reporting.report(ctx.db, pole.id, q))!;

  /** Saves the quarter as the form does, with the number of jobs created given. */
  async function save(emp: string, submit: boolean): Promise<ReportStatus> {
    const existing = await ctx.s.repos.reporting.report(ctx.db, pole.id, q);
    const body = { ...(await completeBody(ctx.s, q, { 'v.EMP_CREES': emp })), version: String(existing?.version ?? 0) };
    const saved = await ctx.s.reporting.save(pole, q, body, submit, { userId: staffId });
    if (saved.kind !== 'saved') throw new Error(JSON.stringify(saved));
    return saved.status;
  }
  async function decide(decision: 'validate' | 'return' | 'reopen') {
    const r = await report();
    expect(await ctx.s.review.decide(r, decision, r.version, decision === 'validate' ? '' : 'À revoir', { userId: staffId })).to.equal(
      'done',
    );
  }
  const statusKey = () => [{ pole_id: pole.id, indicator_id: null, year: 2026, quarter: 3, reason: 'status' }];

  before(async () => {
    ctx = await createTestApp();
    staffId = (await makeUser(ctx.s, 'staff')).id;
    pole = await makePole(ctx.s, { firstReport: { year: 2026, quarter: 1 } });
    await clear(); // creating a pole is not what this test is about
  });
  after(() => ctx.close());

  it('a draft, saved and saved again with other values, records nothing', async () => {
    expect(await save('3', false)).to.equal('draft');
    expect(await save('4', false)).to.equal('draft');
    expect(await dirty()).to.deep.equal([]);
  });

  it('submitting records the quarter (it enters the « validées ou soumises » base)', async () => {
    expect(await save('5', true)).to.equal('submitted');
    expect(await dirty()).to.deep.equal(statusKey());
    await clear();
  });

  it('returning records it (it leaves that base); editing the returned quarter records nothing', async () => {
    await decide('return');
    expect(await dirty()).to.deep.equal(statusKey());
    await clear();
    expect(await save('6', false)).to.equal('returned');
    expect(await save('7', false)).to.equal('returned');
    expect(await dirty()).to.deep.equal([]);
  });

  it('submitting again, validating and reopening each record it', async () => {
    expect(await save('8', true)).to.equal('submitted');
    expect(await dirty()).to.deep.equal(statusKey());
    await clear();
    await decide('validate');
    expect(await dirty()).to.deep.equal(statusKey());
    await clear();
    await decide('reopen');
    expect(await dirty()).to.deep.equal(statusKey());
    await clear();
    // Reopened: returned to the manager, out of every base until it is submitted again.
    expect(await save('9', false)).to.equal('returned');
    expect(await dirty()).to.deep.equal([]);
  });
});
