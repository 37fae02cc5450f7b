import type { Knex } from 'knex';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { StoredAggregate } from '../aggregates/aggregates.repo.ts';
import type { AreaClosure, ClosureService } from '../aggregates/closure.service.ts';
import { plainComparison } from '../aggregates/comparison.ts';
import { completeness } from '../aggregates/completeness.ts';
import { NATION } from '../aggregates/engine.ts';
import type { Kind } from '../aggregates/semantics.ts';
import { DashboardsRepo } from '../dashboards/dashboards.repo.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { t } from '../i18n/messages.ts';
import type { IndicatorsRepo } from '../indicators/indicators.repo.ts';
import { SCALE } from '../lib/decimal.ts';
import { fromIndex, periodLabel, quarterIndex } from '../lib/quarters.ts';
import type { PolesRepo } from '../poles/poles.repo.ts';
import { ApiProblem, badParameter } from './api-problem.ts';
import type { AggregatesRequest } from './api-query.ts';
import type { AggregateItem, TargetItem } from './api.schema.ts';
import type { TargetProgressService } from '../targets/target-progress.service.ts';
import type { PopulationsService } from '../reference/populations.service.ts';
import { hasPerInhabitant, per10k } from '../reference/per-inhabitant.ts';

interface Repos {
  aggregatesRead: AggregatesReadRepo;
  indicators: IndicatorsRepo;
  poles: PolesRepo;
}

/** The areas a request may read, as stored in aggregates, and how each is named in answers. */
interface Areas {
  stored: string[];
  nameOf: (stored: string) => string;
}

/**
 * The read API: the catalogue, the regions in scope and the aggregates. Scope follows the dashboards'
 * rules exactly (their SQL, reused): a funder sees its regions and their poles (all, when national), a
 * manager its poles and their regions, staff everything; the nation for everyone but regional funders.
 * Figures come only from the aggregates (AggregatesReadRepo), scoped in SQL through `areas`.
 */
export class ApiService {
  constructor(
    private readonly db: Knex,
    private readonly repos: Repos,
    /** config MIN_COMPARABLE_POLES: the comparisons say « significant » on the same rule as the pages. */
    private readonly minComparablePoles: number,
    /** Which periods are provisional (each item says so) and which quarter « latest » names. */
    private readonly closure: ClosureService,
    /** Targets and progress, on the rule the pole pages use. */
    private readonly targets: Pick<TargetProgressService, 'progressOfPoles'>,
    /** The divisors of `per10kInhabitants` (server/reference/population.ts). */
    private readonly populations: PopulationsService,
    private readonly dashboards = new DashboardsRepo(),
  ) {}

  /**
   * The validated targets of a year for the poles in scope (or one of them), each with its progress: the
   * year's, and the conventions whose span holds the year (over their span so far).
   */
  async targetsOf(user: CurrentUser, q: { year: number; pole?: string }): Promise<TargetItem[]> {
    let poles: { id: number; slug: string }[];
    if (q.pole !== undefined) {
      const pole = await this.repos.poles.findInScope(this.db, user, q.pole);
      if (!pole) throw new ApiProblem(404, 'not_found', t('api.error.areaNotFound', { area: q.pole }));
      poles = [pole];
    } else poles = await this.repos.poles.listInScope(this.db, user);
    const lines = await this.targets.progressOfPoles(poles, q.year, 'validated');
    // Units as the aggregates answer them: a rate in percent, a score on its scale.
    const units = (scaled: number) => scaled / SCALE;
    return lines.map((l) => ({
      pole: l.pole,
      indicator: l.indicator.code,
      year: q.year,
      span: l.target.first_year === l.target.last_year ? null : { first: l.target.first_year, last: l.target.last_year },
      target: units(l.target.value_scaled),
      direction: l.indicator.direction,
      actual: l.actual?.value === null || l.actual?.value === undefined ? null : units(l.actual.value),
      through: l.through,
      share: l.progress.share === null ? null : Math.round(l.progress.share * 1000) / 1000,
      reached: l.progress.reached,
      trajectory: l.progress.trajectory ? { expected: units(l.progress.trajectory.expected), status: l.progress.trajectory.status } : null,
      completeness: l.actual ? { reported: l.actual.reported, expected: l.actual.expected } : null,
    }));
  }

  /** The whole catalogue (retired indicators too, flagged), with categories. */
  async indicators() {
    const [rows, categories] = await Promise.all([this.repos.indicators.list(this.db), this.repos.indicators.categories(this.db)]);
    return rows.map((r) => ({
      code: r.code,
      label: r.label_fr,
      definition: r.definition_fr,
      kind: r.kind,
      unit: r.unit,
      decimals: Number(r.decimals),
      active: Boolean(r.active),
      categories: categories.filter((c) => Number(c.indicator_id) === r.id).map((c) => ({ code: c.code, label: c.label_fr })),
    }));
  }

  /** The regions in the user's scope, by name. */
  async regions(user: CurrentUser) {
    return (await this.dashboards.regionsInScope(this.db, user)).map((r) => ({ code: r.code, name: r.name }));
  }

  /** One page of aggregates (and whether another follows), in the user's scope. */
  async aggregates(user: CurrentUser, q: AggregatesRequest): Promise<{ items: AggregateItem[]; more: boolean }> {
    if (q.base !== 'validated' && user.role !== 'staff') throw new ApiProblem(403, 'forbidden', t('api.error.baseForbidden'));
    const indicators = await this.repos.indicators.list(this.db);
    const chosen = q.indicator === undefined ? undefined : indicators.find((i) => i.code === q.indicator);
    if (q.indicator !== undefined && !chosen) throw badParameter('indicator', t('api.error.unknownIndicator', { code: q.indicator }));
    const codeOf = new Map(indicators.map((i) => [i.id, i.code]));
    const kindOf = new Map(indicators.map((i) => [i.id, i.kind]));
    const areas = await this.areas(user, q);
    const range = await this.range(user, q);
    const closures = await this.closures(q, areas.stored);
    const populationOf = await this.divisors(q.level, areas.stored);
    const rows = await this.repos.aggregatesRead.read(this.db, {
      base: q.base,
      level: q.level,
      areas: areas.stored,
      indicatorIds: chosen ? [chosen.id] : undefined,
      grain: q.grain,
      fromIndex: range.fromIndex,
      toIndex: range.toIndex,
      // One more row than the page says whether a next page exists, without counting.
      limit: q.limit + 1,
      offset: (q.page - 1) * q.limit,
    });
    const items = rows.slice(0, q.limit).map((r) => {
      const value = r.value === null ? null : r.value / SCALE;
      // Totals only: a category's figure (MEMBRES by article-9 category) is divided like its total.
      const population = populationOf(r.area);
      const divisible = hasPerInhabitant(kindOf.get(r.indicatorId) ?? 'ratio');
      return {
        indicator: codeOf.get(r.indicatorId) ?? String(r.indicatorId),
        level: r.level,
        area: areas.nameOf(r.area),
        category: r.category === '' ? null : r.category,
        grain: r.grain,
        period: periodLabel(r.grain === 'year' ? { kind: 'year', year: r.year } : { kind: 'quarter', year: r.year, quarter: r.quarter }),
        year: r.year,
        quarter: r.quarter,
        value,
        per10kInhabitants: divisible ? per10k(value, population) : null,
        population,
        reported: r.reported,
        expected: r.expected,
        completeness: completenessOf(r.grain, r),
        comparison: comparisonOf(kindOf.get(r.indicatorId) ?? 'flow', r, this.minComparablePoles),
        provisional: (closures.get(r.area) ?? closures.get(''))!.provisional(r.grain, quarterIndex(r)),
        computedAt: r.computedAt,
      };
    });
    return { items, more: rows.length > q.limit };
  }

  /**
   * The range read: « latest » is the latest consolidated quarter of the user's scope (its regions for a
   * regional funder, else the nation). A year is served only once ended: naming the running year with
   * grain=year is a 400 pointing to grain=ytd (its stocks would read « 0 of 0 »), and an open range stops
   * at the last ended year.
   */
  private async range(user: CurrentUser, q: AggregatesRequest): Promise<{ fromIndex?: number; toIndex?: number }> {
    let latest: number | undefined;
    if (q.fromIndex === 'latest' || q.toIndex === 'latest') {
      const scope = await this.closure.of(
        user.role === 'funder' && user.regionCodes.length ? { regionCodes: user.regionCodes } : {},
        this.db,
      );
      latest = scope.latestConsolidated(q.base) ?? scope.latestWithData(q.base) ?? scope.lastIndex;
    }
    const fromIdx = q.fromIndex === 'latest' ? latest : q.fromIndex;
    let toIdx = q.toIndex === 'latest' ? latest : q.toIndex;
    if (q.grain === 'year') {
      const last = this.closure.lastClosed();
      const running = last.quarter === 4 ? last.year + 1 : last.year;
      for (const [name, idx] of [
        ['from', fromIdx],
        ['to', toIdx],
      ] as const)
        if (idx !== undefined && fromIndex(idx).year >= running)
          throw badParameter(name, t('closure.api.yearRunning', { year: fromIndex(idx).year }));
      toIdx ??= quarterIndex({ year: running - 1, quarter: 4 });
    }
    return { fromIndex: fromIdx, toIndex: toIdx };
  }

  /** Each stored area's population (France, a region, a pole's territory; null when unknown). */
  private async divisors(level: AggregatesRequest['level'], stored: string[]): Promise<(area: string) => number | null> {
    if (level === 'nation') return () => this.populations.france();
    if (level === 'region') return (code) => this.populations.region(code);
    const byPole = await this.populations.poles(this.db, stored.map(Number));
    return (id) => byPole.get(Number(id)) ?? null;
  }

  /** The closure of each area read (by stored area; '' for an area without poles: the deadline alone decides). */
  private async closures(q: AggregatesRequest, stored: string[]): Promise<Map<string, AreaClosure>> {
    const out =
      q.level === 'nation'
        ? new Map([[NATION, await this.closure.of({}, this.db)]])
        : q.level === 'region'
          ? await this.closure.byArea({ regionCodes: stored }, 'region', this.db)
          : await this.closure.byArea({ poleIds: stored.map(Number) }, 'pole', this.db);
    out.set('', await this.closure.of({ poleIds: [] }, this.db));
    return out;
  }

  /** The areas of the request inside the user's scope; an area outside it (or unknown) is a 404. */
  private async areas(user: CurrentUser, q: AggregatesRequest): Promise<Areas> {
    const notFound = () => new ApiProblem(404, 'not_found', t('api.error.areaNotFound', { area: q.area ?? '' }));
    if (q.level === 'nation') {
      if (user.role === 'funder' && user.regionCodes.length) throw new ApiProblem(403, 'forbidden', t('api.error.nationForbidden'));
      if (q.area !== undefined && q.area !== NATION) throw badParameter('area', t('api.error.nationArea'));
      return { stored: [NATION], nameOf: (a) => a };
    }
    if (q.level === 'region') {
      const codes = (await this.dashboards.regionsInScope(this.db, user)).map((r) => r.code);
      if (q.area === undefined) return { stored: codes, nameOf: (a) => a };
      if (!codes.includes(q.area)) throw notFound();
      return { stored: [q.area], nameOf: (a) => a };
    }
    if (q.area !== undefined) {
      const pole = await this.repos.poles.findInScope(this.db, user, q.area);
      if (!pole) throw notFound();
      return { stored: [String(pole.id)], nameOf: () => pole.slug };
    }
    const poles = await this.repos.poles.listInScope(this.db, user);
    const slugOf = new Map(poles.map((p) => [String(p.id), p.slug]));
    return { stored: [...slugOf.keys()], nameOf: (a) => slugOf.get(a) ?? a };
  }
}

/** Completeness in the unit it counts: poles for a quarter, pole-quarters for longer periods. */
function completenessOf(grain: StoredAggregate['grain'], r: StoredAggregate): AggregateItem['completeness'] {
  const c = completeness(grain, r);
  return { unit: c.unit, reported: c.reported, expected: c.expected, rate: c.rate === null ? null : Math.round(c.rate * 1000) / 1000 };
}

/** The like-for-like change from the same period a year earlier, on the rule the pages use. */
function comparisonOf(kind: Kind, r: StoredAggregate, minPoles: number): AggregateItem['comparison'] {
  return plainComparison(kind, r, minPoles, r.level === 'pole');
}
