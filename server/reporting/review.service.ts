import type { Knex } from 'knex';
import type { AuditRepo } from '../audit/audit.repo.ts';
import { writeTimestamp } from '../db/dialect.ts';
import { StaleVersion } from '../http/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { ReportingRepo, ReportRow, ReportStatus } from './reporting.repo.ts';
import type { Actor } from './reporting.service.ts';

/** Staff review of submitted quarters: decisions, each a revision and an audit row. */
export class ReviewService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: { reporting: ReportingRepo; audit: AuditRepo },
  ) {}

  /** Staff decisions: validate a submitted quarter, return it with a reason, or reopen a validated one. */
  async decide(report: ReportRow, decision: 'validate' | 'return' | 'reopen', version: number, reason: string, actor: Actor): Promise<'done' | 'conflict' | 'invalid_state'> {
    const from: Record<typeof decision, ReportStatus> = { validate: 'submitted', return: 'submitted', reopen: 'validated' };
    const to: Record<typeof decision, ReportStatus> = { validate: 'validated', return: 'returned', reopen: 'returned' };
    if (report.status !== from[decision]) return 'invalid_state';
    const now = writeTimestamp(this.clock.now());
    try {
      await this.db.transaction(async (trx) => {
        const ok = await this.repos.reporting.updateReport(trx, report.id, version, {
          status: to[decision], reviewed_by: actor.userId, reviewed_at: now, reason: decision === 'validate' ? null : reason, updated_at: now,
        });
        if (!ok) throw new StaleVersion();
        await this.repos.reporting.addRevisions(trx, [{
          pole_id: report.pole_id, year: report.year, quarter: report.quarter, indicator_id: null, category: '', action: decision,
          old_value_scaled: null, new_value_scaled: null, old_not_available: null, new_not_available: null, old_comment: null, new_comment: null,
          old_na_reason: null, new_na_reason: null, old_status: report.status, new_status: to[decision], reason: decision === 'validate' ? null : reason,
          actor_id: actor.userId, request_id: actor.requestId ?? null, created_at: now,
        }]);
        // A staff decision is also a staff change: it goes to the audit journal.
        await this.repos.audit.record(trx, {
          actorId: actor.userId, action: `report.${decision}`, entity: 'quarter_report', entityId: report.id,
          before: { status: report.status, reason: report.reason }, after: { status: to[decision], reason: decision === 'validate' ? null : reason },
          requestId: actor.requestId,
        });
      });
    } catch (err) {
      if (err instanceof StaleVersion) return 'conflict';
      throw err;
    }
    return 'done';
  }
}
