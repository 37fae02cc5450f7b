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
import { quarterIndex } from '../lib/quarters.ts';
import type { IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { PoleRow } from '../poles/poles.repo.ts';
import { parseTarget, targetField, targetKey, targetSlots, type Span, type TargetSlot } from './target-rules.ts';
import type { TargetRow, TargetsRepo, TargetStatus } from './targets.repo.ts';

/** One target to set or remove, judged elsewhere (a spreadsheet import): `before` is the row it was judged on. */
export interface PlannedTarget extends TargetSlot {
  pole: PoleRow;
  span: Span;
  before: TargetRow | undefined;
  value: number | null;
}

export interface TargetLine extends TargetSlot {
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
    const [slots, current] = await Promise.all([this.slots(), this.spanTargets(this.db, pole, span)]);
    const byKey = keyed(current);
    return {
      lines: slots.map((slot) => ({
        ...slot,
        target: byKey.get(slotKey(slot)) ?? null,
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

  /** What a target can be set for: each active indicator's total and categories, in the catalogue's order. */
  private async slots(): Promise<TargetSlot[]> {
    const [indicators, categories] = await Promise.all([
      this.repos.indicators.list(this.db, { activeOnly: true }),
      this.repos.indicators.categories(this.db),
    ]);
    return targetSlots(indicators, categories);
  }

  /** What the form shows: each indicator with its target, last year's target and actual, and the state's digest. */
  async form(pole: PoleRow, year: number): Promise<{ lines: TargetLine[]; digest: string }> {
    const [slots, targets] = await Promise.all([this.slots(), this.repos.targets.ofPole(this.db, pole.id, [year - 1, year])]);
    const annual = (y: number) => keyed(targets.filter((x) => x.first_year === y && x.last_year === y));
    const current = annual(year);
    const previous = annual(year - 1);
    const actuals = await this.yearActuals(pole, year - 1, 'validated');
    return {
      lines: slots.map((slot) => ({
        ...slot,
        target: current.get(slotKey(slot)) ?? null,
        previousTarget: previous.get(slotKey(slot)) ?? null,
        previousActual: actuals.get(slotKey(slot))?.value ?? null,
      })),
      digest: digestOf([...current.values()]),
    };
  }

  /** A pole's figures over a whole year (or its part already closed), per indicator and category. */
  private async yearActuals(pole: PoleRow, year: number, base: Base): Promise<Map<string, StoredAggregate>> {
    const end = quarterIndex({ year, quarter: 4 });
    const rows = await this.repos.aggregatesRead.read(this.db, {
      base,
      level: 'pole',
      areas: [String(pole.id)],
      grain: 'year',
      fromIndex: end,
      toIndex: end,
    });
    return new Map(rows.map((r) => [targetKey(r.indicatorId, r.category), r]));
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
        const current = new Map<string, Map<string, TargetRow>>();
        for (const it of items) {
          const key = `${it.pole.id}|${it.span.first}|${it.span.last}`;
          if (!current.has(key)) current.set(key, keyed(await this.spanTargets(trx, it.pole, it.span)));
          const stored = current.get(key)!.get(slotKey(it));
          if (stored?.id !== it.before?.id || stored?.version !== it.before?.version) throw new StaleVersion();
          await this.apply(trx, it, 'validated', actor, now);
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
    const slots = await this.slots();
    const errors: Record<string, string> = {};
    const typed = new Map<string, number | null>();
    for (const slot of slots) {
      const name = fieldOf(slot);
      const raw = body[name];
      // A field sent twice (or not as text) is refused, never read as empty: an empty field removes a target.
      if (raw !== undefined && typeof raw !== 'string') {
        errors[name] = t('targets.error.repeated');
        continue;
      }
      const parsed = parseTarget(slot.indicator, raw ?? '', span.last - span.first + 1);
      if (parsed && 'error' in parsed) errors[name] = parsed.error;
      else typed.set(slotKey(slot), parsed ? parsed.value : null);
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const now = writeTimestamp(this.clock.now());
    let changed = 0;
    await this.db.transaction(async (trx) => {
      const current = await this.spanTargets(trx, pole, span);
      if (digestOf(current) !== digest) throw new StaleVersion();
      const byKey = keyed(current);
      for (const slot of slots) {
        const value = typed.get(slotKey(slot)) ?? null;
        const before = byKey.get(slotKey(slot));
        // A manager never changes nor removes what staff validated.
        if (status === 'proposed' && before?.status === 'validated') {
          if (value !== before.value_scaled) errors[fieldOf(slot)] = t('targets.error.validatedByStaff');
          continue;
        }
        const after = await this.apply(trx, { pole, ...slot, span, before, value }, status, actor, now);
        if (after !== 'same') changed++;
      }
      if (Object.keys(errors).length) throw new ValidationError(errors);
    });
    return changed;
  }

  private async apply(
    trx: Knex.Transaction,
    it: PlannedTarget,
    status: TargetStatus,
    actor: Actor,
    now: string,
  ): Promise<'same' | 'changed'> {
    const { pole, indicator, span, before, value } = it;
    const category = it.category?.code ?? '';
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
        indicator_id: indicator.id,
        category,
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
    // The category's code only where the target aims at one: older entries read the same.
    const what = { target: id, indicator: indicator.code, ...(category ? { category } : {}), year };
    await this.repos.audit.record(trx, {
      actorId: actor.userId,
      action: value === null ? 'target.delete' : status === 'proposed' ? 'target.propose' : 'target.set',
      // Recorded on the pole (its journal names and links it, even once a removed target is gone).
      entity: 'pole',
      entityId: pole.id,
      before: before ? { ...what, value: before.value_scaled, status: before.status } : null,
      after: value === null ? null : { ...what, value, status },
      requestId: actor.requestId,
    });
    return 'changed';
  }
}

/** A slot's key among a span's targets, and its form field. */
const slotKey = (slot: TargetSlot) => targetKey(slot.indicator.id, slot.category?.code ?? '');
const fieldOf = (slot: TargetSlot) => targetField(slot.indicator.code, slot.category?.code ?? '');

/** A span's targets by their key (indicator and category). */
const keyed = (rows: TargetRow[]) => new Map(rows.map((x) => [targetKey(x.indicator_id, x.category), x]));

/** The state a form was drawn from: any change to the year's targets since makes its post a conflict. */
function digestOf(rows: TargetRow[]): string {
  const state = rows.map((r) => `${r.id}:${r.version}`).sort();
  return createHash('sha256').update(state.join(',')).digest('hex').slice(0, 32);
}
