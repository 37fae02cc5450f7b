// The demo set's pole groups: the three example sets, every pole in one group of each set today, a few
// poles that joined « AMI 2023 » from 2024-T1 (their previous programme closed in 2023-T4), disjoint histories.
import { expect } from 'chai';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { loadDemoData } from '../../seeds/demo.ts';
import { quarterIndex } from '../../server/lib/quarters.ts';
import { disjoint } from '../../server/groups/intervals.ts';

describe('demo data: pole groups', function () {
  this.timeout(300_000);
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp();
    await loadDemoData(ctx.s, { regions: 3 });
  });
  after(() => ctx.close());

  it('has the three example sets and places every pole in one group of each, today', async () => {
    const sets = await ctx.s.groups.catalogue();
    expect(sets.map((s) => s.label_fr)).to.deep.equal(['Filière', 'Territoire', 'Programme']);
    const poles = (await ctx.db('poles').select('id')).map((p) => Number(p.id));
    const now = ctx.s.memberships.currentIndex();
    for (const set of sets) {
      const members = [...(await ctx.s.memberships.membersAt(set.id, now)).values()].flat();
      expect(
        members.sort((a, b) => a - b),
        set.label_fr,
      ).to.deep.equal(poles.sort((a, b) => a - b));
    }
    for (const id of poles) {
      const rows = await ctx.s.memberships.groupsOfPole(id);
      for (const set of sets) expect(disjoint(rows.filter((r) => r.set_id === set.id))).to.equal(true);
    }
  });

  it('has poles that joined « AMI 2023 » from 2024-T1, counted in their previous programme until 2023-T4', async () => {
    const programme = (await ctx.s.groups.catalogue()).find((s) => s.code === 'programme')!;
    const ami2023 = programme.groups.find((g) => g.code === 'ami-2023')!;
    const before = await ctx.s.memberships.membersAt(programme.id, quarterIndex({ year: 2023, quarter: 4 }));
    const after = await ctx.s.memberships.membersAt(programme.id, quarterIndex({ year: 2024, quarter: 1 }));
    const joined = after.get(ami2023.id) ?? [];
    expect(joined.length).to.be.at.least(2);
    expect(before.get(ami2023.id) ?? []).to.deep.equal([]);
    const earlier = [...before.values()].flat();
    for (const id of joined) expect(earlier).to.include(id);
  });
});
