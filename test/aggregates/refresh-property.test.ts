import { expect } from 'chai';
import fc from 'fast-check';
import { assertNoControlChars } from '../support/invariants.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { field } from '../../server/reporting/entry-rules.ts';
import type { ReportStatus } from '../../server/reporting/reporting.repo.ts';
import { naiveAggregates, storedAggregates } from './naive.ts';

const LAST_CLOSED = 2026 * 4 + 2; // 2026-T3 (the clock is frozen on 26 November 2026)
const QUARTERS = [
  { year: 2025, quarter: 3 },
  { year: 2025, quarter: 4 },
  { year: 2026, quarter: 1 },
  { year: 2026, quarter: 2 },
  { year: 2026, quarter: 3 },
];
const STATUSES: ReportStatus[] = ['draft', 'submitted', 'validated', 'returned'];

/** A random but valid form for one pole-quarter: some values, some « non disponible », some left empty. */
const formArb = fc.record({
  emp: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
  etp: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
  score: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  own: fc.integer({ min: 0, max: 1000 }),
  extra: fc.integer({ min: 0, max: 1000 }),
  withResources: fc.boolean(),
  // Own resources « non disponible » or left empty beside the total: the ratio's quarter pairs neither.
  ownResources: fc.constantFrom('value', 'na', 'empty'),
  members: fc.option(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 6 }), { nil: undefined }),
  na: fc.boolean(),
  status: fc.constantFrom(...STATUSES),
});
type Form = typeof formArb extends fc.Arbitrary<infer T> ? T : never;

function body(f: Form): Record<string, string> {
  const b: Record<string, string> = {};
  const comment = (code: string) => (b[field.comment(code)] = 'Commentaire de test');
  if (f.emp !== undefined) b[field.value('EMP_CREES')] = String(f.emp / 10).replace('.', ',');
  if (f.na) {
    b[field.na('TE_ACTIONS')] = '1';
    b[field.naReason('TE_ACTIONS')] = 'Pas de bilan';
  }
  if (f.etp !== undefined) b[field.value('EMP_ETP_FIN')] = String(f.etp);
  if (f.score !== undefined) b[field.value('MATURITE_COOP')] = String(f.score);
  if (f.withResources) {
    if (f.ownResources === 'value') b[field.value('RESSOURCES_PROPRES')] = String(f.own);
    if (f.ownResources === 'na') {
      b[field.na('RESSOURCES_PROPRES')] = '1';
      b[field.naReason('RESSOURCES_PROPRES')] = 'Comptes non arrêtés';
    }
    b[field.value('RESSOURCES_TOTALES')] = String(f.own + f.extra);
  }
  if (f.members)
    ['ess', 'non_ess', 'collectivite', 'recherche', 'formation', 'autre'].forEach(
      (c, i) => (b[field.value('MEMBRES', c)] = String(f.members![i])),
    );
  for (const code of ['EMP_CREES', 'EMP_ETP_FIN', 'MEMBRES', 'MATURITE_COOP']) {
    comment(code);
    b[field.confirm(code)] = '1';
  }
  return b;
}

async function enter(ctx: TestContext, managerId: number, poleId: number, qi: number, f: Form) {
  const pole = (await ctx.s.repos.poles.findById(ctx.db, poleId))!;
  const q = QUARTERS[qi];
  if (q.year * 4 + q.quarter - 1 < pole.first_report_year * 4 + pole.first_report_quarter - 1) return;
  const prepared = await ctx.s.reporting.prepare(pole, q, body(f), { submit: false, checkVersion: false, status: f.status });
  if (prepared.kind === 'locked') return; // a validated or submitted quarter: left as it is
  if (prepared.kind !== 'ready') throw new Error(JSON.stringify(prepared));
  await ctx.s.reporting.applyAll([prepared.plan], { userId: managerId });
}

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
        async (poleSpecs, entries, edits, retire) => {
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
            for (const e of entries) await enter(ctx, manager.id, poles[e.pole % poles.length], e.quarter, e.form);
            // An indicator retired after values were entered for later quarters: those values stay stored
            // but are neither expected nor counted.
            if (retire) await ctx.db('indicators').where({ code: 'EMP_CREES' }).update({ last_year: 2026, last_quarter: 1 });
            await ctx.s.refresh.rebuild();
            const naive1 = await naiveAggregates(ctx.db, LAST_CLOSED);
            expect(naive1.size, 'there is something to compare').to.be.greaterThan(100);
            expect(diff(await storedAggregates(ctx.db), naive1), 'rebuild = naive').to.deep.equal([]);

            for (const e of edits) await enter(ctx, manager.id, poles[e.pole % poles.length], e.quarter, e.form);
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
