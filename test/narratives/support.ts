// Quarter reports with narratives, entered, submitted and validated through the real services.
import { expect } from 'chai';
import type { Quarter } from '../../server/lib/quarters.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Services } from '../../server/services.ts';
import { completeBody } from '../support/reporting.ts';

export type ReportState = 'draft' | 'submitted' | 'validated';

/** Enters a complete quarter with these texts, and takes it to `state` (the manager saves, staff validates). */
export async function reportWith(
  s: Services,
  pole: PoleRow,
  q: Quarter,
  texts: { highlights: string; difficulties: string },
  state: ReportState,
  ids: { manager: number; staff: number },
) {
  const body = { ...(await completeBody(s, q, texts)), version: '0' };
  const saved = await s.reporting.save(pole, q, body, state !== 'draft', { userId: ids.manager });
  expect(saved.kind, JSON.stringify(saved)).to.equal('saved');
  if (state !== 'validated') return;
  const report = (await s.repos.reporting.report(s.db, pole.id, q))!;
  expect(await s.review.decide(report, 'validate', report.version, '', { userId: ids.staff })).to.equal('done');
}
