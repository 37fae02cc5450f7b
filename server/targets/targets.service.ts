// Targets of one pole and year: the form staff fill (every indicator on one page), the proposals a
// manager makes for next year, and the progress the pole page shows. Progress itself is computed by
// server/aggregates/progress.ts from the stored aggregates: one rule, read by every page.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { Base, StoredAggregate } from '../aggregates/aggregates.repo.ts';
import { areaProgress, progress, type AreaProgress, type Progress } from '../aggregates/progress.ts';
import { writeTimestamp } from '../db/dialect.ts';
import { StaleVersion, ValidationError } from '../http/errors.ts';
import { t } from '../i18n/messages.ts';
import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import { SCALE } from '../lib/decimal.ts';
import { fromIndex, quarterIndex, quarterLabel } from '../lib/quarters.ts';
import type { ClosureService } from '../aggregates/closure.service.ts';
import { progressRows } from './progress-view.ts';
import type { IndicatorRow, IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { PoleRow } from '../poles/poles.repo.ts';
import { parseValue, type NumberRule } from '../reporting/entry-number.ts';
import type { TargetRow, TargetsRepo, TargetStatus } from './targets.repo.ts';

/** The form's field for an indicator's target. */
export const targetField = (code: string) => `o.${code}`;

/** Decimals a target is written with: a rate or a score aims at a level between whole values (« 3,5 »). */
export const targetDecimals = (ind: Pick<IndicatorRow, 'kind' | 'decimals'>) =>
  ind.kind === 'ratio' || ind.kind === 'score' ? Math.max(1, ind.decimals) : ind.decimals;

/** A year's target for a flow may reach four quarters' bound; levels keep the quarter's bounds. */
function rule(ind: IndicatorRow): NumberRule {
  const unit = ind.unit as NumberRule['unit'];
  const decimals = targetDecimals(ind);
  if (ind.kind === 'flow') return { unit, decimals, min: ind.min_scaled, max: ind.max_scaled === null ? null : ind.max_scaled * 4 };
  if (ind.kind === 'ratio') return { unit, decimals, min: ind.min_scaled ?? 0, max: ind.max_scaled ?? 100 * SCALE };
  return { unit, decimals, min: ind.min_scaled, max: ind.max_scaled };
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

export interface PoleProgressLine {
  indicator: IndicatorRow;
  target: TargetRow;
  actual: StoredAggregate | null;
  progress: Progress;
  elapsed: number;
}

/** One pole of an area's table of progress: its target for the year of the period shown, if any. */
export interface AreaPoleLine {
  pole: { id: number; name: string; href: string };
  target: TargetRow | null;
  actual: StoredAggregate | null;
  progress: Progress | null;
}

export class TargetsService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: { targets: TargetsRepo; indicators: IndicatorsRepo; audit: AuditRepo; aggregatesRead: AggregatesReadRepo },
    private readonly closure: Pick<ClosureService, 'of' | 'byArea'>,
  ) {}

  /**
   * The pole page's « Objectifs »: the year of the pole's latest consolidated quarter (the current year
   * before any), its validated targets and the progress on each.
   */
  async pagePanel(pole: PoleRow, base: Base) {
    const closure = await this.closure.of({ poleIds: [pole.id] });
    const last = closure.latestConsolidated(base);
    const year = last === null ? this.clock.now().setZone('Europe/Paris').year : fromIndex(last).year;
    const lines = await this.poleProgress(pole, year, last, base);
    const window = targetWindow(year, last);
    return {
      year,
      rows: progressRows(lines),
      rule: window ? t('targets.progress.rule', { year: String(year), quarter: quarterLabel(fromIndex(window.end)) }) : null,
      notYet: !window && lines.length ? t('targets.progress.notYet', { year: String(year) }) : null,
    };
  }

  /**
   * An area's progress on one indicator at `endIndex` (a dashboard's period): each pole's target for that
   * year against its year to date, and the area's: the same poles' sums, or the share meeting theirs.
   */
  async areaProgress(
    indicatorId: number,
    poles: { id: number; name: string; href: string }[],
    endIndex: number,
    base: Base,
  ): Promise<{ indicator: IndicatorRow; year: number; elapsed: number; lines: AreaPoleLine[]; area: AreaProgress } | null> {
    const indicator = await this.repos.indicators.findById(this.db, indicatorId);
    if (!indicator || !poles.length) return null;
    const { year } = fromIndex(endIndex);
    const elapsed = endIndex - quarterIndex({ year, quarter: 1 }) + 1;
    const [targets, cells] = await Promise.all([
      this.repos.targets.validatedOfYear(
        this.db,
        poles.map((p) => p.id),
        year,
      ),
      this.repos.aggregatesRead.read(this.db, {
        base,
        level: 'pole',
        areas: poles.map((p) => String(p.id)),
        indicatorIds: [indicatorId],
        category: '',
        grain: 'ytd',
        fromIndex: endIndex,
        toIndex: endIndex,
      }),
    ]);
    const targetOf = new Map(targets.filter((x) => x.indicator_id === indicatorId).map((x) => [x.pole_id, x]));
    const cellOf = new Map(cells.map((c) => [Number(c.area), c]));
    const lines = poles.map((pole) => {
      const target = targetOf.get(pole.id) ?? null;
      const actual = cellOf.get(pole.id) ?? null;
      const p = target
        ? progress({
            kind: indicator.kind,
            direction: indicator.direction,
            target: target.value_scaled,
            actual: actual?.value ?? null,
            elapsed,
            span: 4,
          })
        : null;
      return { pole, target, actual, progress: p };
    });
    const withTarget = lines.filter((l) => l.target);
    const area = areaProgress(
      indicator.kind,
      indicator.direction,
      withTarget.map((l) => ({ poleId: l.pole.id, target: l.target!.value_scaled, actual: l.actual?.value ?? null })),
      poles.length,
      elapsed,
      4,
    );
    return { indicator, year, elapsed, lines, area };
  }

  /**
   * Many poles' progress for `year` (the API): each pole against its own latest consolidated quarter, read
   * with one closure query and one aggregates query per distinct quarter, whatever the number of poles.
   */
  async progressOfPoles(poles: { id: number; slug: string }[], year: number, base: Base) {
    if (!poles.length) return [];
    const ids = poles.map((p) => p.id);
    const [indicators, targets, closures] = await Promise.all([
      this.indicators(),
      this.repos.targets.validatedOfYear(this.db, ids, year),
      this.closure.byArea({ poleIds: ids }, 'pole'),
    ]);
    const windowOf = new Map(ids.map((id) => [id, targetWindow(year, closures.get(String(id))?.latestConsolidated(base) ?? null)]));
    const ends = [...new Set([...windowOf.values()].filter((w) => w !== null).map((w) => w!.end))];
    const cells = new Map<string, StoredAggregate>();
    for (const end of ends) {
      const areas = ids.filter((id) => windowOf.get(id)?.end === end).map(String);
      for (const c of await this.repos.aggregatesRead.read(this.db, {
        base,
        level: 'pole',
        areas,
        category: '',
        grain: 'ytd',
        fromIndex: end,
        toIndex: end,
      }))
        cells.set(`${c.area}|${c.indicatorId}`, c);
    }
    const byId = new Map(indicators.map((i) => [i.id, i]));
    const slugOf = new Map(poles.map((p) => [p.id, p.slug]));
    return targets
      .filter((x) => byId.has(x.indicator_id))
      .map((target) => {
        const indicator = byId.get(target.indicator_id)!;
        const window = windowOf.get(target.pole_id) ?? null;
        const actual = window ? (cells.get(`${target.pole_id}|${indicator.id}`) ?? null) : null;
        const p = progress({
          kind: indicator.kind,
          direction: indicator.direction,
          target: target.value_scaled,
          actual: actual?.value ?? null,
          elapsed: window?.elapsed ?? 0,
          span: 4,
        });
        return { pole: slugOf.get(target.pole_id)!, indicator, target, actual, through: window ? window.end : null, progress: p };
      });
  }

  /**
   * The poles' progress at one quarter, `db` being the caller's snapshot (an export reads everything in
   * one transaction): the year's validated targets against the year to date at `endIndex`.
   */
  async progressAt(db: Knex, poles: { id: number; slug: string; name: string }[], endIndex: number, base: Base) {
    if (!poles.length) return [];
    const { year } = fromIndex(endIndex);
    const elapsed = endIndex - quarterIndex({ year, quarter: 1 }) + 1;
    const ids = poles.map((p) => p.id);
    const [indicators, targets, cells] = await Promise.all([
      this.repos.indicators.list(db, { activeOnly: true }),
      this.repos.targets.validatedOfYear(db, ids, year),
      this.repos.aggregatesRead.read(db, {
        base,
        level: 'pole',
        areas: ids.map(String),
        category: '',
        grain: 'ytd',
        fromIndex: endIndex,
        toIndex: endIndex,
      }),
    ]);
    const byId = new Map(indicators.map((i) => [i.id, i]));
    const poleOf = new Map(poles.map((p) => [p.id, p]));
    const cellOf = new Map(cells.map((c) => [`${c.area}|${c.indicatorId}`, c]));
    return targets
      .filter((x) => byId.has(x.indicator_id))
      .map((target) => {
        const indicator = byId.get(target.indicator_id)!;
        const actual = cellOf.get(`${target.pole_id}|${indicator.id}`) ?? null;
        const p = progress({
          kind: indicator.kind,
          direction: indicator.direction,
          target: target.value_scaled,
          actual: actual?.value ?? null,
          elapsed,
          span: 4,
        });
        return { pole: poleOf.get(target.pole_id)!, indicator, target, actual, year, elapsed, progress: p };
      });
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
    return this.write(pole, year, body, digest, actor, 'validated');
  }

  /** A manager proposes next year's targets; staff validate them. A validated target stays as it is. */
  async propose(pole: PoleRow, year: number, body: Record<string, unknown>, digest: string, actor: Actor): Promise<number> {
    return this.write(pole, year, body, digest, actor, 'proposed');
  }

  private async write(pole: PoleRow, year: number, body: Record<string, unknown>, digest: string, actor: Actor, status: TargetStatus) {
    const indicators = await this.indicators();
    const errors: Record<string, string> = {};
    const typed = new Map<number, number | null>();
    for (const ind of indicators) {
      const raw = body[targetField(ind.code)];
      const text = typeof raw === 'string' ? raw : '';
      const parsed = parseValue(text, rule(ind));
      if (parsed && 'error' in parsed) errors[targetField(ind.code)] = parsed.error;
      else typed.set(ind.id, parsed ? parsed.value : null);
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const now = writeTimestamp(this.clock.now());
    let changed = 0;
    await this.db.transaction(async (trx) => {
      const current = (await this.repos.targets.ofPole(trx, pole.id, [year])).filter((x) => x.first_year === year && x.last_year === year);
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
        const after = await this.apply(trx, pole, ind, year, before, value, status, actor, now);
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
    year: number,
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
        first_year: year,
        last_year: year,
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

  /**
   * A pole's progress for `year`: each validated target (the year's, and a span holding the year) against
   * the pole's figure over the consolidated part of it, with the trajectory of flows.
   */
  async poleProgress(pole: PoleRow, year: number, lastConsolidated: number | null, base: Base): Promise<PoleProgressLine[]> {
    const [indicators, targets] = await Promise.all([this.indicators(), this.repos.targets.ofPole(this.db, pole.id, [year])]);
    const validated = targets.filter((x) => x.status === 'validated');
    if (!validated.length) return [];
    const window = targetWindow(year, lastConsolidated);
    const rows = window
      ? await this.repos.aggregatesRead.read(this.db, {
          base,
          level: 'pole',
          areas: [String(pole.id)],
          category: '',
          grain: 'ytd',
          fromIndex: window.end,
          toIndex: window.end,
        })
      : [];
    const actual = new Map(rows.map((r) => [r.indicatorId, r]));
    const byId = new Map(indicators.map((i) => [i.id, i]));
    return validated
      .filter((x) => x.first_year === year && x.last_year === year && byId.has(x.indicator_id))
      .map((target) => {
        const indicator = byId.get(target.indicator_id)!;
        const cell = actual.get(indicator.id) ?? null;
        const elapsed = window?.elapsed ?? 0;
        return {
          indicator,
          target,
          actual: cell,
          elapsed,
          progress: progress({
            kind: indicator.kind,
            direction: indicator.direction,
            target: target.value_scaled,
            actual: cell?.value ?? null,
            elapsed,
            span: 4,
          }),
        };
      });
  }
}

/** The state a form was drawn from: any change to the year's targets since makes its post a conflict. */
function digestOf(rows: TargetRow[]): string {
  const state = rows.map((r) => `${r.id}:${r.version}`).sort();
  return createHash('sha256').update(state.join(',')).digest('hex').slice(0, 32);
}
