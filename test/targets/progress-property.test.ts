// Progress against targets = a naive computation from the raw values, on random poles, quarters,
// statuses, values, targets and edits, after a rebuild and after the incremental refresh that follows.
import { expect } from 'chai';
import fc from 'fast-check';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { enter, formArb } from '../aggregates/random-forms.ts';
import type { CurrentUser } from '../../server/http/current-user.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';

const END = 2026 * 4 + 2; // 2026-T3, the last closed quarter on the tests' frozen clock
const FIRST_2026 = 2026 * 4;
const CODES = ['EMP_CREES', 'EMP_ETP_FIN', 'MATURITE_COOP'] as const;
const CODES_IDS = (lines: { indicator: { id: number } }[]) => [...new Set(lines.map((l) => l.indicator.id))];

/** The year to date at 2026-T3 from the validated values alone: a flow's sum, a stock's or a score's last value. */
async function naiveActuals(ctx: TestContext): Promise<Map<string, number | null>> {
  const rows = await ctx
    .db('quarter_values as v')
    .join('quarter_reports as r', (j) => j.on('r.pole_id', 'v.pole_id').andOn('r.year', 'v.year').andOn('r.quarter', 'v.quarter'))
    .join('indicators as i', 'i.id', 'v.indicator_id')
    .join('poles as p', 'p.id', 'v.pole_id')
    .where({ 'r.status': 'validated', 'v.category': '', 'v.year': 2026 })
    .whereIn('i.code', CODES)
    .select('v.pole_id', 'i.code', 'i.kind', 'v.quarter', 'v.value_scaled', 'p.first_report_year', 'p.first_report_quarter');
  const out = new Map<string, number | null>();
  for (const r of rows) {
    const index = 2026 * 4 + Number(r.quarter) - 1;
    const first = Number(r.first_report_year) * 4 + Number(r.first_report_quarter) - 1;
    if (index < first || index > END || r.value_scaled === null) continue;
    const key = `${r.pole_id}|${r.code}`;
    const value = Number(r.value_scaled);
    if (r.kind === 'flow') out.set(key, (out.get(key) ?? 0) + value);
    else {
      const latest = out.get(`${key}|q`) ?? -1;
      if (Number(r.quarter) > latest) {
        out.set(key, value);
        out.set(`${key}|q`, Number(r.quarter));
      }
    }
  }
  return out;
}

describe(`targets: progress = naive computation (${onPostgres ? 'PostgreSQL' : 'SQLite'}, property)`, function () {
  this.timeout(600_000);

  it('holds on random poles, values, statuses, targets and edits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 3 }),
        fc.array(fc.record({ pole: fc.nat(), quarter: fc.integer({ min: 2, max: 4 }), form: formArb }), { minLength: 3, maxLength: 10 }),
        fc.array(fc.record({ pole: fc.nat(), quarter: fc.integer({ min: 2, max: 4 }), form: formArb }), { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.record({
            pole: fc.nat(),
            emp: fc.integer({ min: 1, max: 400 }),
            etp: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }),
            score: fc.option(fc.integer({ min: 10, max: 40 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        async (firsts, entries, edits, targetSpecs) => {
          const ctx = await createTestApp();
          try {
            const starts = [
              { year: 2025, quarter: 3 },
              { year: 2026, quarter: 1 },
              { year: 2026, quarter: 2 },
              { year: 2026, quarter: 3 },
            ];
            const poles: PoleRow[] = [];
            for (const [i, f] of firsts.entries()) poles.push(await makePole(ctx.s, { name: `Pôle ${i}`, firstReport: starts[f] }));
            const manager = await makeUser(ctx.s, 'manager', { poleIds: poles.map((p) => p.id) });
            const staff = await makeUser(ctx.s, 'staff');
            for (const e of entries) await enter(ctx, manager.id, poles[e.pole % poles.length].id, e.quarter, e.form);
            for (const x of targetSpecs) {
              const pole = poles[x.pole % poles.length];
              const body: Record<string, string> = { 'o.EMP_CREES': String(x.emp / 10).replace('.', ',') };
              if (x.etp !== undefined) body['o.EMP_ETP_FIN'] = String(x.etp);
              if (x.score !== undefined) body['o.MATURITE_COOP'] = String(x.score / 10).replace('.', ',');
              const { digest } = await ctx.s.targets.form(pole, 2026);
              await ctx.s.targets.saveYear(pole, 2026, body, digest, { userId: staff.id });
            }
            const check = async (label: string) => {
              const naive = await naiveActuals(ctx);
              const lines = await ctx.s.targetProgress.progressAt(ctx.db, poles, END, 'validated');
              const targets = await ctx
                .db('targets as t')
                .join('indicators as i', 'i.id', 't.indicator_id')
                .select('t.pole_id', 'i.code', 't.value_scaled');
              expect(lines.length, `${label}: one line per target`).to.equal(targets.length);
              for (const l of lines) {
                const key = `${l.pole.id}|${l.indicator.code}`;
                const expected = naive.get(key) ?? null;
                expect(l.actual?.value ?? null, `${label}: ${key} actual`).to.equal(expected);
                expect(l.elapsed).to.equal(END - FIRST_2026 + 1);
                const target = Number(targets.find((t) => t.pole_id === l.pole.id && t.code === l.indicator.code)!.value_scaled);
                expect(l.target.value_scaled).to.equal(target);
                if (expected === null) expect(l.progress.share, `${label}: ${key} share`).to.equal(null);
                else expect(l.progress.share, `${label}: ${key} share`).to.be.closeTo(expected / target, 1e-9);
                if (l.indicator.kind === 'flow')
                  expect(l.progress.trajectory?.expected ?? null).to.equal(expected === null ? null : Math.round((target * 3) / 4));
              }
              // The tiles add up the same poles: Σ targets against Σ actuals of the poles with one.
              const asStaff: CurrentUser = {
                id: staff.id,
                email: staff.email,
                displayName: 'Équipe',
                role: 'staff',
                poleIds: [],
                regionCodes: [],
              };
              const tiles = await ctx.s.targetProgress.tiles(asStaff, null, CODES_IDS(lines), END, 'validated');
              const emp = lines.filter((l) => l.indicator.code === 'EMP_CREES');
              const tile = [...tiles.values()].find((x) => x.indicator.code === 'EMP_CREES')!;
              expect(tile.area.target, `${label}: Σ targets`).to.equal(emp.reduce((s, l) => s + l.target.value_scaled, 0));
              const counted = emp.filter((l) => l.actual?.value !== null && l.actual?.value !== undefined);
              expect(tile.area.actual, `${label}: Σ actuals`).to.equal(
                counted.length ? counted.reduce((s, l) => s + l.actual!.value!, 0) : null,
              );
              expect(tile.area.withoutActual).to.equal(emp.length - counted.length);
            };
            await ctx.s.refresh.rebuild();
            await check('rebuild');
            for (const e of edits) await enter(ctx, manager.id, poles[e.pole % poles.length].id, e.quarter, e.form);
            await ctx.s.refresh.incremental();
            await check('incremental');
          } finally {
            await ctx.close();
          }
        },
      ),
      { numRuns: onPostgres ? 4 : 8, seed: 2027 },
    );
  });
});
