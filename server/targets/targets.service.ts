// Targets of one pole and year: the form staff fill (every indicator on one page) and the proposals a
// manager makes for next year, all or nothing, audited. Progress is read by target-progress.service.ts.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { Base, StoredAggregate } from '../aggregates/aggregates.repo.ts';
import { isUniqueViolation, writeTimestamp } from '../db/dialect.ts';
import { StaleVersion, ValidationError } from '../http/errors.ts';
import { t } from '../i18n/messages.ts';
import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import { SCALE } from '../lib/decimal.ts';
import { quarterIndex } from '../lib/quarters.ts';
import type { IndicatorRow, IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { PoleRow } from '../poles/poles.repo.ts';
import { parseValue, type NumberRule } from '../reporting/entry-number.ts';
import type { TargetRow, TargetsRepo, TargetStatus } from './targets.repo.ts';

/** The form's field for an indicator's target. */
export const targetField = (code: string) => `o.${code}`;

/** Decimals a target is written with: a rate or a score aims at a level between whole values (« 3,5 »). */
export const targetDecimals = (ind: Pick<IndicatorRow, 'kind' | 'decimals'>) =>
  ind.kind === 'ratio' || ind.kind === 'score' ? Math.max(1, ind.decimals) : ind.decimals;

/** The years a target covers: one (`first` = `last`), or a convention's span. */
export interface Span {
  first: number;
  last: number;
}
export const MAX_SPAN_YEARS = 6;

/** The years a target may be set for: from ten years back to five ahead of this one (Paris time). */
export function targetYears(clock: Clock): { min: number; max: number; current: number } {
  const current = clock.now().setZone('Europe/Paris').year;
  return { min: current - 10, max: current + 5, current };
}

/** A flow's target over `years` may reach that many years of quarters' bound; levels keep the quarter's bounds. */
function rule(ind: IndicatorRow, years: number): NumberRule {
  const unit = ind.unit as NumberRule['unit'];
  const decimals = targetDecimals(ind);
  if (ind.kind === 'flow') return { unit, decimals, min: ind.min_scaled, max: ind.max_scaled === null ? null : ind.max_scaled * 4 * years };
  if (ind.kind === 'ratio') return { unit, decimals, min: ind.min_scaled ?? 0, max: ind.max_scaled ?? 100 * SCALE };
  return { unit, decimals, min: ind.min_scaled, max: ind.max_scaled };
}

/** A target as typed (a form's field, a file's cell), by its indicator's rules over `years` years. */
export const parseTarget = (ind: IndicatorRow, text: string, years: number) => parseValue(text, rule(ind, years));

/** One target to set or remove, judged elsewhere (a spreadsheet import): `before` is the row it was judged on. */
export interface PlannedTarget {
  pole: PoleRow;
  indicator: IndicatorRow;
  span: Span;
  before: TargetRow | undefined;
  value: number | null;
}

/** The period a target covers: the year to date at the last consolidated quarter, or the whole year. */
export function targetWindow(year: number, lastConsolidated: number | null): { end: number; elapsed: number } | null {
  const first = quarterIndex({ year, quarter: 1 });
  if (lastConsolidated === null || lastConsolidated < first) return null;
  const end = Math.min(lastConsolidated, quarterIndex({ year, quarter: 4 }));
  return { end, elapsed: end - first + 1 };
}

export interface TargetLine {
  indicator: IndicatorRow;
  target: TargetRow | null;
  previousTarget: TargetRow | null;
  previousActual: number | null;
}

export class TargetsService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: { targets: TargetsRepo; indicators: IndicatorsRepo; audit: AuditRepo; aggregatesRead: AggregatesReadRepo },
  ) {}

  /**
   * A convention's form: each indicator's target over the span (never the sum of the annual ones, which may
   * differ), with the state's digest.
   */
  async formSpan(pole: PoleRow, span: Span): Promise<{ lines: TargetLine[]; digest: string }> {
    const [indicators, current] = await Promise.all([this.indicators(), this.spanTargets(this.db, pole, span)]);
    const byIndicator = new Map(current.map((x) => [x.indicator_id, x]));
    return {
      lines: indicators.map((indicator) => ({
        indicator,
        target: byIndicator.get(indicator.id) ?? null,
        previousTarget: null,
        previousActual: null,
      })),
      digest: digestOf(current),
    };
  }

  /** Staff set a convention's targets over its span, as a year's: all or nothing, audited. */
  async saveSpan(pole: PoleRow, span: Span, body: Record<string, unknown>, digest: string, actor: Actor): Promise<number> {
    return this.write(pole, span, body, digest, actor, 'validated');
  }

  /** The spans (conventions) a pole has targets for, newest first. */
  async spansOf(pole: PoleRow): Promise<Span[]> {
    const rows = await this.repos.targets.ofPole(this.db, pole.id, [2000, 2100]);
    const keys = new Set(rows.filter((r) => r.first_year !== r.last_year).map((r) => `${r.first_year}-${r.last_year}`));
    return [...keys].map((k) => ({ first: Number(k.split('-')[0]), last: Number(k.split('-')[1]) })).sort((a, b) => b.first - a.first);
  }

  private async spanTargets(db: Knex, pole: PoleRow, span: Span): Promise<TargetRow[]> {
    return (await this.repos.targets.ofPole(db, pole.id, [span.first, span.last])).filter(
      (x) => x.first_year === span.first && x.last_year === span.last,
    );
  }

  /** Indicators a target can be set for: the active ones, in the catalogue's order. */
  private async indicators(): Promise<IndicatorRow[]> {
    return this.repos.indicators.list(this.db, { activeOnly: true });
  }

  /** What the form shows: each indicator with its target, last year's target and actual, and the state's digest. */
  async form(pole: PoleRow, year: number): Promise<{ lines: TargetLine[]; digest: string }> {
    const [indicators, targets] = await Promise.all([this.indicators(), this.repos.targets.ofPole(this.db, pole.id, [year - 1, year])]);
    const annual = (y: number) => new Map(targets.filter((x) => x.first_year === y && x.last_year === y).map((x) => [x.indicator_id, x]));
    const current = annual(year);
    const previous = annual(year - 1);
    const actuals = await this.yearActuals(pole, year - 1, 'validated');
    return {
      lines: indicators.map((indicator) => ({
        indicator,
        target: current.get(indicator.id) ?? null,
        previousTarget: previous.get(indicator.id) ?? null,
        previousActual: actuals.get(indicator.id)?.value ?? null,
      })),
      digest: digestOf([...current.values()]),
    };
  }

  /** A pole's figures over a whole year (or its part already closed), per indicator. */
  private async yearActuals(pole: PoleRow, year: number, base: Base): Promise<Map<number, StoredAggregate>> {
    const end = quarterIndex({ year, quarter: 4 });
    const rows = await this.repos.aggregatesRead.read(this.db, {
      base,
      level: 'pole',
      areas: [String(pole.id)],
      category: '',
      grain: 'year',
      fromIndex: end,
      toIndex: end,
    });
    return new Map(rows.map((r) => [r.indicatorId, r]));
  }

  /**
   * Staff set the year's targets: every field at once, all or nothing. An empty field removes a target;
   * a proposal a manager made becomes validated (by this staff member) when kept or changed.
   */
  async saveYear(pole: PoleRow, year: number, body: Record<string, unknown>, digest: string, actor: Actor): Promise<number> {
    return this.write(pole, { first: year, last: year }, body, digest, actor, 'validated');
  }

  /** A manager proposes next year's targets; staff validate them. A validated target stays as it is. */
  async propose(pole: PoleRow, year: number, body: Record<string, unknown>, digest: string, actor: Actor): Promise<number> {
    return this.write(pole, { first: year, last: year }, body, digest, actor, 'proposed');
  }

  /**
   * Targets judged by an import, validated by this staff member: all in one transaction with `within` (the
   * batch marked applied), audited as the form's. A target that moved on since it was judged (another
   * form, another import) stops everything: StaleVersion.
   */
  async applyPlanned(items: PlannedTarget[], actor: Actor, within: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
    const now = writeTimestamp(this.clock.now());
    try {
      await this.db.transaction(async (trx) => {
        const current = new Map<string, Map<number, TargetRow>>();
        for (const it of items) {
          const key = `${it.pole.id}|${it.span.first}|${it.span.last}`;
          if (!current.has(key)) current.set(key, new Map((await this.spanTargets(trx, it.pole, it.span)).map((x) => [x.indicator_id, x])));
          const stored = current.get(key)!.get(it.indicator.id);
          if (stored?.id !== it.before?.id || stored?.version !== it.before?.version) throw new StaleVersion();
          await this.apply(trx, it.pole, it.indicator, it.span, it.before, it.value, 'validated', actor, now);
        }
        await within(trx);
      });
    } catch (err) {
      // Another import or form inserted the same target meanwhile (PostgreSQL lets both transactions run).
      if (isUniqueViolation(err)) throw new StaleVersion();
      throw err;
    }
  }

  private async write(pole: PoleRow, span: Span, body: Record<string, unknown>, digest: string, actor: Actor, status: TargetStatus) {
    const indicators = await this.indicators();
    const errors: Record<string, string> = {};
    const typed = new Map<number, number | null>();
    for (const ind of indicators) {
      const raw = body[targetField(ind.code)];
      // A field sent twice (or not as text) is refused, never read as empty: an empty field removes a target.
      if (raw !== undefined && typeof raw !== 'string') {
        errors[targetField(ind.code)] = t('targets.error.repeated');
        continue;
      }
      const text = raw ?? '';
      const parsed = parseTarget(ind, text, span.last - span.first + 1);
      if (parsed && 'error' in parsed) errors[targetField(ind.code)] = parsed.error;
      else typed.set(ind.id, parsed ? parsed.value : null);
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const now = writeTimestamp(this.clock.now());
    let changed = 0;
    await this.db.transaction(async (trx) => {
      const current = await this.spanTargets(trx, pole, span);
      if (digestOf(current) !== digest) throw new StaleVersion();
      const byIndicator = new Map(current.map((x) => [x.indicator_id, x]));
      for (const ind of indicators) {
        const value = typed.get(ind.id) ?? null;
        const before = byIndicator.get(ind.id);
        // A manager never changes nor removes what staff validated.
        if (status === 'proposed' && before?.status === 'validated') {
          if (value !== before.value_scaled) errors[targetField(ind.code)] = t('targets.error.validatedByStaff');
          continue;
        }
        const after = await this.apply(trx, pole, ind, span, before, value, status, actor, now);
        if (after !== 'same') changed++;
      }
      if (Object.keys(errors).length) throw new ValidationError(errors);
    });
    return changed;
  }

  private async apply(
    trx: Knex.Transaction,
    pole: PoleRow,
    ind: IndicatorRow,
    span: Span,
    before: TargetRow | undefined,
    value: number | null,
    status: TargetStatus,
    actor: Actor,
    now: string,
  ): Promise<'same' | 'changed'> {
    if (value === null && !before) return 'same';
    if (before && value === before.value_scaled && before.status === status) return 'same';
    const who =
      status === 'validated' ? { validated_by: actor.userId, validated_at: now } : { proposed_by: actor.userId, proposed_at: now };
    let id = before?.id;
    if (value === null) {
      if (!(await this.repos.targets.remove(trx, before!.id, before!.version))) throw new StaleVersion();
    } else if (before) {
      if (!(await this.repos.targets.update(trx, before.id, before.version, { value_scaled: value, status, ...who, updated_at: now })))
        throw new StaleVersion();
    } else {
      id = await this.repos.targets.insert(trx, {
        pole_id: pole.id,
        indicator_id: ind.id,
        first_year: span.first,
        last_year: span.last,
        value_scaled: value,
        status,
        proposed_by: null,
        proposed_at: null,
        validated_by: null,
        validated_at: null,
        ...who,
        version: 1,
        created_at: now,
        updated_at: now,
      });
    }
    const year = span.first === span.last ? span.first : `${span.first}–${span.last}`;
    await this.repos.audit.record(trx, {
      actorId: actor.userId,
      action: value === null ? 'target.delete' : status === 'proposed' ? 'target.propose' : 'target.set',
      // Recorded on the pole (its journal names and links it, even once a removed target is gone).
      entity: 'pole',
      entityId: pole.id,
      before: before ? { target: id, indicator: ind.code, year, value: before.value_scaled, status: before.status } : null,
      after: value === null ? null : { target: id, indicator: ind.code, year, value, status },
      requestId: actor.requestId,
    });
    return 'changed';
  }
}

/** The state a form was drawn from: any change to the year's targets since makes its post a conflict. */
function digestOf(rows: TargetRow[]): string {
  const state = rows.map((r) => `${r.id}:${r.version}`).sort();
  return createHash('sha256').update(state.join(',')).digest('hex').slice(0, 32);
}
