// Random quarterly forms, entered through the real reporting service: shared by the property tests of
// the aggregates and of the provenance page.
import fc from 'fast-check';
import type { TestContext } from '../support/test-app.ts';
import { field } from '../../server/reporting/entry-rules.ts';
import type { ReportStatus } from '../../server/reporting/reporting.repo.ts';

export const LAST_CLOSED = 2026 * 4 + 2; // 2026-T3 (the clock is frozen on 26 November 2026)
export const QUARTERS = [
  { year: 2025, quarter: 3 },
  { year: 2025, quarter: 4 },
  { year: 2026, quarter: 1 },
  { year: 2026, quarter: 2 },
  { year: 2026, quarter: 3 },
];
const STATUSES: ReportStatus[] = ['draft', 'submitted', 'validated', 'returned'];

/** A random but valid form for one pole-quarter: some values, some « non disponible », some left empty. */
export const formArb = fc.record({
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
export type Form = typeof formArb extends fc.Arbitrary<infer T> ? T : never;

export function body(f: Form): Record<string, string> {
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

/** A quarter declared « sans objet » by staff, or the declaration lifted, on a random pole-quarter. */
export const exemptionArb = fc.record({ pole: fc.nat(), quarter: fc.integer({ min: 0, max: 4 }), lift: fc.boolean() });
export type Exemption = typeof exemptionArb extends fc.Arbitrary<infer T> ? T : never;

/** Applies it through the real service; a quarter already submitted or validated is left as it is. */
export async function exemptOrLift(ctx: TestContext, staffId: number, poleId: number, e: Exemption) {
  const pole = (await ctx.s.repos.poles.findById(ctx.db, poleId))!;
  const q = QUARTERS[e.quarter];
  if (q.year * 4 + q.quarter - 1 < pole.first_report_year * 4 + pole.first_report_quarter - 1) return;
  const report = await ctx.s.repos.reporting.report(ctx.db, pole.id, q);
  const actor = { userId: staffId };
  const outcome = e.lift
    ? await ctx.s.exemptions.lift(pole, q, report, report?.version ?? 0, actor)
    : await ctx.s.exemptions.exempt(pole, q, report, report?.version ?? 0, 'Avant le démarrage du pôle', actor);
  if (outcome === 'conflict') throw new Error('unexpected conflict');
}

export async function enter(ctx: TestContext, managerId: number, poleId: number, qi: number, f: Form) {
  const pole = (await ctx.s.repos.poles.findById(ctx.db, poleId))!;
  const q = QUARTERS[qi];
  if (q.year * 4 + q.quarter - 1 < pole.first_report_year * 4 + pole.first_report_quarter - 1) return;
  const prepared = await ctx.s.reporting.prepare(pole, q, body(f), { submit: false, checkVersion: false, status: f.status });
  if (prepared.kind === 'locked') return; // a validated or submitted quarter: left as it is
  if (prepared.kind !== 'ready') throw new Error(JSON.stringify(prepared));
  await ctx.s.reporting.applyAll([prepared.plan], { userId: managerId });
}
