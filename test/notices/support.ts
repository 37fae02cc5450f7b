// Helpers of the notices tests: a submitted quarter, counts of notices and messages.
import { expect } from 'chai';
import type { Knex } from 'knex';
import type { Services } from '../../server/services.ts';
import type { Quarter } from '../../server/lib/quarters.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import { completeBody } from '../support/reporting.ts';

/** Submits a complete quarter for the pole as `userId`, and returns its report. */
export async function submitQuarter(s: Services, pole: PoleRow, q: Quarter, userId: number) {
  const outcome = await s.reporting.save(pole, q, { ...(await completeBody(s, q)), version: '0' }, true, { userId });
  expect(outcome.kind).to.equal('saved');
  return (await s.repos.reporting.report(s.db, pole.id, q))!;
}

export async function count(db: Knex, table: string, where: Record<string, unknown> = {}): Promise<number> {
  const row = await db(table).where(where).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** The reminders written, as 'poleId:year-Tq:step', in a stable order. */
export async function reminders(db: Knex): Promise<string[]> {
  const rows = await db('notices').where({ kind: 'reminder' }).orderBy(['pole_id', 'year', 'quarter', 'id']);
  return rows.map((r) => `${r.pole_id}:${r.year}-T${r.quarter}:${r.step}`);
}
