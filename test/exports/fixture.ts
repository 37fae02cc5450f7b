// A small nation for the export tests: poles in three regions with validated, submitted and missing
// quarters, entered through the real services, then the aggregates rebuilt.
import { expect } from 'chai';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import type { TestContext } from '../support/test-app.ts';
import type { Quarter } from '../../server/lib/quarters.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';

export const q = (year: number, quarter: number): Quarter => ({ year, quarter });

export type PoleKey = 'garonne' | 'lauragais' | 'minervois' | 'rhone' | 'seine' | 'armor';

export interface ExportFixture {
  poles: Record<PoleKey, PoleRow>;
  staffId: number;
}

export async function buildExportFixture(ctx: TestContext): Promise<ExportFixture> {
  const s = ctx.s;
  const staffId = (await makeUser(s, 'staff')).id;
  const poles = {
    garonne: await makePole(s, { name: 'Pôle Garonne', region: '76', firstReport: q(2025, 3) }),
    lauragais: await makePole(s, { name: 'Pôle Lauragais', region: '76', firstReport: q(2025, 3) }),
    minervois: await makePole(s, { name: 'Pôle Minervois', region: '76', firstReport: q(2026, 1) }),
    rhone: await makePole(s, { name: 'Pôle Rhône', region: '84', firstReport: q(2025, 3) }),
    seine: await makePole(s, { name: 'Pôle Seine', region: '11', firstReport: q(2025, 3) }),
    armor: await makePole(s, { name: 'Pôle Armor', region: '53', departement: '22', firstReport: q(2026, 1) }),
  } as Record<PoleKey, PoleRow>;

  async function enter(pole: PoleRow, period: Quarter, emp: string, etp: string, then: 'validate' | 'submit' = 'validate') {
    const existing = await s.repos.reporting.report(s.db, pole.id, period);
    const body = {
      ...(await completeBody(s, period, { 'v.EMP_CREES': emp, 'v.EMP_ETP_FIN': etp })),
      version: String(existing?.version ?? 0),
    };
    const saved = await s.reporting.save(pole, period, body, true, { userId: staffId });
    expect(saved.kind, JSON.stringify(saved)).to.equal('saved');
    if (then === 'validate') {
      const report = (await s.repos.reporting.report(s.db, pole.id, period))!;
      expect(await s.review.decide(report, 'validate', report.version, '', { userId: staffId })).to.equal('done');
    }
  }

  const rows: [PoleKey, Quarter, string, string, ('validate' | 'submit')?][] = [
    ['garonne', q(2026, 1), '1,5', '19'],
    ['garonne', q(2026, 2), '2,5', '20'],
    ['garonne', q(2026, 3), '4', '21'],
    ['lauragais', q(2026, 1), '3', '6'],
    ['lauragais', q(2026, 2), '2', '7'],
    ['minervois', q(2026, 2), '7', '50', 'submit'],
    ['rhone', q(2026, 1), '10', '100'],
    ['rhone', q(2026, 2), '10', '100'],
    ['rhone', q(2026, 3), '2', '98'],
    ['seine', q(2026, 2), '4', '40'],
    ['seine', q(2026, 3), '6', '42'],
    ['armor', q(2026, 2), '0', '3'],
  ];
  for (const [key, period, emp, etp, then] of rows) await enter(poles[key], period, emp, etp, then);
  await s.refresh.rebuild();
  return { poles, staffId };
}
