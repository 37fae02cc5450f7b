import type { Knex } from 'knex';
import { BASE_STATUSES, type Base } from '../aggregates/aggregates.repo.ts';
import type { AggregateFilter, AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { AreaClosure, ClosureService } from '../aggregates/closure.service.ts';
import { NATION } from '../aggregates/engine.ts';
import type { Kind } from '../aggregates/semantics.ts';
import { NotFound } from '../http/errors.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { t } from '../i18n/messages.ts';
import type { IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { Clock } from '../lib/clock.ts';
import { fromIndex, lastClosedQuarter, quarterIndex, quarterLabel, type Quarter } from '../lib/quarters.ts';
import type { PoleRow } from '../poles/poles.repo.ts';
import type { ReportingService } from '../reporting/reporting.service.ts';
import { DashboardsRepo } from './dashboards.repo.ts';
import { DEFAULT_SPAN, type DashboardFilters, type RangeNotes, type RequestedFilters } from './dashboards.schema.ts';
import { closureFilter, ownArea, periodForm, resolveFor, type Area } from './period-view.ts';
import { barChart, Figures, formatValue, tile, toDashIndicator, withChosen, trend, type DashIndicator } from './figures.ts';
import { regionBreakdown } from './region-breakdown.ts';
import { zoneOf } from './figure-links.ts';
import { freshnessText } from './freshness-text.ts';
import type { JobsRepo } from '../jobs/jobs.repo.ts';
import type { PopulationsService } from '../reference/populations.service.ts';
import { perInhabitantNote } from '../reference/per-inhabitant.ts';
import { measureNotice, measureQuery, perTile, showFor, type Divided } from './per-inhabitant-view.ts';
import { regionPoles, type RegionPolesDeps } from './region-poles.ts';

/** The three indicators the client named: on every dashboard. */
export const HEADLINE = ['EMP_CREES', 'ACT_CONSOLIDEES', 'TE_ACTIONS'] as const;
/** How far back the period selects go. */
const PERIOD_CHOICES = 24;

/** The jobs that write the aggregates: the page says when one last succeeded. */
const AGGREGATE_JOBS = ['refresh', 'rebuild'] as const;

export interface DashboardsServiceDeps {
  db: Knex;
  clock: Clock;
  repos: { aggregatesRead: AggregatesReadRepo; indicators: IndicatorsRepo; jobs: Pick<JobsRepo, 'lastSuccess'> };
  lateness: Pick<ReportingService, 'isLate'>;
  /** Which quarters are « consolidé » (every page opens on the latest) and which « provisoire ». */
  closure: ClosureService;
  /** Below this many poles reporting both periods, a change is « non significative » (config MIN_COMPARABLE_POLES). */
  minComparablePoles: number;
  /** The divisors of figures per 10 000 inhabitants (server/reference/population.ts). */
  populations: PopulationsService;
}

/** Dashboards: national (or a regional funder's scope), regional, and the pole page's history. */
export class DashboardsService {
  private readonly db: Knex;
  private readonly clock: Clock;
  private readonly repos: DashboardsServiceDeps['repos'];
  private readonly lateness: Pick<ReportingService, 'isLate'>;
  private readonly closure: ClosureService;
  private readonly minComparablePoles: number;
  private readonly populations: PopulationsService;
  private readonly repo = new DashboardsRepo();

  constructor(deps: DashboardsServiceDeps) {
    ({
      db: this.db,
      clock: this.clock,
      repos: this.repos,
      lateness: this.lateness,
      closure: this.closure,
      minComparablePoles: this.minComparablePoles,
      populations: this.populations,
    } = deps);
  }

  /** The last closed quarter: the default end of every range, and the latest one may ask for. */
  lastClosed(): Quarter {
    return lastClosedQuarter(this.clock.now());
  }

  /** The national page; for a regional funder, its own scope (its regions combined) instead of the nation. */
  async national(user: CurrentUser, req: RequestedFilters) {
    const { indicators, chosen, headline, kindOf, indicatorNote } = await this.catalogue(req.indicator);
    const scope = await this.repo.regionsInScope(this.db, user);
    const own = ownArea(user, scope);
    const closure = await this.closureOf(own.area);
    const { filters: f, notes: rangeNotes } = this.resolve(req, closure);
    const notes: RangeNotes = { ...rangeNotes, ...indicatorNote };
    const provisional = closure.provisional.bind(closure);
    const toIdx = quarterIndex(f.to);
    const ids = [...new Set([...headline.map((i) => i.id), chosen.id])];
    const mine = new Figures(await this.figureRows(own.area, f.base, ids, quarterIndex(f.from), toIdx), kindOf, {
      zone: zoneOf(own.area),
      base: f.base,
    });
    const regionRows = await this.read({
      base: f.base,
      level: 'region',
      areas: scope.map((r) => r.code),
      indicatorIds: [chosen.id],
      category: '',
      grain: 'quarter',
      fromIndex: toIdx,
      toIndex: toIdx,
    });
    const regions = new Figures(regionRows, kindOf);
    const population = this.populationOf(own.area);
    const regionPopulation = (c: string) => this.populations.region(c);
    const divided = regionRows.map((r): Divided => [r.value, regionPopulation(r.area)]);
    const show = showFor(chosen, f.measure, divided);
    const { rows, map } = regionBreakdown(chosen, scope, regionRows, {
      show,
      populationOf: regionPopulation,
      query: measureQuery(f.measure),
    });
    return {
      title: own.title,
      // The poles whose reports close the page's quarters (the targets' trajectory reads the same closure).
      closureScope: closureFilter(own.area),
      ...(await this.common(f, notes, closure, indicators, chosen, [mine, regions], own.area)),
      measureNotice: measureNotice({ chosen, measure: f.measure, note: this.note(), divisors: [{ name: own.name, population }] }),
      tiles: withChosen(headline, chosen).map((ind) =>
        tile(ind, toIdx, mine, this.minComparablePoles, undefined, provisional, perTile(ind, f.measure, population)),
      ),
      trend: trend(chosen, quarterIndex(f.from), toIdx, [{ label: own.name, figures: mine, population }], provisional, (v) =>
        showFor(chosen, f.measure, v),
      ),
      breakdown: { rows, chart: barChart(chosen, rows, show), perInhabitant: show.perInhabitant, unit: show.unit },
      map,
    };
  }

  /** One region's page: its figures beside the nation's (or the funder's scope), and its poles in scope. */
  async region(user: CurrentUser, code: string, req: RequestedFilters) {
    const { indicators, chosen, headline, kindOf, indicatorNote } = await this.catalogue(req.indicator);
    const scope = await this.repo.regionsInScope(this.db, user);
    const region = scope.find((r) => r.code === code);
    // The route's guard already answers 404 outside the scope; the scoped list says so again.
    if (!region) throw new NotFound();
    const own = ownArea(user, scope);
    // The page shows the region: its own quarters decide what is consolidated.
    const closure = await this.closureOf({ level: 'region', codes: [code] });
    const { filters: f, notes: rangeNotes } = this.resolve(req, closure);
    const notes: RangeNotes = { ...rangeNotes, ...indicatorNote };
    const provisional = closure.provisional.bind(closure);
    const fromIdx = quarterIndex(f.from);
    const toIdx = quarterIndex(f.to);
    const ids = [...new Set([...headline.map((i) => i.id), chosen.id])];
    const mine = new Figures(await this.figureRows({ level: 'region', codes: [code] }, f.base, ids, fromIdx, toIdx), kindOf, {
      zone: { kind: 'regions', codes: [code] },
      base: f.base,
    });
    // A funder whose scope is this one region has nothing else to compare with.
    const compare = own.area.level === 'region' && own.area.codes.length === 1 ? null : own;
    const reference = compare
      ? new Figures(await this.figureRows(compare.area, f.base, ids, fromIdx, toIdx), kindOf, { zone: zoneOf(compare.area), base: f.base })
      : null;
    const poles = await regionPoles(this.polesDeps(), { user, code, chosen, f });
    const ref = compare && reference ? { name: compare.name, figures: reference } : undefined;
    const population = this.populations.region(code);
    const refPopulation = compare ? this.populationOf(compare.area) : null;
    const divisors = [{ name: region.name, population }, ...(ref ? [{ name: ref.name, population: refPopulation }] : [])];
    return {
      title: t('dash.region.title', { region: region.name }),
      region,
      closureScope: closureFilter({ level: 'region', codes: [code] }),
      referenceName: ref?.name ?? null,
      ...(await this.common(f, notes, closure, indicators, chosen, [mine, ...(reference ? [reference] : []), poles.figures], {
        level: 'region',
        codes: [code],
      })),
      measureNotice: measureNotice({ chosen, measure: f.measure, note: this.note(), divisors, poles: true }),
      tiles: withChosen(headline, chosen).map((ind) =>
        tile(ind, toIdx, mine, this.minComparablePoles, ref, provisional, perTile(ind, f.measure, population, refPopulation)),
      ),
      trend: trend(
        chosen,
        fromIdx,
        toIdx,
        [
          { label: region.name, figures: mine, population },
          ...(ref ? [{ label: ref.name, figures: ref.figures, population: refPopulation }] : []),
        ],
        provisional,
        (v) => showFor(chosen, f.measure, v),
      ),
      poles: poles.table,
    };
  }

  /** The pole page's figures: every indicator over the last quarters, charts of the headline ones, narratives. */
  async pole(pole: PoleRow, base: Base) {
    const { indicators, headline, kindOf } = await this.catalogue(undefined);
    const toIdx = quarterIndex(this.lastClosed());
    const fromIdx = toIdx - (DEFAULT_SPAN - 1);
    const closure = await this.closureOf({ level: 'pole', ids: [pole.id] });
    const provisional = closure.provisional.bind(closure);
    const figures = new Figures(
      await this.figureRows(
        { level: 'pole', ids: [pole.id] },
        base,
        indicators.map((i) => i.id),
        fromIdx,
        toIdx,
        false,
      ),
      kindOf,
      { zone: { kind: 'pole', slug: pole.slug }, base },
    );
    const quarters = Array.from({ length: DEFAULT_SPAN }, (_, i) => quarterLabel(fromIndex(fromIdx + i)));
    const columns = quarters.map((label, i) => ({ label, provisional: closure.quarterProvisional(fromIdx + i) }));
    const narratives = await this.repo.narratives(this.db, pole.id, BASE_STATUSES[base], fromIdx, toIdx);
    return {
      from: quarters[0],
      to: quarters[quarters.length - 1],
      quarters: columns,
      history: indicators.map((ind) => ({
        code: ind.code,
        label: ind.label,
        values: quarters.map((_, i) => ({
          value: formatValue(ind, figures.value(ind.id, 'quarter', fromIdx + i)),
          href: figures.link(ind, 'quarter', fromIdx + i),
        })),
      })),
      charts: headline.map((ind) => ({
        code: ind.code,
        label: ind.label,
        chart: trend(ind, fromIdx, toIdx, [{ label: pole.name, figures }], provisional).chart,
      })),
      narratives: narratives.map((n) => ({
        quarter: quarterLabel(n),
        highlights: paragraphs(n.highlights),
        difficulties: paragraphs(n.difficulties),
      })),
      freshness: await this.freshness([figures], base, { level: 'pole', ids: [pole.id] }),
    };
  }

  /** What the regional page's poles table reads through. */
  private polesDeps(): RegionPolesDeps {
    const { db, clock, repo, lateness, populations } = this;
    return { db, clock, repo, lateness, populations, read: (x) => this.read(x) };
  }

  /** The population of an area a page shows: France, a region, or a funder's regions together. */
  private populationOf(area: Exclude<Area, { level: 'pole' }>): number | null {
    return area.level === 'nation' ? this.populations.france() : this.populations.regions(area.codes);
  }

  /** « Pour 10 000 habitants : chaque chiffre est divisé par la population de sa zone (…). » */
  private note(): string {
    return perInhabitantNote(this.populations);
  }

  /**
   * Active indicators in display order, the one chosen and the headline ones. A code no active indicator has
   * (an old link, a retired indicator) shows the first headline indicator, and says so next to the field.
   */
  private async catalogue(code: string | undefined) {
    const indicators = (await this.repos.indicators.list(this.db, { activeOnly: true })).map(toDashIndicator);
    const byCode = new Map(indicators.map((i) => [i.code, i]));
    const headline = HEADLINE.map((c) => byCode.get(c)).filter((i): i is DashIndicator => Boolean(i));
    const asked = code === undefined ? undefined : byCode.get(code);
    const chosen = asked ?? byCode.get(HEADLINE[0]) ?? indicators[0];
    if (!chosen) throw new NotFound();
    const indicatorNote =
      code !== undefined && !asked ? { indicateur: t('dash.filter.unknownIndicator', { code, shown: chosen.label }) } : undefined;
    const kinds = new Map<number, Kind>(indicators.map((i) => [i.id, i.kind]));
    return { indicators, chosen, headline, kindOf: (id: number) => kinds.get(id), indicatorNote };
  }

  /**
   * The rows an area's figures need: quarters over the range and the same quarter a year before it, and
   * (for tiles) the year to date ending the range and a year earlier. Scoped in SQL through `areas`.
   */
  private async figureRows(area: Area, base: Base, indicatorIds: number[], fromIdx: number, toIdx: number, withYtd = true) {
    const level = area.level;
    const areas = area.level === 'nation' ? [NATION] : area.level === 'region' ? area.codes : area.ids.map(String);
    const common = { base, level, areas, indicatorIds, category: '' } as const;
    const quarters = await this.read({ ...common, grain: 'quarter', fromIndex: Math.min(fromIdx, toIdx - 4), toIndex: toIdx });
    if (!withYtd) return quarters;
    const ytd = await this.read({ ...common, grain: 'ytd', fromIndex: toIdx - 4, toIndex: toIdx });
    return [...quarters, ...ytd.filter((r) => quarterIndex(r) === toIdx || quarterIndex(r) === toIdx - 4)];
  }

  private read(filter: AggregateFilter) {
    return this.repos.aggregatesRead.read(this.db, filter);
  }

  /** The closure of the area a page shows. */
  private closureOf(area: Area): Promise<AreaClosure> {
    return this.closure.of(closureFilter(area), this.db);
  }

  /** The range shown: the URL's, corrected, or ending on the latest consolidated quarter of the area. */
  private resolve(req: RequestedFilters, closure: AreaClosure) {
    return resolveFor(req, closure, this.lastClosed());
  }

  /** What every dashboard shares: the period form and closure banner, which base it shows, and how fresh it is. */
  private async common(
    f: DashboardFilters,
    notes: RangeNotes,
    closure: AreaClosure,
    indicators: DashIndicator[],
    chosen: DashIndicator,
    figures: Figures[],
    area: Area,
  ) {
    return {
      ...periodForm({ f, notes, closure, indicators, chosen, threshold: this.closure.threshold, max: PERIOD_CHOICES }),
      freshness: await this.freshness(figures, f.base, area),
    };
  }

  /** When the figures were last refreshed (and the oldest shown, if older), the changes waiting for `area`, the base. */
  private async freshness(figures: Figures[], base: Base, area: Area) {
    const [state, lastRun, pending] = await Promise.all([
      this.repos.aggregatesRead.freshness(this.db),
      this.repos.jobs.lastSuccess(this.db, AGGREGATE_JOBS),
      this.repos.aggregatesRead.pending(this.db, area),
    ]);
    return {
      ...freshnessText({
        lastRun,
        refreshedAt: state.refreshedAt,
        computedAts: figures.flatMap((x) => x.computedAts),
        pending,
        namePlaces: area.level !== 'pole',
      }),
      base: t('dash.base.shown', { base: t(`dash.base.${base}`) }),
      baseCode: base,
    };
  }
}

/** A narrative as the manager typed it, in paragraphs (line breaks kept without any markup from the user). */
function paragraphs(text: string): string[] {
  return text
    .split(/\r?\n\s*/)
    .map((p) => p.trim())
    .filter(Boolean);
}
