// A small nation for the publication tests, 2026-T3 only: Occitanie (76) and Bretagne (53) have three poles
// each, Auvergne-Rhône-Alpes (84) one (Pôle Rhône). Values entered and validated through the real services,
// then the aggregates rebuilt.
import { expect } from 'chai';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import type { TestContext } from '../support/test-app.ts';
import type { Quarter } from '../../server/lib/quarters.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';

export const T3: Quarter = { year: 2026, quarter: 3 };

export interface PublicationFixture {
  staff: { id: number; email: string };
  rhone: PoleRow;
  /** Enters (or re-enters) EMP_CREES for 2026-T3 and has staff validate it. */
  enter(pole: PoleRow, emp: string): Promise<void>;
  /** Reopens Rhône's quarter, corrects its jobs created, validates, and rebuilds the aggregates. */
  correctRhone(emp: string): Promise<void>;
}

export async function buildPublicationFixture(ctx: TestContext): Promise<PublicationFixture> {
  const s = ctx.s;
  const staff = await makeUser(s, 'staff', { name: 'Camille Statisticienne' });
  async function enter(pole: PoleRow, emp: string) {
    const existing = await s.repos.reporting.report(s.db, pole.id, T3);
    const body = { ...(await completeBody(s, T3, { 'v.EMP_CREES': emp })), version: String(existing?.version ?? 0) };
    const saved = await s.reporting.save(pole, T3, body, true, { userId: staff.id });
    expect(saved.kind, JSON.stringify(saved)).to.equal('saved');
    const report = (await s.repos.reporting.report(s.db, pole.id, T3))!;
    expect(await s.review.decide(report, 'validate', report.version, '', { userId: staff.id })).to.equal('done');
  }
  const poles: [string, string, string, string][] = [
    ['Pôle Garonne', '76', '31', '4'],
    ['Pôle Lauragais', '76', '11', '2'],
    ['Pôle Minervois', '76', '34', '1'],
    ['Pôle Armor', '53', '22', '5'],
    ['Pôle Iroise', '53', '29', '6'],
    ['Pôle Rance', '53', '35', '7'],
    ['Pôle Rhône', '84', '69', '10'],
  ];
  let rhone: PoleRow | undefined;
  for (const [name, region, departement, emp] of poles) {
    const pole = await makePole(s, { name, region, departement, firstReport: T3 });
    if (region === '84') rhone = pole;
    await enter(pole, emp);
  }
  await s.refresh.rebuild();
  return {
    staff,
    rhone: rhone!,
    enter,
    async correctRhone(emp: string) {
      const report = (await s.repos.reporting.report(s.db, rhone!.id, T3))!;
      expect(await s.review.decide(report, 'reopen', report.version, 'Erreur de saisie', { userId: staff.id })).to.equal('done');
      await enter(rhone!, emp);
      await s.refresh.rebuild();
    },
  };
}
