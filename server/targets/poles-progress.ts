// Many poles' progress for one year, as the read API answers it: each pole's validated targets of the
// year against its own latest consolidated quarter, and the conventions (multi-year targets) whose span
// holds the year over their span so far, by the rules the pole pages use (target-progress.service.ts,
// span-progress.ts). One closure query and one aggregates query per distinct quarter, whatever the poles.
import type { Knex } from 'knex';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { Base, StoredAggregate } from '../aggregates/aggregates.repo.ts';
import type { ClosureService } from '../aggregates/closure.service.ts';
import { progress, type Progress } from '../aggregates/progress.ts';
import type { IndicatorRow, IndicatorsRepo } from '../indicators/indicators.repo.ts';
import { fromIndex, quarterIndex, quarterLabel } from '../lib/quarters.ts';
import { spanProgress } from './span-progress.ts';
import type { TargetRow, TargetsRepo } from './targets.repo.ts';
import { targetWindow } from './target-rules.ts';

/** A pole's target (a year's, or a convention's holding the year) and its progress, for the API. */
export interface PolesProgressLine {
  pole: string;
  indicator: IndicatorRow;
  target: TargetRow;
  actual: { value: number | null; reported: number; expected: number } | null;
  /** The last quarter counted (« 2026-T3 »); null before any consolidated quarter of the target's period. */
  through: string | null;
  progress: Progress;
}

export interface PolesProgressDeps {
  db: Knex;
  repos: { targets: TargetsRepo; indicators: IndicatorsRepo; aggregatesRead: AggregatesReadRepo };
  closure: Pick<ClosureService, 'byArea'>;
}

/**
 * Many poles' progress for `year` (the API): each pole against its own latest consolidated quarter, read
 * with one closure query and one aggregates query per distinct quarter, whatever the number of poles.
 */
export async function progressOfPoles(
  deps: PolesProgressDeps,
  poles: { id: number; slug: string }[],
  year: number,
  base: Base,
): Promise<PolesProgressLine[]> {
  if (!poles.length) return [];
  const ids = poles.map((p) => p.id);
  const [indicators, targets, spans, closures] = await Promise.all([
    deps.repos.indicators.list(deps.db, { activeOnly: true }),
    deps.repos.targets.validatedOfYear(deps.db, ids, year),
    deps.repos.targets.validatedSpansHolding(deps.db, ids, year),
    deps.closure.byArea({ poleIds: ids }, 'pole'),
  ]);
  const latest = (id: number) => closures.get(String(id))?.latestConsolidated(base) ?? null;
  const windowOf = new Map(ids.map((id) => [id, targetWindow(year, latest(id))]));
  const ends = [...new Set([...windowOf.values()].filter((w) => w !== null).map((w) => w!.end))];
  const cells = new Map<string, StoredAggregate>();
  for (const end of ends) {
    const areas = ids.filter((id) => windowOf.get(id)?.end === end).map(String);
    for (const c of await deps.repos.aggregatesRead.read(deps.db, {
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
  const annual = targets
    .filter((x) => byId.has(x.indicator_id))
    .map((target): PolesProgressLine => {
      const indicator = byId.get(target.indicator_id)!;
      const window = windowOf.get(target.pole_id) ?? null;
      const actual = window ? (cells.get(`${target.pole_id}|${indicator.id}`) ?? null) : null;
      const p = yearProgress(indicator, target, actual, window?.elapsed ?? 0);
      const through = window ? quarterLabel(fromIndex(window.end)) : null;
      return { pole: slugOf.get(target.pole_id)!, indicator, target, actual, through, progress: p };
    });
  const conventions = await conventionLines(deps, spans, { slugOf, byId, latest }, base);
  return [...annual, ...conventions];
}

/** A pole's target at one quarter (an export's end): the year's, or a convention holding that year. */
export interface AtQuarterLine {
  pole: { id: number; slug: string; name: string };
  indicator: IndicatorRow;
  target: TargetRow;
  actual: { value: number | null; reported: number; expected: number } | null;
  year: number;
  /** The last quarter counted (« 2026-T3 »), and the quarters of the target's period elapsed by then. */
  through: string;
  elapsed: number;
  progress: Progress;
}

/**
 * The poles' progress at one quarter, `db` being the caller's snapshot (an export reads everything in one
 * transaction): the year's validated targets against the year to date at `endIndex`, and the conventions
 * holding that year against their span up to it.
 */
export async function progressAtQuarter(
  deps: PolesProgressDeps,
  poles: { id: number; slug: string; name: string }[],
  endIndex: number,
  base: Base,
): Promise<AtQuarterLine[]> {
  if (!poles.length) return [];
  const { db, repos } = deps;
  const { year } = fromIndex(endIndex);
  const elapsed = endIndex - quarterIndex({ year, quarter: 1 }) + 1;
  const ids = poles.map((p) => p.id);
  const [indicators, targets, spans, cells] = await Promise.all([
    repos.indicators.list(db, { activeOnly: true }),
    repos.targets.validatedOfYear(db, ids, year),
    repos.targets.validatedSpansHolding(db, ids, year),
    repos.aggregatesRead.read(db, {
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
  const through = quarterLabel(fromIndex(endIndex));
  const annual = targets
    .filter((x) => byId.has(x.indicator_id))
    .map((target): AtQuarterLine => {
      const indicator = byId.get(target.indicator_id)!;
      const actual = cellOf.get(`${target.pole_id}|${indicator.id}`) ?? null;
      return {
        pole: poleOf.get(target.pole_id)!,
        indicator,
        target,
        actual,
        year,
        through,
        elapsed,
        progress: yearProgress(indicator, target, actual, elapsed),
      };
    });
  const conventions = await conventionsAt(deps, spans, { poleOf, byId, year }, endIndex, base);
  return [...annual, ...conventions];
}

/** The conventions holding the year as they stood at `endIndex` (an export's end): their span up to it, whatever came later. */
async function conventionsAt(
  deps: PolesProgressDeps,
  spans: TargetRow[],
  known: { poleOf: Map<number, AtQuarterLine['pole']>; byId: Map<number, IndicatorRow>; year: number },
  endIndex: number,
  base: Base,
): Promise<AtQuarterLine[]> {
  const out: AtQuarterLine[] = [];
  for (const id of new Set(spans.map((x) => x.pole_id))) {
    const validated = spans.filter((x) => x.pole_id === id);
    const lines = await spanProgress(deps.db, deps.repos.aggregatesRead, {
      pole: { id },
      validated,
      byId: known.byId,
      lastConsolidated: endIndex,
      base,
    });
    for (const l of lines) out.push({ ...l, pole: known.poleOf.get(id)!, year: known.year });
  }
  return out;
}

/** What the conventions' lines are read with: the poles' slugs, the indicators, each pole's last consolidated quarter. */
interface ConventionContext {
  slugOf: Map<number, string>;
  byId: Map<number, IndicatorRow>;
  latest: (id: number) => number | null;
}

/** Conventions holding the year: each pole's over its span so far, as its page shows them (a few per pole). */
async function conventionLines(
  deps: PolesProgressDeps,
  spans: TargetRow[],
  known: ConventionContext,
  base: Base,
): Promise<PolesProgressLine[]> {
  const { slugOf, byId, latest } = known;
  const conventions: PolesProgressLine[] = [];
  for (const id of new Set(spans.map((x) => x.pole_id))) {
    const mine = spans.filter((x) => x.pole_id === id);
    const lines = await spanProgress(deps.db, deps.repos.aggregatesRead, {
      pole: { id },
      validated: mine,
      byId,
      lastConsolidated: latest(id),
      base,
    });
    const shown = new Set(lines.map((l) => l.target.id));
    for (const l of lines)
      conventions.push({
        pole: slugOf.get(id)!,
        indicator: l.indicator,
        target: l.target,
        actual: l.actual,
        through: l.through,
        progress: l.progress,
      });
    // A convention not begun (or with nothing consolidated yet) is listed without an actual.
    for (const target of mine.filter((x) => !shown.has(x.id) && byId.has(x.indicator_id))) {
      const indicator = byId.get(target.indicator_id)!;
      const p = progress({
        kind: indicator.kind,
        direction: indicator.direction,
        target: target.value_scaled,
        actual: null,
        elapsed: 0,
        span: 4 * (target.last_year - target.first_year + 1),
      });
      conventions.push({ pole: slugOf.get(id)!, indicator, target, actual: null, through: null, progress: p });
    }
  }
  return conventions;
}

/** A year's target against the pole's year to date after `elapsed` quarters. */
export function yearProgress(indicator: IndicatorRow, target: TargetRow, actual: StoredAggregate | null, elapsed: number): Progress {
  return progress({
    kind: indicator.kind,
    direction: indicator.direction,
    target: target.value_scaled,
    actual: actual?.value ?? null,
    elapsed,
    span: 4,
  });
}
