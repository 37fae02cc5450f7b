import type { Knex } from 'knex';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import { isPostgres, isUniqueViolation, writeTimestamp } from '../db/dialect.ts';
import type { SummaryService } from '../exports/summary.service.ts';
import type { SummaryPeriod } from '../exports/summary.types.ts';
import { NotFound, StaleVersion, ValidationError } from '../http/errors.ts';
import type { Clock } from '../lib/clock.ts';
import { diffSummaries, type PublicationDiff } from './publication-diff.ts';
import { periodLabel } from '../lib/quarters.ts';
import { isPublishable } from './publication-period.ts';
import type { Publication, PublicationHead, PublicationsRepo } from './publications.repo.ts';
import type { PublishForm } from './publications.schema.ts';
import { t } from '../i18n/messages.ts';
import type { PersonActor as Actor } from '../lib/actor.ts';

/** A refusal to publish that carries the field it is about (re-rendered next to it). */
class ReasonRequired extends Error {}

/**
 * Publications: staff freeze the national summary of a quarter or a year as a numbered version. A version
 * is never changed; a correction is the next version, with its reason.
 */
export class PublicationsService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: { publications: PublicationsRepo; audit: AuditRepo; aggregatesRead: AggregatesReadRepo },
    private readonly summaries: Pick<SummaryService, 'national'>,
  ) {}

  /** Changes saved but not yet in the aggregates: they would not be in a publication made now. */
  async pendingChanges(): Promise<number> {
    return (await this.repos.aggregatesRead.freshness(this.db)).pending;
  }

  /** Every version of every period, newest first. */
  list(): Promise<PublicationHead[]> {
    return this.repos.publications.list(this.db);
  }

  /** Every version of one period, newest first. */
  versions(period: SummaryPeriod): Promise<PublicationHead[]> {
    return this.repos.publications.versionsOf(this.db, period);
  }

  /** One version with its frozen summary; NotFound when it does not exist. */
  async get(period: SummaryPeriod, version: number): Promise<Publication> {
    const p = await this.repos.publications.find(this.db, period, version);
    if (!p) throw new NotFound();
    return p;
  }

  /** The number the next publication of `period` will take. */
  async nextVersion(period: SummaryPeriod): Promise<number> {
    return (await this.repos.publications.latestVersion(this.db, period)) + 1;
  }

  /** Whether staff may publish the period now (it has ended). */
  isPublishable(period: SummaryPeriod): boolean {
    return isPublishable(period, this.clock.now());
  }

  /**
   * Publishes the validated national summary of a period as its next version, audited in the same
   * transaction. Throws ValidationError (period not ended, reason missing from version 2) or StaleVersion
   * (another version was published since the form was shown, or at the same moment).
   */
  async publish(form: PublishForm, actor: Actor): Promise<{ period: SummaryPeriod; version: number }> {
    const period = form.periode;
    if (!this.isPublishable(period)) {
      throw new ValidationError({ periode: t('publications.error.periodOpen') });
    }
    // A quick answer before reading the aggregates; the transaction below decides for good.
    const next = await this.nextVersion(period);
    if (form.version_attendue !== undefined && form.version_attendue !== next) throw new StaleVersion();
    if (next > 1 && !form.motif) throw reasonRequired(next);
    // Publishing consolidates the period (server/aggregates/closure.ts): the frozen summary is not provisional.
    const summary = { ...(await this.summaries.national(period, 'validated')), provisional: false };
    const publishedAt = writeTimestamp(this.clock.now());
    try {
      return await this.db.transaction(async (trx) => {
        // The write comes first (SQLite: no read-then-write upgrade); the number is the next one, atomically.
        const { id, version } = await this.repos.publications.insertNext(trx, {
          period,
          summary,
          reason: form.motif,
          authorId: actor.userId,
          publishedAt,
        });
        if (version !== next) throw new StaleVersion();
        if (version > 1 && !form.motif) throw new ReasonRequired();
        await this.repos.audit.record(trx, {
          actorId: actor.userId,
          action: 'publication.publish',
          entity: 'publication',
          entityId: id,
          before: null,
          after: { period: periodLabel(period), version, reason: form.motif, base: summary.base, computedAt: summary.computedAt },
          requestId: actor.requestId,
        });
        return { period, version };
      });
    } catch (err) {
      // Two publishes at the same moment: the unique key (period, version) lets only one through.
      if (isUniqueViolation(err) || isSerializationFailure(this.db, err)) throw new StaleVersion();
      if (err instanceof ReasonRequired) throw reasonRequired(next);
      throw err;
    }
  }

  /** Version N beside N−1: what changed, and the reason given. NotFound for version 1 or a missing one. */
  async changes(period: SummaryPeriod, version: number): Promise<{ current: Publication; previous: Publication; diff: PublicationDiff }> {
    if (version < 2) throw new NotFound();
    const [current, previous] = await Promise.all([this.get(period, version), this.get(period, version - 1)]);
    return { current, previous, diff: diffSummaries(previous.summary, current.summary) };
  }
}

function reasonRequired(version: number): ValidationError {
  return new ValidationError({ motif: t('publications.error.reasonRequired', { version }) });
}

function isSerializationFailure(db: Knex, err: unknown): boolean {
  return isPostgres(db) && (err as { code?: string })?.code === '40001';
}
