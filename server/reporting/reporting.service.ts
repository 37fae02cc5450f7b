import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import { isUniqueViolation, writeTimestamp } from '../db/dialect.ts';
import { NotFound, StaleVersion } from '../http/errors.ts';
import type { IndicatorsRepo, IndicatorRow } from '../indicators/indicators.repo.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { AggregatesRepo } from '../aggregates/aggregates.repo.ts';
import type { PoleRow } from '../poles/poles.repo.ts';
import {
  deadline,
  indicatorApplies,
  previousQuarter,
  quarterIndex,
  quarterLastDay,
  reportingQuarters,
  sameQuarter,
  sameQuarterLastYear,
  type Quarter,
} from '../lib/quarters.ts';
import { checkEntry, field, lineKey, type EntryContext, type EntryIndicator, type LineToStore, type RatioRule } from './entry-rules.ts';
import { scaledToInput } from '../lib/decimal.ts';
import { inFormOrder, inPageOrder } from './page-order.ts';
import { writePlan } from './report-writer.ts';
import { controlCharProblem, normaliseNewlines } from '../lib/text.ts';
import { type ReportingRepo, type ReportRow, type ReportStatus, type ValueRow } from './reporting.repo.ts';
import { t } from '../i18n/messages.ts';
import type { PersonActor as Actor } from '../lib/actor.ts';
// The rows handlers show, named here so that a handler imports services, never repos.
export type { ReportRow, ValueRow } from './reporting.repo.ts';

export interface SavePlan {
  pole: PoleRow;
  q: Quarter;
  existing: ReportRow | undefined;
  lines: LineToStore[];
  flags: string[];
  current: ValueRow[];
  keyOf: (v: ValueRow) => string;
  highlights: string;
  difficulties: string;
  status: ReportStatus;
  formToken: string;
  formDigest: string;
  source: 'form' | 'import';
  /** What blocks a submission but was stored in the draft all the same, by field. */
  warnings: Record<string, string>;
}

export interface PrepareOptions {
  submit: boolean;
  checkVersion: boolean;
  /** 'import' records revisions as imports. */
  source?: 'form' | 'import';
  /** Forces the resulting status (a staff import of past years may load them as validated). */
  status?: ReportStatus;
}

export type PrepareOutcome = Exclude<SaveOutcome, { kind: 'saved'; duplicate: false }> | { kind: 'ready'; plan: SavePlan };

// A union rather than thrown errors: the entry form's conflict page shows the stored values beside the typed ones.
export type SaveOutcome =
  | { kind: 'saved'; status: ReportStatus; duplicate: boolean; warnings?: number }
  | { kind: 'invalid'; errors: Record<string, string>; warnings?: Record<string, string> }
  | { kind: 'conflict'; report: ReportRow | undefined; stored: ValueRow[] }
  | { kind: 'locked'; status: ReportStatus };

const EDITABLE: (ReportStatus | undefined)[] = [undefined, 'draft', 'returned'];
const NARRATIVE_MAX = 5000;

/** The quarterly cycle: what a pole must report, saving and submitting its form, and staff review. */
export class ReportingService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly deadlineDays: number,
    private readonly repos: { reporting: ReportingRepo; indicators: IndicatorsRepo; audit: AuditRepo; aggregates: AggregatesRepo },
  ) {}

  /** Refuses (404) a quarter the pole does not report: before its first, after its archive date, or not ended. */
  assertReportable(pole: PoleRow, q: Quarter): void {
    if (!reportingQuarters(pole, this.clock.now()).some((x) => sameQuarter(x, q))) throw new NotFound();
  }

  /** The pole's report for the quarter, if one was ever saved. */
  report(pole: PoleRow, q: Quarter): Promise<ReportRow | undefined> {
    return this.repos.reporting.report(this.db, pole.id, q);
  }

  /** One indicator's revisions on the pole's quarter, oldest first; 404 for an unknown code. */
  async history(pole: PoleRow, q: Quarter, code: string) {
    const indicator = await this.repos.indicators.findByCode(this.db, code);
    if (!indicator) throw new NotFound();
    const revisions = await this.repos.reporting.revisions(this.db, { poleId: pole.id, q, indicatorId: indicator.id });
    return { indicator, revisions };
  }

  deadlineOf(q: Quarter) {
    return deadline(q, this.deadlineDays);
  }

  /** « en retard »: past the deadline and never submitted. Computed, never stored. */
  isLate(q: Quarter, status: ReportStatus | undefined): boolean {
    return (status === undefined || status === 'draft') && this.clock.now() > this.deadlineOf(q);
  }

  /** The pole's quarters, newest first, with their status, computed state and deadline. */
  async quarters(pole: PoleRow) {
    const reports = new Map((await this.repos.reporting.reportsOfPole(this.db, pole.id)).map((r) => [quarterIndex(r), r]));
    return reportingQuarters(pole, this.clock.now())
      .reverse()
      .map((q) => {
        const report = reports.get(quarterIndex(q));
        return {
          q,
          report,
          status: report?.status,
          late: this.isLate(q, report?.status),
          deadline: this.deadlineOf(q),
          editable: EDITABLE.includes(report?.status),
        };
      });
  }

  /** The indicators entered in a quarter (ratios are computed, never entered), in display order. */
  async applicableIndicators(q: Quarter): Promise<{ entry: EntryIndicator[]; rows: IndicatorRow[]; ratios: RatioRule[] }> {
    const all = await this.repos.indicators.list(this.db, { activeOnly: true });
    const categories = await this.repos.indicators.categories(this.db);
    const applicable = all.filter((i) => indicatorApplies(i, q));
    const rows = inFormOrder(applicable.filter((i) => i.kind !== 'ratio'));
    const byId = new Map(all.map((i) => [i.id, i]));
    const entry = rows.map((i) => ({
      id: i.id,
      code: i.code,
      label: i.label_fr,
      kind: i.kind as EntryIndicator['kind'],
      unit: i.unit,
      decimals: i.decimals,
      min: i.min_scaled,
      max: i.max_scaled,
      categories: categories.filter((c) => c.indicator_id === i.id).map((c) => ({ code: c.code, label: c.label_fr })),
    }));
    const ratios = applicable
      .filter((i) => i.kind === 'ratio' && i.numerator_id && i.denominator_id)
      .map((i) => ({
        label: i.label_fr,
        numerator: { code: byId.get(i.numerator_id!)!.code, category: i.numerator_category ?? '' },
        denominator: { code: byId.get(i.denominator_id!)!.code, category: i.denominator_category ?? '' },
      }));
    return { entry, rows, ratios };
  }

  /** Everything the entry rules need to judge a form for this pole and quarter. */
  async context(pole: PoleRow, q: Quarter) {
    const { entry, rows, ratios } = await this.applicableIndicators(q);
    const codeOf = new Map(entry.map((i) => [i.id, i.code]));
    const keyOf = (v: ValueRow) => lineKey(codeOf.get(v.indicator_id) ?? `#${v.indicator_id}`, v.category);
    const prevQ = previousQuarter(q);
    const lastYearQ = sameQuarterLastYear(q);
    const first = { year: pole.first_report_year, quarter: pole.first_report_quarter };
    const [history, current, pastQuarters, register] = await Promise.all([
      this.repos.reporting.valuesBetween(this.db, pole.id, first, prevQ),
      this.repos.reporting.values(this.db, pole.id, q),
      this.repos.reporting.pastReportCount(this.db, pole.id, q),
      this.repos.reporting.registerCounts(this.db, pole.id, quarterLastDay(q)),
    ]);
    const previous = new Map<string, number>();
    const lastYear = new Map<string, ValueRow>();
    const previousRows = new Map<string, ValueRow>();
    const maxPastFlow = new Map<string, number>();
    for (const v of history) {
      const k = keyOf(v);
      if (sameQuarter(v, prevQ)) {
        previousRows.set(k, v);
        if (v.value_scaled !== null) previous.set(k, v.value_scaled);
      }
      if (sameQuarter(v, lastYearQ)) lastYear.set(k, v);
      if (v.value_scaled !== null) maxPastFlow.set(k, Math.max(maxPastFlow.get(k) ?? 0, v.value_scaled));
    }
    const stored = new Map(
      current.map((v) => [
        keyOf(v),
        { value: v.value_scaled, notAvailable: v.not_available, naReason: v.na_reason, comment: v.comment, carriedOver: v.carried_over },
      ]),
    );
    const members = entry.find((i) => i.code === 'MEMBRES');
    let registerMap: Map<string, number> | null = null;
    if (members) {
      registerMap = new Map([[lineKey('MEMBRES'), [...register.values()].reduce((a, b) => a + b, 0)]]);
      for (const c of members.categories) registerMap.set(lineKey('MEMBRES', c.code), register.get(c.code) ?? 0);
    }
    const ctx: EntryContext = { indicators: entry, ratios, previous, maxPastFlow, pastQuarters, register: registerMap, stored };
    return { ctx, rows, current, previousRows, lastYear, keyOf };
  }

  /** A fresh nonce for a rendered form: a second submission of the same form is recognised. */
  newFormToken(): string {
    return randomUUID();
  }

  /**
   * Judges a form (or an imported file turned into the same fields) without writing: all or nothing.
   * `checkVersion` compares the form's version with the stored report (the entry form); an import reads
   * the current version instead. A submitted or validated quarter is locked.
   */
  async prepare(pole: PoleRow, q: Quarter, body: Record<string, unknown>, opts: PrepareOptions): Promise<PrepareOutcome> {
    const formToken = typeof body.form_token === 'string' ? body.form_token.slice(0, 64) : '';
    const formDigest = contentDigest(body, opts.submit);
    const existing = await this.repos.reporting.report(this.db, pole.id, q);
    if (existing && formToken && existing.last_form_token === formToken) {
      // The same rendered form again: a double click is a duplicate, but a corrected form posted under the
      // old token must not be answered « enregistré » while the first values stay: the 409 shows both.
      if (existing.last_form_digest === formDigest) return { kind: 'saved', status: existing.status, duplicate: true };
      return { kind: 'conflict', report: existing, stored: await this.repos.reporting.values(this.db, pole.id, q) };
    }
    if (opts.checkVersion && (existing?.version ?? 0) !== Number(body.version ?? '0')) {
      return { kind: 'conflict', report: existing, stored: await this.repos.reporting.values(this.db, pole.id, q) };
    }
    if (!EDITABLE.includes(existing?.status)) return { kind: 'locked', status: existing!.status };

    const { ctx, current, keyOf } = await this.context(pole, q);
    const highlights = typeof body.highlights === 'string' ? normaliseNewlines(body.highlights).trim() : '';
    const difficulties = typeof body.difficulties === 'string' ? normaliseNewlines(body.difficulties).trim() : '';
    const result = checkEntry(body, ctx, opts.submit);
    // Only the manager's own draft stores a form with warnings: an import, or a status forced by staff,
    // is held to every rule, as a submission is.
    const strict = opts.submit || opts.source === 'import' || opts.status !== undefined;
    const errors = { ...(result.ok ? {} : result.errors), ...(strict ? result.warnings : {}) };
    const warnings = strict ? {} : result.warnings;
    if (highlights.length > NARRATIVE_MAX) errors.highlights = t('form.tooLong', { max: NARRATIVE_MAX });
    if (difficulties.length > NARRATIVE_MAX) errors.difficulties = t('form.tooLong', { max: NARRATIVE_MAX });
    for (const [name, text] of [
      ['highlights', highlights],
      ['difficulties', difficulties],
    ] as const) {
      const problem = controlCharProblem(text);
      if (problem) errors[name] ??= problem;
    }
    if (!result.ok || Object.keys(errors).length) return { kind: 'invalid', errors: inPageOrder(errors, ctx), warnings };
    const status: ReportStatus = opts.status ?? (opts.submit ? 'submitted' : (existing?.status ?? 'draft'));
    return {
      kind: 'ready',
      plan: {
        pole,
        q,
        existing,
        lines: result.lines,
        flags: result.flags,
        current,
        keyOf,
        highlights,
        difficulties,
        status,
        formToken,
        formDigest,
        source: opts.source ?? 'form',
        warnings,
      },
    };
  }

  /** Saves the manager's form, and submits it when asked: prepare, then one short transaction. */
  async save(pole: PoleRow, q: Quarter, body: Record<string, unknown>, submit: boolean, actor: Actor): Promise<SaveOutcome> {
    const prepared = await this.prepare(pole, q, body, { submit, checkVersion: true });
    if (prepared.kind !== 'ready') return prepared;
    const outcome = await this.applyAll([prepared.plan], actor);
    return outcome.kind === 'saved' ? { ...outcome, warnings: Object.keys(prepared.plan.warnings).length } : outcome;
  }

  /** What the stored draft still lacks before « Soumettre » (a comment asked for, a total to match), by field. */
  draftWarnings(ctx: EntryContext, report: ReportRow | undefined): Record<string, string> {
    if (!EDITABLE.includes(report?.status)) return {};
    const result = checkEntry(this.bodyOf(ctx, report), ctx, false);
    return inPageOrder({ ...result.warnings }, ctx);
  }

  /**
   * Writes prepared plans in one transaction: all or nothing (an import of many poles and quarters uses
   * the same path as the form). A plan whose report moved on since it was prepared makes the whole
   * transaction roll back and answers conflict.
   */
  async applyAll(plans: SavePlan[], actor: Actor, alsoInTransaction?: (trx: Knex.Transaction) => Promise<void>): Promise<SaveOutcome> {
    const now = writeTimestamp(this.clock.now());
    try {
      await this.db.transaction(async (trx) => {
        for (const plan of plans) await writePlan(trx, this.repos, plan, actor, now);
        // A caller's own bookkeeping (an import batch marked applied) commits with the values, or not at all.
        await alsoInTransaction?.(trx);
      });
    } catch (err) {
      if (err instanceof StaleVersion || isUniqueViolation(err)) {
        const first = plans[0];
        return {
          kind: 'conflict',
          report: await this.repos.reporting.report(this.db, first.pole.id, first.q),
          stored: await this.repos.reporting.values(this.db, first.pole.id, first.q),
        };
      }
      throw err;
    }
    return { kind: 'saved', status: plans[plans.length - 1]?.status ?? 'draft', duplicate: false };
  }

  /** The stored quarter as form fields: an import overlays its file on it, so values it omits stay. */
  async storedAsBody(pole: PoleRow, q: Quarter): Promise<Record<string, string>> {
    const [{ ctx }, report] = await Promise.all([this.context(pole, q), this.repos.reporting.report(this.db, pole.id, q)]);
    return this.bodyOf(ctx, report);
  }

  private bodyOf(ctx: EntryContext, report: ReportRow | undefined): Record<string, string> {
    const body: Record<string, string> = { highlights: report?.highlights ?? '', difficulties: report?.difficulties ?? '' };
    for (const ind of ctx.indicators) {
      for (const category of ['', ...ind.categories.map((c) => c.code)]) {
        const st = ctx.stored.get(lineKey(ind.code, category));
        if (!st) continue;
        if (st.notAvailable) {
          body[field.na(ind.code)] = '1';
          body[field.naReason(ind.code)] = st.naReason;
        } else body[field.value(ind.code, category)] = scaledToInput(st.value);
        if (!category && st.comment) body[field.comment(ind.code)] = st.comment;
        if (!category && st.carriedOver === false && ind.kind === 'stock') body[field.confirm(ind.code)] = '1';
      }
    }
    return body;
  }
}

/**
 * A digest of what a form asks for: every field but the CSRF token, the form token and the version
 * (the same rendered form carries the same ones), with the action, sorted so the order of fields does not
 * matter.
 */
function contentDigest(body: Record<string, unknown>, submit: boolean): string {
  const content = Object.keys(body)
    .filter((k) => k !== '_csrf' && k !== 'form_token' && k !== 'version' && k !== 'action')
    .sort()
    .map((k) => [k, body[k]]);
  return createHash('sha256').update(JSON.stringify({ submit, content })).digest('hex');
}
