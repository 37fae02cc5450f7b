import { expect } from 'chai';
import fc from 'fast-check';
import { assertNoControlChars } from '../support/invariants.ts';
import { createTestApp } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { naiveAggregates, storedAggregates } from './naive.ts';
import { enter, exemptionArb, exemptOrLift, formArb, LAST_CLOSED, QUARTERS } from './random-forms.ts';

function diff(a: Map<string, unknown>, b: Map<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of a)
    if (JSON.stringify(v) !== JSON.stringify(b.get(k))) out.push(`${k}: ${JSON.stringify(v)} ≠ ${JSON.stringify(b.get(k))}`);
  for (const k of b.keys()) if (!a.has(k)) out.push(`${k}: missing ≠ ${JSON.stringify(b.get(k))}`);
  return out.slice(0, 10);
}

describe(`aggregates: incremental = rebuild = naive (${onPostgres ? 'PostgreSQL' : 'SQLite'}, property)`, function () {
  this.timeout(600_000);

  it('hold on random poles, quarters, statuses, values and edits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ region: fc.constantFrom('76', '84', '53'), first: fc.integer({ min: 0, max: 3 }), archived: fc.boolean() }), {
          minLength: 2,
          maxLength: 4,
        }),
        fc.array(fc.record({ pole: fc.nat(), quarter: fc.integer({ min: 0, max: 4 }), form: formArb }), { minLength: 3, maxLength: 14 }),
        fc.array(fc.record({ pole: fc.nat(), quarter: fc.integer({ min: 0, max: 4 }), form: formArb }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.array(exemptionArb, { maxLength: 3 }),
        fc.array(exemptionArb, { maxLength: 3 }),
        async (poleSpecs, entries, edits, retire, exemptBefore, exemptAfter) => {
          const ctx = await createTestApp();
          try {
            const poles: number[] = [];
            for (const [i, p] of poleSpecs.entries()) {
              const deps: Record<string, string> = { '76': '31', '84': '69', '53': '29' };
              const pole = await makePole(ctx.s, {
                name: `Pôle ${i}`,
                region: p.region,
                departement: deps[p.region],
                firstReport: QUARTERS[p.first],
              });
              if (p.archived && i === 0) await ctx.db('poles').where({ id: pole.id }).update({ archived_on: '2026-04-15' });
              poles.push(pole.id);
            }
            const manager = await makeUser(ctx.s, 'manager', { poleIds: poles });
            const staff = await makeUser(ctx.s, 'staff');
            for (const e of entries) await enter(ctx, manager.id, poles[e.pole % poles.length], e.quarter, e.form);
            // Quarters declared « sans objet » (and some lifted again) leave what every figure expects.
            for (const x of exemptBefore) await exemptOrLift(ctx, staff.id, poles[x.pole % poles.length], x);
            // An indicator retired after values were entered for later quarters: those values stay stored
            // but are neither expected nor counted.
            if (retire) await ctx.db('indicators').where({ code: 'EMP_CREES' }).update({ last_year: 2026, last_quarter: 1 });
            await ctx.s.refresh.rebuild();
            const naive1 = await naiveAggregates(ctx.db, LAST_CLOSED);
            expect(naive1.size, 'there is something to compare').to.be.greaterThan(100);
            expect(diff(await storedAggregates(ctx.db), naive1), 'rebuild = naive').to.deep.equal([]);

            for (const e of edits) await enter(ctx, manager.id, poles[e.pole % poles.length], e.quarter, e.form);
            for (const x of exemptAfter) await exemptOrLift(ctx, staff.id, poles[x.pole % poles.length], x);
            const result = await ctx.s.refresh.incremental();
            expect(result.kind).to.be.oneOf(['incremental', 'nothing']);
            const naive2 = await naiveAggregates(ctx.db, LAST_CLOSED);
            const incremental = await storedAggregates(ctx.db);
            expect(diff(incremental, naive2), 'incremental = naive').to.deep.equal([]);
            await ctx.s.refresh.rebuild();
            expect(diff(await storedAggregates(ctx.db), incremental), 'rebuild = incremental').to.deep.equal([]);
            await assertNoControlChars(ctx.db);
          } finally {
            await ctx.close();
          }
        },
      ),
      { numRuns: onPostgres ? 6 : 10, seed: 4242 },
    );
  });
});
