// « Sans objet »: a quarter staff declare does not apply to a pole (before it really started, a pause),
// with a reason. It is a report status, `exempt`, so that every reader of statuses sees it: the quarter
// is no longer expected (closure, completeness, aggregates), never late, never reminded, and locked to
// entry and import until staff lift it.
import type { Knex } from 'knex';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { AggregatesRepo } from '../aggregates/aggregates.repo.ts';
import { isUniqueViolation, writeTimestamp } from '../db/dialect.ts';
import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Quarter } from '../lib/quarters.ts';
import type { PoleRow } from '../poles/poles.repo.ts';
import { revisionBase, revisionRow, type ReportingRepo, type ReportRow, type ReportStatus } from './reporting.repo.ts';

/** What may be declared « sans objet »: a quarter without report, or one the pole has not submitted. */
const EXEMPTIBLE: (ReportStatus | undefined)[] = [undefined, 'draft', 'returned'];

export type ExemptionOutcome = 'done' | 'conflict' | 'invalid_state';

class StaleVersion extends Error {}

export class ExemptionService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: { reporting: ReportingRepo; audit: AuditRepo; aggregates: AggregatesRepo },
  ) {}

  /** Whether staff may declare this quarter « sans objet » (the review page shows the form only then). */
  canExempt(status: ReportStatus | undefined): boolean {
    return EXEMPTIBLE.includes(status);
  }

  /**
   * Declares the quarter « sans objet ». A draft keeps its values (lifting the declaration gives them back);
   * `version` is the report's as the page showed it (0 without report), so a save in between is a conflict.
   */
  async exempt(pole: PoleRow, q: Quarter, report: ReportRow | undefined, version: number, reason: string, actor: Actor) {
    if (!this.canExempt(report?.status)) return 'invalid_state';
    return this.change(pole, q, report, version, actor, { status: 'exempt', reason, action: 'exempt' });
  }

  /** Lifts the declaration: the quarter is expected again, as a draft the pole can fill. */
  async lift(pole: PoleRow, q: Quarter, report: ReportRow | undefined, version: number, actor: Actor) {
    if (report?.status !== 'exempt') return 'invalid_state';
    return this.change(pole, q, report, version, actor, { status: 'draft', reason: null, action: 'unexempt' });
  }

  private async change(
    pole: PoleRow,
    q: Quarter,
    report: ReportRow | undefined,
    version: number,
    actor: Actor,
    to: { status: ReportStatus; reason: string | null; action: 'exempt' | 'unexempt' },
  ): Promise<ExemptionOutcome> {
    if ((report?.version ?? 0) !== version) return 'conflict';
    const now = writeTimestamp(this.clock.now());
    try {
      await this.db.transaction(async (trx) => {
        let id = report?.id;
        const changes = { status: to.status, reason: to.reason, reviewed_by: actor.userId, reviewed_at: now, updated_at: now };
        if (report) {
          if (!(await this.repos.reporting.updateReport(trx, report.id, version, changes))) throw new StaleVersion();
        } else {
          id = await this.repos.reporting.insertReport(trx, newReport(pole, q, changes, now));
        }
        await this.repos.reporting.addRevisions(trx, [
          revisionRow(revisionBase(pole.id, q, actor, now), {
            action: to.action,
            old_status: report?.status ?? null,
            new_status: to.status,
            reason: to.reason,
          }),
        ]);
        // The quarter leaves (or comes back into) what every figure of the pole expects.
        await this.repos.aggregates.markDirty(
          trx,
          [{ pole_id: pole.id, indicator_id: null, year: q.year, quarter: q.quarter, reason: 'status' }],
          now,
        );
        await this.repos.audit.record(trx, {
          actorId: actor.userId,
          action: `report.${to.action}`,
          entity: 'quarter_report',
          entityId: id!,
          before: report ? { status: report.status, reason: report.reason } : null,
          after: { status: to.status, reason: to.reason },
          requestId: actor.requestId,
        });
      });
    } catch (err) {
      // A unique (pole, year, quarter) violation: the pole saved a first draft in between.
      if (err instanceof StaleVersion || (!report && isUniqueViolation(err))) return 'conflict';
      throw err;
    }
    return 'done';
  }
}

/** The report row of a quarter declared « sans objet » before the pole typed anything. */
function newReport(pole: PoleRow, q: Quarter, changes: Partial<ReportRow>, now: string): Omit<ReportRow, 'id'> {
  return {
    status: 'exempt',
    reason: null,
    reviewed_by: null,
    reviewed_at: null,
    ...changes,
    pole_id: pole.id,
    year: q.year,
    quarter: q.quarter,
    highlights: '',
    difficulties: '',
    submitted_by: null,
    submitted_at: null,
    version: 1,
    last_form_token: null,
    last_form_digest: null,
    created_at: now,
    updated_at: now,
  };
}
