// Progress against targets as the pages, the API and the files read it: each pole's validated targets
// against its stored figures (the year to date at the quarter that counts), by the one rule of
// server/aggregates/progress.ts. Reads only; the targets themselves are written by targets.service.ts.
import type { Knex } from 'knex';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { Base, StoredAggregate } from '../aggregates/aggregates.repo.ts';
import type { ClosureService } from '../aggregates/closure.service.ts';
import { areaProgress, type AreaProgress, type Progress } from '../aggregates/progress.ts';
import { t } from '../i18n/messages.ts';
import type { Clock } from '../lib/clock.ts';
import { fromIndex, parseQuarter, quarterIndex, quarterLabel } from '../lib/quarters.ts';
import { SCALE } from '../lib/decimal.ts';
import type { IndicatorCategoryRow, IndicatorRow, IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { PoleRow, PolesRepo } from '../poles/poles.repo.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { progressRows } from './progress-view.ts';
import { progressAtQuarter, progressOfPoles, yearProgress, type AtQuarterLine, type PolesProgressLine } from './poles-progress.ts';
import { spanProgress } from './span-progress.ts';
import type { TargetRow, TargetsRepo } from './targets.repo.ts';
import { targetKey, targetWindow } from './target-rules.ts';

export interface PoleProgressLine {
  indicator: IndicatorRow;
  /** The category a target aims at; null for the indicator's total. */
  category: Pick<IndicatorCategoryRow, 'code' | 'label_fr'> | null;
  target: TargetRow;
  /** The figure compared (a convention's flow: its years added up), with what it holds. */
  actual: { value: number | null; reported: number; expected: number } | null;
  progress: Progress;
  elapsed: number;
  /** The last quarter counted, as the trajectory names it (« T3 » in a year, « 2026-T1 » in a convention). */
  through: string;
}

/** An area's poles in the user's scope and their validated targets of one year (the year's, on totals). */
export interface AreaTargets {
  year: number;
  poles: { id: number }[];
  targets: TargetRow[];
}

/** One pole's convention on an area's page: its progress over its span, or null before it begins. */
export interface AreaConventionLine extends Omit<PoleProgressLine, 'progress'> {
  pole: { id: number; name: string; href: string };
  progress: Progress | null;
}

/** One pole of an area's table of progress: its target for the year of the period shown, if any. */
export interface AreaPoleLine {
  pole: { id: number; name: string; href: string };
  target: TargetRow | null;
  actual: StoredAggregate | null;
  progress: Progress | null;
}

export class TargetProgressService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: { targets: TargetsRepo; indicators: IndicatorsRepo; aggregatesRead: AggregatesReadRepo; poles: PolesRepo },
    private readonly closure: Pick<ClosureService, 'of' | 'byArea'>,
  ) {}

  /**
   * The area's poles a dashboard counts (the user's scope, or one region of it; archived poles left out)
   * and their validated targets of `year`: read once per page for its tiles and its trajectory.
   */
  async areaTargets(user: CurrentUser, regionCode: string | null, year: number): Promise<AreaTargets> {
    const poles = (await this.repos.poles.listInScope(this.db, user)).filter(
      (p) => p.archived_on === null && (regionCode === null || p.region_code === regionCode),
    );
    const targets = await this.repos.targets.validatedOfYear(
      this.db,
      poles.map((p) => p.id),
      year,
    );
    return { year, poles, targets };
  }

  /**
   * The dashboards' tiles: for each indicator, the area's progress at `endIndex` over the user's poles of
   * the area (all of its scope, or one region's), with one targets query and one aggregates query.
   */
  async tiles(user: CurrentUser, regionCode: string | null, indicatorIds: number[], endIndex: number, base: Base, loaded?: AreaTargets) {
    const { year } = fromIndex(endIndex);
    const { poles, targets } = loaded ?? (await this.areaTargets(user, regionCode, year));
    const out = new Map<
      number,
      { indicator: IndicatorRow; year: number; elapsed: number; area: AreaProgress; reported: number; expected: number }
    >();
    if (!poles.length) return out;
    const elapsed = endIndex - quarterIndex({ year, quarter: 1 }) + 1;
    const ids = poles.map((p) => p.id);
    const [indicators, cells] = await Promise.all([
      this.indicators(),
      this.repos.aggregatesRead.read(this.db, {
        base,
        level: 'pole',
        areas: ids.map(String),
        indicatorIds,
        category: '',
        grain: 'ytd',
        fromIndex: endIndex,
        toIndex: endIndex,
      }),
    ]);
    const cellOf = new Map(cells.map((c) => [`${c.area}|${c.indicatorId}`, c]));
    for (const indicator of indicators.filter((i) => indicatorIds.includes(i.id))) {
      const mine = targets
        .filter((x) => x.indicator_id === indicator.id)
        .map((x) => ({ x, cell: cellOf.get(`${x.pole_id}|${indicator.id}`) }));
      const items = mine.map(({ x, cell }) => ({ poleId: x.pole_id, target: x.value_scaled, actual: cell?.value ?? null }));
      // What the actual of those poles holds: said beside it.
      const reported = mine.reduce((n, m) => n + (m.cell?.reported ?? 0), 0);
      const expected = mine.reduce((n, m) => n + (m.cell?.expected ?? 0), 0);
      const area = areaProgress(indicator.kind, indicator.direction, items, poles.length, elapsed, 4);
      out.set(indicator.id, { indicator, year, elapsed, area, reported, expected });
    }
    return out;
  }

  /**
   * The line a pole's trend chart draws for its targets, quarter by quarter (`quarters`: the chart's
   * labels): a level's target as it is, a flow's year target spread evenly (a quarter's share, ÷ 4).
   */
  async chartLines(pole: PoleRow, codes: string[], quarters: string[]): Promise<Map<string, { label: string; values: (number | null)[] }>> {
    const parsed = quarters.map((q) => parseQuarter(q)!);
    const years = [...new Set(parsed.map((q) => q.year))];
    const [indicators, targets] = await Promise.all([this.indicators(), this.repos.targets.ofPole(this.db, pole.id, years)]);
    const out = new Map<string, { label: string; values: (number | null)[] }>();
    for (const ind of indicators.filter((i) => codes.includes(i.code))) {
      const byYear = new Map(
        targets
          // The indicator's total: a category's target is not the chart's line.
          .filter((x) => x.indicator_id === ind.id && x.category === '' && x.status === 'validated' && x.first_year === x.last_year)
          .map((x) => [x.first_year, x.value_scaled]),
      );
      if (!byYear.size) continue;
      const values = parsed.map((q) => {
        const v = byYear.get(q.year);
        if (v === undefined) return null;
        return (ind.kind === 'flow' ? v / 4 : v) / SCALE;
      });
      out.set(ind.code, { label: t(ind.kind === 'flow' ? 'targets.chart.flow' : 'targets.chart.level'), values });
    }
    return out;
  }

  private async indicators(): Promise<IndicatorRow[]> {
    return this.repos.indicators.list(this.db, { activeOnly: true });
  }

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
  ): Promise<{
    indicator: IndicatorRow;
    year: number;
    elapsed: number;
    lines: AreaPoleLine[];
    area: AreaProgress;
    conventions: AreaConventionLine[];
  } | null> {
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
      const p = target ? yearProgress(indicator, target, actual, elapsed) : null;
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
    const conventions = await this.areaConventions(indicator, poles, year, endIndex, base);
    return { indicator, year, elapsed, lines, area, conventions };
  }

  /**
   * The conventions of the indicator (multi-year targets) whose span holds the year, of the area's poles,
   * as they stand at `endIndex`: each against its own span, never summed with the year's targets.
   */
  private async areaConventions(
    indicator: IndicatorRow,
    poles: { id: number; name: string; href: string }[],
    year: number,
    endIndex: number,
    base: Base,
  ): Promise<AreaConventionLine[]> {
    const spans = (
      await this.repos.targets.validatedSpansHolding(
        this.db,
        poles.map((p) => p.id),
        year,
      )
    ).filter((x) => x.indicator_id === indicator.id);
    const byId = new Map([[indicator.id, indicator]]);
    const out: AreaConventionLine[] = [];
    for (const pole of poles.filter((p) => spans.some((x) => x.pole_id === p.id))) {
      const validated = spans.filter((x) => x.pole_id === pole.id);
      for (const l of await spanProgress(this.db, this.repos.aggregatesRead, { pole, validated, byId, lastConsolidated: endIndex, base }))
        out.push({ ...l, pole });
      // A convention not begun by then is listed without an actual, never as 0.
      for (const target of validated.filter((x) => !out.some((l) => l.target.id === x.id)))
        out.push({ pole, indicator, category: null, target, actual: null, elapsed: 0, through: '', progress: null });
    }
    return out;
  }

  /** Many poles' progress for `year` (the API): see poles-progress.ts. */
  async progressOfPoles(poles: { id: number; slug: string }[], year: number, base: Base): Promise<PolesProgressLine[]> {
    return progressOfPoles({ db: this.db, repos: this.repos, closure: this.closure }, poles, year, base);
  }

  /** The poles' progress at one quarter, in the caller's snapshot `db` (an export): see poles-progress.ts. */
  async progressAt(db: Knex, poles: { id: number; slug: string; name: string }[], endIndex: number, base: Base): Promise<AtQuarterLine[]> {
    return progressAtQuarter({ db, repos: this.repos, closure: this.closure }, poles, endIndex, base);
  }

  /**
   * A pole's progress for `year`: each validated target (the year's, and a span holding the year) against
   * the pole's figure over the consolidated part of it, with the trajectory of flows.
   */
  async poleProgress(pole: PoleRow, year: number, lastConsolidated: number | null, base: Base): Promise<PoleProgressLine[]> {
    const [indicators, categories, targets] = await Promise.all([
      this.indicators(),
      this.repos.indicators.categories(this.db),
      this.repos.targets.ofPole(this.db, pole.id, [year]),
    ]);
    const byId = new Map(indicators.map((i) => [i.id, i]));
    // A category's target is shown with its label; one whose category left the catalogue is not.
    const categoryOf = (x: TargetRow) => categories.find((c) => c.indicator_id === x.indicator_id && c.code === x.category) ?? null;
    const validated = targets.filter(
      (x) =>
        x.status === 'validated' &&
        x.first_year <= year &&
        x.last_year >= year &&
        byId.has(x.indicator_id) &&
        (!x.category || categoryOf(x)),
    );
    if (!validated.length) return [];
    const window = targetWindow(year, lastConsolidated);
    // Every category's year to date at once: a pole's few cells of one quarter.
    const rows = window
      ? await this.repos.aggregatesRead.read(this.db, {
          base,
          level: 'pole',
          areas: [String(pole.id)],
          grain: 'ytd',
          fromIndex: window.end,
          toIndex: window.end,
        })
      : [];
    const actual = new Map(rows.map((r) => [targetKey(r.indicatorId, r.category), r]));
    const annual = validated
      .filter((x) => x.first_year === year && x.last_year === year)
      .map((target): PoleProgressLine => {
        const indicator = byId.get(target.indicator_id)!;
        const cell = actual.get(targetKey(indicator.id, target.category)) ?? null;
        const elapsed = window?.elapsed ?? 0;
        return {
          indicator,
          category: categoryOf(target),
          target,
          actual: cell,
          elapsed,
          through: `T${elapsed}`,
          progress: yearProgress(indicator, target, cell, elapsed),
        };
      });
    const spans = await spanProgress(this.db, this.repos.aggregatesRead, { pole, validated, byId, lastConsolidated, base });
    return [...annual, ...spans.map((l) => ({ ...l, category: categoryOf(l.target) }))];
  }
}
