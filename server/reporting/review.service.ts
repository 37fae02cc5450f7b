import type { Knex } from 'knex';
import type { AggregatesRepo } from '../aggregates/aggregates.repo.ts';
import { percent } from '../aggregates/semantics.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import { shareText } from '../aggregates/completeness.ts';
import { readTimestamp, writeTimestamp } from '../db/dialect.ts';
import { StaleVersion } from '../http/errors.ts';
import type { IndicatorRow, IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { Clock } from '../lib/clock.ts';
import { daysAfter, indicatorApplies, reportingQuarters, sameQuarter, type Quarter } from '../lib/quarters.ts';
import type { PoleRow } from '../poles/poles.repo.ts';
import { lineKey, type StoredLine } from './entry-rules.ts';
import {
  revisionBase,
  revisionRow,
  type ReportingRepo,
  type ReportRow,
  type ReportStatus,
  type RevisionRow,
  type ValueRow,
} from './reporting.repo.ts';
import type { PersonActor as Actor } from '../lib/actor.ts';
import type { ReportingService } from './reporting.service.ts';
import { reviewFlags } from './review-flags.ts';
import type { QueueFilter, ReviewRepo } from './review.repo.ts';
import type { NoticesService } from '../notices/notices.service.ts';

/** What decides lateness and deadlines (ReportingService): passed in, so the rule lives in one place. */
export type LatenessRule = Pick<ReportingService, 'isLate' | 'deadlineOf'>;
export type QuarterContext = Awaited<ReturnType<ReportingService['context']>>;

/** One figure of a quarter: a value, « non disponible » with its reason, or nothing stored (null). */
export interface Cell {
  value: number | null;
  notAvailable: boolean;
  naReason: string;
}

/** One row of the review sheet: an indicator, one of its categories, or a computed ratio. */
export interface SheetLine {
  key: string; // 'CODE' or 'CODE.category'
  code: string;
  label: string;
  unit: string;
  decimals: number;
  part: boolean;
  computed: boolean;
  cells: (Cell | null)[]; // this quarter, previous quarter, same quarter last year
  comment: string;
  carried: boolean;
  flags: string[];
}

const QUEUE_LIMIT = 500;
const fromStored = (s: StoredLine | undefined): Cell | null =>
  s ? { value: s.value, notAvailable: s.notAvailable, naReason: s.naReason } : null;
const fromRow = (v: ValueRow | undefined): Cell | null =>
  v ? { value: v.value_scaled, notAvailable: v.not_available, naReason: v.na_reason } : null;

/**
 * A percentage recomputed from its two stored components (never stored itself), by the aggregation
 * semantics' own rule, so that the review page and the dashboards cannot round it differently.
 */
function percentCell(num: Cell | null, den: Cell | null): Cell | null {
  if (!num || !den || num.value === null || den.value === null) return null;
  const value = percent(num.value, den.value);
  return value === null ? null : { value, notAvailable: false, naReason: '' };
}

/** Staff review of submitted quarters: decisions, each a revision and an audit row. */
export class ReviewService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: {
      reporting: ReportingRepo;
      audit: AuditRepo;
      indicators: IndicatorsRepo;
      review: ReviewRepo;
      aggregates: AggregatesRepo;
    },
    /** Tells the pole's managers about each decision (a notice and messages, in the decision's transaction). */
    private readonly notices: Pick<NoticesService, 'recordDecision'>,
  ) {}

  /** The display names of the given users (submitter, reviewer), by id. */
  displayNames(ids: (number | null)[]): Promise<Map<number, string>> {
    return this.repos.review.displayNames(this.db, ids);
  }

  /** Staff decisions: validate a submitted quarter, return it with a reason, or reopen a validated one. */
  // An outcome, not thrown errors: callers outside HTTP (fixtures, the notices' tests) read it as a value.
  async decide(
    report: ReportRow,
    decision: 'validate' | 'return' | 'reopen',
    version: number,
    reason: string,
    actor: Actor,
  ): Promise<'done' | 'conflict' | 'invalid_state'> {
    const from: Record<typeof decision, ReportStatus> = { validate: 'submitted', return: 'submitted', reopen: 'validated' };
    const to: Record<typeof decision, ReportStatus> = { validate: 'validated', return: 'returned', reopen: 'returned' };
    if (report.status !== from[decision]) return 'invalid_state';
    const now = writeTimestamp(this.clock.now());
    try {
      await this.db.transaction(async (trx) => {
        const ok = await this.repos.reporting.updateReport(trx, report.id, version, {
          status: to[decision],
          reviewed_by: actor.userId,
          reviewed_at: now,
          reason: decision === 'validate' ? null : reason,
          updated_at: now,
        });
        if (!ok) throw new StaleVersion();
        await this.repos.reporting.addRevisions(trx, [
          revisionRow(revisionBase(report.pole_id, report, actor, now), {
            action: decision,
            old_status: report.status,
            new_status: to[decision],
            reason: decision === 'validate' ? null : reason,
          }),
        ]);
        // The quarter's figures move (validated data is what dashboards show by default).
        await this.repos.aggregates.markDirty(
          trx,
          [{ pole_id: report.pole_id, indicator_id: null, year: report.year, quarter: report.quarter, reason: 'status' }],
          now,
        );
        // The managers hear of it: a notice with the reason, and a message each, or nothing at all.
        await this.notices.recordDecision(trx, {
          poleId: report.pole_id,
          q: report,
          decision,
          reason: decision === 'validate' ? null : reason,
          actorId: actor.userId,
        });
        // A staff decision is also a staff change: it goes to the audit journal.
        await this.repos.audit.record(trx, {
          actorId: actor.userId,
          action: `report.${decision}`,
          entity: 'quarter_report',
          entityId: report.id,
          before: { status: report.status, reason: report.reason },
          after: { status: to[decision], reason: decision === 'validate' ? null : reason },
          requestId: actor.requestId,
        });
      });
    } catch (err) {
      if (err instanceof StaleVersion) return 'conflict';
      throw err;
    }
    return 'done';
  }

  /** How many days after its deadline a quarter was submitted (0 when on time): the queue and the review page. */
  submittedLate(r: Quarter & { submitted_at: string | null }, rule: LatenessRule): number {
    return submittedLate(r, rule);
  }

  /** The staff queue: matching quarters, oldest submission first, each with its « en retard » state. */
  async queue(filter: QueueFilter, rule: LatenessRule) {
    const rows = await this.repos.review.queue(this.db, filter, QUEUE_LIMIT + 1);
    return {
      rows: rows.slice(0, QUEUE_LIMIT).map((r) => ({ ...r, late: rule.isLate(r, r.status), lateDays: submittedLate(r, rule) })),
      truncated: rows.length > QUEUE_LIMIT,
      limit: QUEUE_LIMIT,
    };
  }

  /** Every pole expected to report `q` with its status, late ones first, then by region and name; counts per region. */
  async completeness(q: Quarter, region: string | undefined, rule: LatenessRule) {
    const now = this.clock.now();
    const candidates = await this.repos.review.polesForQuarter(this.db, q, region);
    // Names compared in French in code: SQLite and PostgreSQL collate accents differently.
    const poles = candidates
      .filter((p) => reportingQuarters(p, now).some((x) => sameQuarter(x, q)))
      .map((p) => ({ ...p, late: rule.isLate(q, p.status ?? undefined) }))
      .sort(
        (a, b) => Number(b.late) - Number(a.late) || a.region_name.localeCompare(b.region_name, 'fr') || a.name.localeCompare(b.name, 'fr'),
      );
    const count = (code: string, name: string) => ({ code, name, expected: 0, submitted: 0, validated: 0, late: 0, exempt: 0 });
    const regions = new Map<string, ReturnType<typeof count>>();
    const total = count('', '');
    for (const p of poles) {
      const r = regions.get(p.region_code) ?? count(p.region_code, p.region_name);
      regions.set(p.region_code, r);
      for (const c of [r, total]) {
        // A quarter declared « sans objet » is listed, but not expected.
        if (p.status === 'exempt') {
          c.exempt++;
          continue;
        }
        c.expected++;
        if (p.status === 'submitted') c.submitted++;
        if (p.status === 'validated') c.validated++;
        if (p.late) c.late++;
      }
    }
    // The share of expected reports validated, as the closure of the quarter reads it.
    const withRate = <T extends { expected: number; validated: number }>(c: T) => ({
      ...c,
      validatedRate: c.expected ? shareText(c.validated, c.expected) : null,
    });
    const byName = [...regions.values()].sort((a, b) => a.name.localeCompare(b.name, 'fr')).map(withRate);
    return { poles, regions: byName, total: withRate(total), deadline: rule.deadlineOf(q) };
  }

  /** The review sheet: every applicable indicator with this quarter, the previous one and last year, comment and alerts. */
  async sheet(q: Quarter, context: QuarterContext): Promise<{ lines: SheetLine[]; flagCount: number }> {
    const { ctx, previousRows, lastYear } = context;
    const all = await this.repos.indicators.list(this.db, { activeOnly: true });
    const byId = new Map(all.map((i) => [i.id, i]));
    const entry = new Map(ctx.indicators.map((i) => [i.code, i]));
    const flags = reviewFlags(ctx);
    const at = (k: string): (Cell | null)[] => [fromStored(ctx.stored.get(k)), fromRow(previousRows.get(k)), fromRow(lastYear.get(k))];
    const lines: SheetLine[] = [];
    for (const row of all.filter((i) => indicatorApplies(i, q))) {
      const base = {
        key: row.code,
        code: row.code,
        label: row.label_fr,
        unit: row.unit,
        decimals: row.decimals,
        part: false,
        computed: false,
        comment: '',
        carried: false,
        flags: [] as string[],
      };
      if (row.kind === 'ratio') {
        const num = row.numerator_id ? byId.get(row.numerator_id) : undefined;
        const den = row.denominator_id ? byId.get(row.denominator_id) : undefined;
        if (!num || !den) continue;
        const n = at(lineKey(num.code, row.numerator_category ?? ''));
        const d = at(lineKey(den.code, row.denominator_category ?? ''));
        lines.push({ ...base, computed: true, cells: n.map((c, i) => percentCell(c, d[i])) });
        continue;
      }
      const ind = entry.get(row.code);
      if (!ind) continue;
      const stored = ctx.stored.get(lineKey(ind.code));
      lines.push({
        ...base,
        cells: at(lineKey(ind.code)),
        comment: stored?.comment ?? '',
        carried: ind.kind === 'stock' && Boolean(stored?.carriedOver),
        flags: flags.filter((f) => f.code === ind.code).map((f) => f.message),
      });
      for (const c of ind.categories)
        lines.push({ ...base, key: lineKey(ind.code, c.code), label: c.label, part: true, cells: at(lineKey(ind.code, c.code)) });
    }
    return { lines, flagCount: flags.length };
  }

  /**
   * The quarter's revisions, read once for its review page: the history, newest first (each named after
   * its indicator, the narrative, or the status change), and what changed since it was last returned (null
   * when it never was).
   */
  async revisionsOf(pole: PoleRow, q: Quarter) {
    const [revisions, indicators, categories] = await Promise.all([
      this.repos.reporting.revisions(this.db, { poleId: pole.id, q }),
      this.repos.indicators.list(this.db),
      this.repos.indicators.categories(this.db),
    ]);
    const byId = new Map<number, IndicatorRow>(indicators.map((i) => [i.id, i]));
    const categoryLabel = new Map(categories.map((c) => [`${c.indicator_id}.${c.code}`, c.label_fr]));
    const named = (r: RevisionRow) => {
      const ind = r.indicator_id !== null ? byId.get(r.indicator_id) : undefined;
      if (!ind) return null;
      const part = r.category ? (categoryLabel.get(`${ind.id}.${r.category}`) ?? r.category) : '';
      return { what: part ? `${ind.label_fr} — ${part}` : ind.label_fr, decimals: ind.decimals };
    };
    return { history: historyLines(revisions, named), sinceReturn: changesSinceReturn([...revisions].reverse(), named) };
  }
}

/** The history's lines, newest first, from the revisions and how each value's line is named. */
function historyLines<R extends RevisionRow & { actor_name: string | null }>(
  revisions: R[],
  named: (r: RevisionRow) => { what: string; decimals: number } | null,
) {
  return revisions.map((r) => {
    const line = named(r);
    const base = { id: r.id, when: r.created_at, who: r.actor_name, action: r.action };
    if (line) {
      return {
        ...base,
        kind: 'value' as const,
        what: line.what,
        decimals: line.decimals,
        cells: [
          { value: r.old_value_scaled, notAvailable: Boolean(r.old_not_available), naReason: r.old_na_reason ?? '' },
          { value: r.new_value_scaled, notAvailable: Boolean(r.new_not_available), naReason: r.new_na_reason ?? '' },
        ],
        why: r.new_not_available ? r.new_na_reason : r.new_comment,
      };
    }
    if (r.category === 'highlights' || r.category === 'difficulties')
      return { ...base, kind: 'narrative' as const, what: r.category, why: r.new_comment };
    return { ...base, kind: 'status' as const, oldStatus: r.old_status, newStatus: r.new_status, why: r.reason };
  });
}

/** One line changed since a return: its value and comment then and now. */
export interface ChangeSinceReturn {
  what: string;
  decimals: number;
  before: { value: number | null; notAvailable: boolean; comment: string };
  after: { value: number | null; notAvailable: boolean; comment: string };
}

/**
 * What the pole changed after the quarter's last return, line by line (the first value after the return
 * against the last): the revisions, oldest first, say it; a line changed and changed back is left out.
 * Null when the quarter was never returned.
 */
export function changesSinceReturn(
  oldestFirst: RevisionRow[],
  label: (r: RevisionRow) => { what: string; decimals: number } | null,
): ChangeSinceReturn[] | null {
  const lastReturn = oldestFirst.map((r) => r.new_status).lastIndexOf('returned');
  if (lastReturn < 0) return null;
  const lines = new Map<string, { first: RevisionRow; last: RevisionRow }>();
  for (const r of oldestFirst.slice(lastReturn + 1)) {
    if (r.indicator_id === null) continue;
    const key = `${r.indicator_id}.${r.category}`;
    lines.set(key, { first: lines.get(key)?.first ?? r, last: r });
  }
  const out: ChangeSinceReturn[] = [];
  for (const { first, last } of lines.values()) {
    const named = label(first);
    if (!named) continue;
    const before = { value: first.old_value_scaled, notAvailable: Boolean(first.old_not_available), comment: first.old_comment ?? '' };
    const after = { value: last.new_value_scaled, notAvailable: Boolean(last.new_not_available), comment: last.new_comment ?? '' };
    if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ ...named, before, after });
  }
  return out;
}

/** How many days after the deadline a quarter was submitted (0 when on time or not submitted). */
export function submittedLate(r: Quarter & { submitted_at: string | null }, rule: LatenessRule): number {
  const at = readTimestamp(r.submitted_at);
  if (!at) return 0;
  const deadlineAt = rule.deadlineOf(r);
  return at > deadlineAt ? Math.max(1, daysAfter(deadlineAt, at)) : 0;
}
