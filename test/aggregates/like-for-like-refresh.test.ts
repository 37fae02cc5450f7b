// A like-for-like comparison reads the same period a year earlier: a change in 2025-T3 must move the
// comparison stored with 2026-T3 (and the ytd, year and rolling periods a year later), not only the
// periods 2025-T3 belongs to. The random property test rarely reaches this case; this one always does.
import { expect } from 'chai';
import { createTestApp } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { field } from '../../server/reporting/entry-rules.ts';
import { naiveAggregates, storedAggregates } from './naive.ts';

const LAST_CLOSED = 2026 * 4 + 2; // 2026-T3

describe(`aggregates: an edit a year earlier moves the later comparisons (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);

  it('the incremental refresh recomputes the periods a year later; stored = naive', async () => {
    const ctx = await createTestApp();
    try {
      const pole = await makePole(ctx.s, {
        name: 'Pôle Garonne',
        region: '76',
        departement: '31',
        firstReport: { year: 2025, quarter: 3 },
      });
      const manager = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
      const put = async (q: { year: number; quarter: number }, value: string, status: 'submitted' | 'draft') => {
        const row = (await ctx.s.repos.poles.findById(ctx.db, pole.id))!;
        const prepared = await ctx.s.reporting.prepare(
          row,
          q,
          { [field.value('EMP_CREES')]: value },
          { submit: false, checkVersion: false, status },
        );
        if (prepared.kind !== 'ready') throw new Error(JSON.stringify(prepared));
        await ctx.s.reporting.applyAll([prepared.plan], { userId: manager.id });
      };
      await put({ year: 2026, quarter: 3 }, '5', 'submitted');
      await put({ year: 2025, quarter: 3 }, '2', 'draft');
      await ctx.s.refresh.rebuild();
      const key = `validated_or_submitted|nation|FR|${(await ctx.db('indicators').where({ code: 'EMP_CREES' }).first()).id}||quarter|${LAST_CLOSED}`;
      expect((await storedAggregates(ctx.db)).get(key)?.cmp, 'nothing to compare with before').to.equal('none');

      await put({ year: 2025, quarter: 3 }, '3', 'submitted');
      expect((await ctx.s.refresh.incremental()).kind).to.equal('incremental');
      const stored = await storedAggregates(ctx.db);
      expect(stored.get(key)?.cmp).to.equal('1: 50000/null vs 30000/null');
      const naive = await naiveAggregates(ctx.db, LAST_CLOSED);
      const differ = [...naive].filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(stored.get(k))).map(([k]) => k);
      expect(differ).to.deep.equal([]);
    } finally {
      await ctx.close();
    }
  });
});
