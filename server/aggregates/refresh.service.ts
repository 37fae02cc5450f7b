// Keeps the aggregates up to date: a full rebuild into a new generation that readers switch to at once,
// and an incremental refresh of the keys that writes marked dirty. Both leave the current aggregates
// untouched when they fail.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { writeTimestamp } from '../db/dialect.ts';
import { ZONE, type Clock } from '../lib/clock.ts';
import { lastClosedQuarter, quarterIndex, quarterOf } from '../lib/quarters.ts';
import { BASES, storedPoleCells, type AggregatesRepo, type Base, type DirtyKey, type StoredAggregate } from './aggregates.repo.ts';
import { computeCells, nationCell, NATION, type CellRow, type EngineIndicator, type EnginePole, type Observed } from './engine.ts';
import { affectedPeriodEnds, GRAINS, periodEnds, periodIndices, type Grain } from './periods.ts';
import { combine, type Cell } from './semantics.ts';

export interface RefreshResult {
  kind: 'rebuild' | 'incremental' | 'nothing';
  keys: number;
  rows: number;
}

export type Progress = (done: number, total: number) => Promise<void> | void;

export const archiveIndex = (archivedOn: string) => quarterIndex(quarterOf(DateTime.fromISO(archivedOn, { zone: ZONE })));

/** Observations the engine needs for one indicator (for a ratio: its two components). */
export function observedFor(ind: EngineIndicator, all: Map<number, Map<string, Observed>>): Map<string, Observed> {
  if (ind.kind === 'ratio') {
    return new Map([
      ['num', all.get(ind.numerator!.id)?.get(ind.numerator!.category) ?? new Map()],
      ['den', all.get(ind.denominator!.id)?.get(ind.denominator!.category) ?? new Map()],
    ]);
  }
  return all.get(ind.id) ?? new Map();
}

export const sourceIds = (ind: EngineIndicator) => (ind.kind === 'ratio' ? [ind.numerator!.id, ind.denominator!.id] : [ind.id]);

/** Nation rows from region rows, per category, grain and period. */
export function nationRows(ind: EngineIndicator, regionRows: CellRow[]): CellRow[] {
  const groups = new Map<string, CellRow[]>();
  for (const r of regionRows) {
    const k = `${r.category}|${r.grain}|${r.endIndex}`;
    const list = groups.get(k) ?? [];
    list.push(r);
    groups.set(k, list);
  }
  return [...groups.values()].map((rows) => ({
    ...rows[0],
    level: 'nation' as const,
    area: NATION,
    cell: nationCell(
      ind.kind,
      rows.map((r) => r.cell),
    ),
  }));
}

export class RefreshService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repo: AggregatesRepo,
    private readonly logger: Logger,
  ) {}

  private usable(ind: EngineIndicator): boolean {
    return ind.kind !== 'ratio' || Boolean(ind.numerator && ind.denominator);
  }

  /** Rebuilds every aggregate into a new generation, in short batched transactions, then switches readers. */
  async rebuild(progress?: Progress): Promise<RefreshResult> {
    const now = this.clock.now();
    const last = lastClosedQuarter(now);
    const lastIndex = quarterIndex(last);
    const state = await this.repo.state(this.db);
    const generation = state.generation + 1;
    await this.repo.dropGeneration(this.db, generation, GRAINS); // leftovers of a rebuild that died
    const maxDirty = (await this.repo.dirty(this.db)).at(-1)?.id ?? 0;
    const poles = await this.repo.poles(this.db, lastIndex, archiveIndex);
    const indicators = (await this.repo.indicators(this.db)).filter((i) => this.usable(i));
    const computedAt = writeTimestamp(now);
    let rows = 0;
    if (poles.length) {
      const firstIndex = Math.min(...poles.map((p) => p.firstIndex));
      const total = BASES.length * indicators.length;
      let done = 0;
      for (const base of BASES) {
        for (const ind of indicators) {
          const observed = observedFor(ind, await this.repo.observed(this.db, base, sourceIds(ind)));
          for (const grain of GRAINS) {
            const batch: CellRow[] = [];
            computeCells(ind, observed, poles, { [grain]: periodEnds(grain, firstIndex, lastIndex) }, (r) => batch.push(r));
            batch.push(
              ...nationRows(
                ind,
                batch.filter((r) => r.level === 'region'),
              ),
            );
            // One short transaction per slice: requests keep being served between them.
            for (let i = 0; i < batch.length; i += 5000) {
              await this.db.transaction((trx) => this.repo.insertRows(trx, generation, base, batch.slice(i, i + 5000), computedAt));
            }
            rows += batch.length;
          }
          await progress?.(++done, total);
        }
      }
    }
    // The switch: one short transaction. Changes made during the rebuild stay dirty for the next refresh.
    await this.db.transaction(async (trx) => {
      await this.repo.setState(trx, {
        generation,
        last_closed_year: last.year,
        last_closed_quarter: last.quarter,
        rebuilt_at: computedAt,
        refreshed_at: computedAt,
      });
      await this.repo.clearDirty(trx, maxDirty);
    });
    await this.repo.dropGeneration(this.db, state.generation, GRAINS);
    this.logger.info({ generation, rows }, 'aggregates rebuilt');
    return { kind: 'rebuild', keys: maxDirty, rows };
  }

  /**
   * Recomputes what the dirty keys touch: the dirty poles' cells, their regions and the nation, for the
   * periods a quarter belongs to. Falls back to a rebuild when the aggregates are empty, when a new
   * quarter has closed, or when a change concerns a whole pole or indicator (rare: definitions, dates);
   * `progress` then follows that rebuild (the job runner renews its lease and stops it at a shutdown).
   */
  async incremental(progress?: Progress): Promise<RefreshResult> {
    const now = this.clock.now();
    const last = lastClosedQuarter(now);
    const state = await this.repo.state(this.db);
    if (state.generation === 0 || state.last_closed_year !== last.year || state.last_closed_quarter !== last.quarter)
      return this.rebuild(progress);
    const dirty = await this.repo.dirty(this.db);
    if (!dirty.length) return { kind: 'nothing', keys: 0, rows: 0 };
    if (dirty.some((d) => d.pole_id === null || d.year === null || d.quarter === null)) return this.rebuild(progress);
    const lastIndex = quarterIndex(last);
    const allPoles = await this.repo.poles(this.db, lastIndex, archiveIndex);
    const poleById = new Map(allPoles.map((p) => [p.id, p]));
    const indicators = (await this.repo.indicators(this.db)).filter((i) => this.usable(i));
    const targets = dirtyTargets(dirty, poleById, indicators, lastIndex);
    const writes: PeriodWrite[] = [];
    for (const base of BASES) {
      for (const ind of indicators) {
        const byPole = targets.get(ind.id);
        if (byPole)
          writes.push(
            ...(await this.recomputeIndicator({ generation: state.generation, base, ind, byPole, allPoles, poleById, lastIndex })),
          );
      }
    }
    const rows = await this.replaceRows(state.generation, writes, dirty[dirty.length - 1].id, writeTimestamp(now));
    return { kind: 'incremental', keys: dirty.length, rows };
  }

  /** One indicator, one base: the dirty poles' new cells, and their regions' and the nation's, per period. */
  private async recomputeIndicator(job: IndicatorJob): Promise<PeriodWrite[]> {
    const { generation, base, ind, byPole, allPoles, poleById, lastIndex } = job;
    const poles = [...byPole.keys()].map((id) => poleById.get(id)!);
    const ends = affectedEnds(byPole, lastIndex);
    const span = Object.entries(ends).flatMap(([g, list]) => list!.flatMap((e) => periodIndices(g as Grain, e)));
    const observed = observedFor(
      ind,
      await this.repo.observed(this.db, base, sourceIds(ind), {
        poleIds: poles.map((p) => p.id),
        // A year earlier too: each period's like-for-like comparison pairs it with that one.
        fromIndex: Math.min(...span) - 4,
        toIndex: Math.max(...span),
      }),
    );
    const fresh: CellRow[] = [];
    computeCells(ind, observed, poles, ends, (r) => r.level === 'pole' && fresh.push(r));
    const regions = [...new Set(poles.map((p) => p.regionCode))];
    const regionPoleIds = allPoles.filter((p) => regions.includes(p.regionCode)).map((p) => p.id);
    const allEnds = [...new Set(Object.values(ends).flat())] as number[];
    const [stored, storedRegions] = await Promise.all([
      storedPoleCells(this.db, generation, base, ind.id, regionPoleIds, allEnds),
      this.repo.regionCells(this.db, generation, base, ind.id, allEnds),
    ]);
    const around: Surroundings = { ind, byPole, poleById, regions, fresh, stored, storedRegions };
    const poleAreas = poles.map((p) => String(p.id));
    return GRAINS.flatMap((grain) =>
      ends[grain]!.map((end) => ({ base, ind, grain, end, rows: periodRows(around, grain, end), poles: poleAreas, regions })),
    );
  }

  /** Replaces the recomputed rows and clears the dirty keys, all in one transaction; returns the rows written. */
  private async replaceRows(generation: number, writes: PeriodWrite[], maxDirty: number, computedAt: string): Promise<number> {
    let rows = 0;
    // All of it in one transaction: a failure leaves the current aggregates as they were.
    await this.db.transaction(async (trx) => {
      // One delete per base, indicator and level, for all the periods recomputed.
      const groups = new Map<string, PeriodWrite[]>();
      for (const w of writes) {
        const k = `${w.base}|${w.ind.id}`;
        groups.set(k, [...(groups.get(k) ?? []), w]);
      }
      for (const ws of groups.values()) {
        const w = ws[0];
        await this.repo.deleteRows(
          trx,
          generation,
          w.base,
          w.ind.id,
          ws.map((x) => ({ grain: x.grain, endIndex: x.end })),
          { poles: w.poles, regions: w.regions },
        );
      }
      for (const base of BASES) {
        const all = writes.filter((w) => w.base === base).flatMap((w) => w.rows);
        await this.repo.insertRows(trx, generation, base, all, computedAt);
        rows += all.length;
      }
      await this.repo.clearDirty(trx, maxDirty);
      await this.repo.setState(trx, { refreshed_at: computedAt });
    });
    return rows;
  }
}

/** Per dirty pole, the quarter indices changed. */
type DirtyQuarters = Map<number, Set<number>>;

/** One indicator of one base to recompute: its dirty pole-quarters, and every pole (for their regions). */
interface IndicatorJob {
  generation: number;
  base: Base;
  ind: EngineIndicator;
  byPole: DirtyQuarters;
  allPoles: EnginePole[];
  poleById: Map<number, EnginePole>;
  lastIndex: number;
}

/** The rows recomputed for one base, indicator and period, and the areas whose stored rows they replace. */
interface PeriodWrite {
  base: Base;
  ind: EngineIndicator;
  grain: Grain;
  end: number;
  rows: CellRow[];
  poles: string[];
  regions: string[];
}

/** What a period's region and nation rows combine: the dirty poles' new cells, and what is stored around them. */
interface Surroundings {
  ind: EngineIndicator;
  byPole: DirtyQuarters;
  poleById: Map<number, EnginePole>;
  /** The dirty poles' regions. */
  regions: string[];
  fresh: CellRow[];
  /** Stored pole cells of every pole in those regions; stored region cells of every region. */
  stored: StoredAggregate[];
  storedRegions: StoredAggregate[];
}

/**
 * Which indicators, poles and quarters the dirty keys touch (indicator → pole → quarter indices). A null
 * indicator (a status change) means all of them; a change to a ratio's component touches the ratio.
 */
function dirtyTargets(
  dirty: DirtyKey[],
  poleById: Map<number, EnginePole>,
  indicators: EngineIndicator[],
  lastIndex: number,
): Map<number, DirtyQuarters> {
  const targets = new Map<number, DirtyQuarters>();
  const add = (indicatorId: number, poleId: number, index: number) => {
    const byPole = targets.get(indicatorId) ?? new Map<number, Set<number>>();
    const set = byPole.get(poleId) ?? new Set<number>();
    set.add(index);
    byPole.set(poleId, set);
    targets.set(indicatorId, byPole);
  };
  for (const d of dirty) {
    if (!poleById.has(d.pole_id!)) continue;
    const index = quarterIndex({ year: d.year!, quarter: d.quarter! });
    if (index > lastIndex) continue;
    for (const ind of indicators) {
      if (d.indicator_id === null || ind.id === d.indicator_id || (ind.kind === 'ratio' && sourceIds(ind).includes(d.indicator_id)))
        add(ind.id, d.pole_id!, index);
    }
  }
  return targets;
}

/**
 * Per grain, the periods (last quarter index) that any changed quarter of any dirty pole belongs to, and
 * those a year later, whose like-for-like comparison reads it.
 */
function affectedEnds(byPole: DirtyQuarters, lastIndex: number): Partial<Record<Grain, number[]>> {
  const ends: Partial<Record<Grain, number[]>> = {};
  for (const grain of GRAINS) {
    const set = new Set<number>();
    for (const indices of byPole.values())
      for (const i of indices)
        // A period holds quarter i + 4 exactly when its year-earlier twin holds quarter i. The year still
        // running is stored (keyed by its fourth quarter), a quarter not yet closed is not.
        for (const e of [...affectedPeriodEnds(grain, i, lastIndex), ...affectedPeriodEnds(grain, i + 4, lastIndex)])
          if (grain !== 'quarter' || e <= lastIndex) set.add(e);
    ends[grain] = [...set];
  }
  return ends;
}

/** One period's rows: the dirty poles' new cells, then their regions', then the nation's. */
function periodRows(around: Surroundings, grain: Grain, end: number): CellRow[] {
  const freshHere = around.fresh.filter((r) => r.grain === grain && r.endIndex === end);
  const regionRows = regionRowsOf(around, grain, end, freshHere);
  return [...freshHere, ...regionRows, ...nationRowsOf(around, grain, end, regionRows)];
}

/** Each dirty region's cells: its dirty poles' new cells with its other poles' stored ones. */
function regionRowsOf(around: Surroundings, grain: Grain, end: number, freshHere: CellRow[]): CellRow[] {
  const { ind, byPole, poleById, stored } = around;
  const regionRows: CellRow[] = [];
  for (const region of around.regions) {
    for (const category of new Set([
      ...freshHere.map((r) => r.category),
      ...stored.filter((s) => s.grain === grain).map((s) => s.category),
    ])) {
      const cells: Cell[] = [
        ...freshHere.filter((r) => r.category === category && poleById.get(Number(r.area))!.regionCode === region).map((r) => r.cell),
        ...stored
          .filter(
            (s) =>
              s.grain === grain &&
              quarterIndex(s) === end &&
              s.category === category &&
              !byPole.has(Number(s.area)) &&
              poleById.get(Number(s.area))?.regionCode === region,
          )
          .map(cellOf),
      ];
      if (cells.length)
        regionRows.push({
          level: 'region',
          area: region,
          indicatorId: ind.id,
          category,
          grain,
          endIndex: end,
          cell: combine(ind.kind, cells),
        });
    }
  }
  return regionRows;
}

/** The nation's cells: the dirty regions' new cells with the other regions' stored ones. */
function nationRowsOf(around: Surroundings, grain: Grain, end: number, regionRows: CellRow[]): CellRow[] {
  const { ind, regions } = around;
  const otherRegions = around.storedRegions.filter((r) => r.grain === grain && quarterIndex(r) === end && !regions.includes(r.area));
  return [...new Set([...regionRows.map((r) => r.category), ...otherRegions.map((r) => r.category)])].map((category) => {
    const cells = [
      ...regionRows.filter((r) => r.category === category).map((r) => r.cell),
      ...otherRegions.filter((r) => r.category === category).map(cellOf),
    ];
    return {
      level: 'nation' as const,
      area: NATION,
      indicatorId: ind.id,
      category,
      grain,
      endIndex: end,
      cell: nationCell(ind.kind, cells),
    };
  });
}

function cellOf(s: StoredAggregate): Cell {
  const { value, num, den, reported, expected, polesExpected, cmp, distribution } = s;
  return { value, num, den, reported, expected, polesExpected, cmp, distribution };
}
