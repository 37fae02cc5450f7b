// The dashboards' « Réalisé cumulé et trajectoire de l'objectif » of a flow: quarter by quarter through the
// year of the period shown, the year to date of the area's poles that have a validated target for that
// year (those poles only, summed: like for like), against the sum of their targets spread linearly by
// quarter (k/4 of it at the end of Tk), the rule of server/aggregates/progress.ts. Reads only: the actual
// is the stored pole-level 'ytd' aggregate, as the tiles' progress reads it (target-progress.service.ts).
import type { Knex } from 'knex';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { Base, StoredAggregate } from '../aggregates/aggregates.repo.ts';
import type { ClosureFilter } from '../aggregates/closure.repo.ts';
import type { ClosureService } from '../aggregates/closure.service.ts';
import type { AreaTargets } from './target-progress.service.ts';
import type { DashIndicator } from '../dashboards/figures.ts';
import { fromIndex, quarterIndex } from '../lib/quarters.ts';

export interface TrajectoryQuarter {
  /** Quarter index (year × 4 + quarter − 1) and its number in the year, 1..4. */
  index: number;
  quarter: number;
  /** Σ of the poles' year to date at the end of the quarter, scaled; null after the period shown or with nothing counted. */
  actual: number | null;
  /** Pole-quarters reported and expected in that year to date (the poles with a target only). */
  reported: number;
  expected: number;
  /** Σ targets × quarter ÷ 4, scaled. */
  trajectory: number;
  /** After the last quarter shown: no actual is drawn. */
  after: boolean;
  /** The year to date is « provisoire » (one of its quarters is, on the page's closure). */
  provisional: boolean;
}

export interface Trajectory {
  year: number;
  /** Poles of the area (in the user's scope, not archived) with a target, and poles of the area. */
  withTarget: number;
  poles: number;
  /** Σ of the year's targets, scaled. */
  target: number;
  /** Poles with a target that have nothing counted at the last quarter shown (missing from the sum). */
  withoutActual: number;
  quarters: TrajectoryQuarter[];
}

/** The area a dashboard shows: the poles closing its quarters (its poles and targets come loaded, AreaTargets). */
export interface TrajectoryArea {
  closure: ClosureFilter;
}

export interface TrajectoryDeps {
  db: Knex;
  repos: { aggregatesRead: Pick<AggregatesReadRepo, 'read'> };
  closure: Pick<ClosureService, 'of'>;
}

/** The quarters of a year's trajectory: pure, from the poles' targets and their stored year-to-date cells. */
export function trajectoryQuarters(
  year: number,
  endIndex: number,
  targets: { poleId: number; value: number }[],
  cells: Pick<StoredAggregate, 'area' | 'year' | 'quarter' | 'value' | 'reported' | 'expected'>[],
  provisional: (index: number) => boolean,
): TrajectoryQuarter[] {
  const total = targets.reduce((s, x) => s + x.value, 0);
  const withTarget = new Set(targets.map((x) => String(x.poleId)));
  return [1, 2, 3, 4].map((quarter) => {
    const index = quarterIndex({ year, quarter });
    const trajectory = Math.round((total * quarter) / 4);
    if (index > endIndex) return { index, quarter, actual: null, reported: 0, expected: 0, trajectory, after: true, provisional: false };
    // A pole without a target is never counted; one with a target but no figure is left out of the sum.
    const mine = cells.filter((c) => withTarget.has(c.area) && quarterIndex(c) === index);
    const counted = mine.filter((c) => c.value !== null);
    return {
      index,
      quarter,
      actual: counted.length ? counted.reduce((s, c) => s + c.value!, 0) : null,
      reported: mine.reduce((n, c) => n + c.reported, 0),
      expected: mine.reduce((n, c) => n + c.expected, 0),
      trajectory,
      after: false,
      provisional: provisional(index),
    };
  });
}

/** The cumulative actual of the poles with a target against their targets' trajectory, for one flow. */
export class TrajectoryChartService {
  constructor(private readonly deps: TrajectoryDeps) {}

  /**
   * The trajectory of `indicator` through the year of `endIndex` over the user's poles of the area (all of
   * its scope, or one region's), `closure` naming the page's area (its quarters say what is provisional);
   * null for anything but a flow, or when none of those poles has a validated target for that year.
   */
  async of(
    area: TrajectoryArea,
    loaded: AreaTargets,
    indicator: Pick<DashIndicator, 'id' | 'kind'>,
    endIndex: number,
    base: Base,
  ): Promise<Trajectory | null> {
    if (indicator.kind !== 'flow') return null;
    const { db, repos } = this.deps;
    const { poles } = loaded;
    const { year } = fromIndex(endIndex);
    if (!poles.length || loaded.year !== year) return null;
    const targets = loaded.targets.filter((x) => x.indicator_id === indicator.id);
    if (!targets.length) return null;
    const first = quarterIndex({ year, quarter: 1 });
    const [cells, closure] = await Promise.all([
      repos.aggregatesRead.read(db, {
        base,
        level: 'pole',
        areas: targets.map((x) => String(x.pole_id)),
        indicatorIds: [indicator.id],
        category: '',
        grain: 'ytd',
        fromIndex: first,
        toIndex: endIndex,
      }),
      this.deps.closure.of(area.closure),
    ]);
    const quarters = trajectoryQuarters(
      year,
      endIndex,
      targets.map((x) => ({ poleId: x.pole_id, value: x.value_scaled })),
      cells,
      (i) => closure.provisional('ytd', i),
    );
    const last = cells.filter((c) => quarterIndex(c) === endIndex && c.value !== null);
    return {
      year,
      withTarget: targets.length,
      poles: poles.length,
      target: targets.reduce((s, x) => s + x.value_scaled, 0),
      withoutActual: targets.length - new Set(last.map((c) => c.area)).size,
      quarters,
    };
  }
}
