import { expect } from 'chai';
import type { DirtyKey } from '../../server/aggregates/aggregates.repo.ts';
import { makePole } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-db.ts';

describe(`pending changes, scoped to what a page shows (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  const ids = {} as Record<'garonne' | 'aude' | 'rhone', number>;
  const key = (pole_id: number | null, reason = 'status'): Omit<DirtyKey, 'id'> => ({
    pole_id,
    indicator_id: null,
    year: pole_id === null ? null : 2026,
    quarter: pole_id === null ? null : 3,
    reason,
  });
  const pending = (scope: Parameters<TestContext['s']['repos']['aggregatesRead']['pending']>[1]) =>
    ctx.s.repos.aggregatesRead.pending(ctx.db, scope);

  before(async () => {
    ctx = await createTestApp();
    ids.garonne = (await makePole(ctx.s, { region: '76' })).id;
    ids.aude = (await makePole(ctx.s, { region: '76' })).id;
    ids.rhone = (await makePole(ctx.s, { region: '84' })).id;
    await ctx.db('aggregate_dirty').delete();
    await ctx.s.repos.aggregates.markDirty(
      ctx.db,
      [key(ids.garonne), key(ids.aude), key(ids.aude), key(ids.rhone)],
      '2026-11-26T09:00:00.000Z',
    );
  });
  after(() => ctx.close());

  it('counts per region, most changes first, for the nation; only the regions or poles asked otherwise', async () => {
    expect(await pending({ level: 'nation' })).to.deep.equal({
      count: 4,
      regions: [
        { code: '76', name: 'Occitanie', count: 3 },
        { code: '84', name: 'Auvergne-Rhône-Alpes', count: 1 },
      ],
      everywhere: 0,
    });
    expect(await pending({ level: 'region', codes: ['84'] })).to.deep.equal({
      count: 1,
      regions: [{ code: '84', name: 'Auvergne-Rhône-Alpes', count: 1 }],
      everywhere: 0,
    });
    expect((await pending({ level: 'region', codes: ['84', '76'] })).count).to.equal(4);
    expect((await pending({ level: 'region', codes: ['11'] })).count).to.equal(0);
    expect((await pending({ level: 'region', codes: [] })).count).to.equal(0);
    expect((await pending({ level: 'pole', ids: [ids.aude] })).count).to.equal(2);
    expect((await pending({ level: 'pole', ids: [ids.garonne, ids.rhone] })).count).to.equal(2);
  });

  it('counts a change of no one pole (a definition) on every page', async () => {
    await ctx.s.repos.aggregates.markDirty(ctx.db, [key(null, 'indicator')], '2026-11-26T09:05:00.000Z');
    expect(await pending({ level: 'region', codes: ['11'] })).to.deep.equal({ count: 1, regions: [], everywhere: 1 });
    expect(await pending({ level: 'pole', ids: [ids.rhone] })).to.deep.include({ count: 2, everywhere: 1 });
    expect((await pending({ level: 'nation' })).count).to.equal(5);
  });
});
