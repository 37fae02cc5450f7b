import type { TargetProgressService } from '../targets/target-progress.service.ts';
import { summaryTargets } from '../targets/progress-view.ts';
import type { Knex } from 'knex';
import type { NarrativesService } from '../narratives/narratives.service.ts';
import { isPostgres } from '../db/dialect.ts';
import type { Base, StoredAggregate } from '../aggregates/aggregates.repo.ts';
import type { AggregateFilter, AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { ClosureFilter } from '../aggregates/closure.repo.ts';
import type { ClosureService } from '../aggregates/closure.service.ts';
import { NATION } from '../aggregates/engine.ts';
import { DEFAULT_MIN_COMPARABLE_POLES, plainComparison } from '../aggregates/comparison.ts';
import { completenessUnit } from '../aggregates/completeness.ts';
import { aggregateKey, periodIndices, type AggregateKey } from '../aggregates/periods.ts';
import type { Kind } from '../aggregates/semantics.ts';
import { HEADLINE } from '../dashboards/dashboards.service.ts';
import { Figures, toDashIndicator, type FigureCell } from '../dashboards/figures.ts';
import { BadRequest, Forbidden } from '../http/errors.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { t, tDynamic } from '../i18n/messages.ts';
import type { IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { Clock } from '../lib/clock.ts';
import { SCALE } from '../lib/decimal.ts';
import { fromIndex, lastClosedQuarter, periodLabel, quarterLabel, type Quarter } from '../lib/quarters.ts';
import { ExportsRepo, type ExportPole, type ExportRegion } from './exports.repo.ts';
import { scopeNameOf } from '../lib/scope-name.ts';
import { completenessTable, type PoleQuarter } from './summary-completeness.ts';
import type { PopulationsService } from '../reference/populations.service.ts';
import { hasPerInhabitant, per10k } from '../reference/per-inhabitant.ts';
import type { NationalSummary, ScopeSummary, SummaryFigure, SummaryIndicator, SummaryPeriod } from './summary.types.ts';

/** The area of a funder's combined regions in a scope summary. */
export const SCOPE_AREA = 'PERIMETRE';

/**
 * An area's figures, one per indicator, from its stored rows; `poleIds` are the poles whose contributions it
 * counts; `single` for one pole's own figures (compared whenever it reported both periods).
 */
type FigureBuilder = (
  rows: StoredAggregate[],
  area: string,
  areaName: string,
  poleIds: number[] | 'all',
  single?: boolean,
  /** The area's population: what its figures per 10 000 inhabitants are divided by. */
  population?: number | null,
) => SummaryFigure[];

interface Catalogue {
  indicators: (SummaryIndicator & { id: number })[];
  kindOf: (id: number) => Kind | undefined;
}

/**
 * National and scope summaries for a quarter or a year: every figure read from the aggregates (a funder's
 * regions merged with the aggregation semantics, as its dashboard does), never recomputed from values.
 */
export class SummaryService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: { aggregatesRead: AggregatesReadRepo; indicators: IndicatorsRepo },
    /** Below this many poles reporting both periods, a change is not given (config MIN_COMPARABLE_POLES). */
    private readonly minComparablePoles = DEFAULT_MIN_COMPARABLE_POLES,
    /** Whether the period is « provisoire » for the area a summary covers (its files say so beside it). */
    private readonly closure: ClosureService,
    /** The scope's poles' targets and progress (the « Objectifs » sheet). */
    private readonly targets?: Pick<TargetProgressService, 'progressAt'>,
    /** The scope's poles' « faits marquants » and « difficultés » of the period's last quarter (their sheet). */
    private readonly narratives?: Pick<NarrativesService, 'forExport'>,
    /** The divisors of the figures per 10 000 inhabitants (their column). */
    private readonly populations?: PopulationsService,
    private readonly repo = new ExportsRepo(),
  ) {}

  /**
   * The latest consolidated quarter of the user's scope (a regional funder: its regions), where the export
   * form opens, and the quarters holding data there, newest first (the form offers only those).
   */
  async periodChoices(user: CurrentUser): Promise<{ latest: Quarter; withData: { quarter: Quarter; provisional: boolean }[] }> {
    const closure = await this.closure.of(scopeFilter(user), this.db);
    const latest = closure.latestConsolidated('validated') ?? closure.latestWithData('validated');
    return {
      latest: latest === null ? this.lastClosed() : fromIndex(latest),
      withData: closure.withData('validated').map((i) => ({ quarter: fromIndex(i), provisional: closure.quarterProvisional(i) })),
    };
  }

  /** Whether a summary's period is provisional for its area. */
  private async provisional(db: Knex, filter: ClosureFilter, key: AggregateKey): Promise<boolean> {
    return (await this.closure.of(filter, db)).provisional(key.grain, key.endIndex);
  }

  /** The last closed quarter: the latest period a summary may cover. */
  lastClosed(): Quarter {
    return lastClosedQuarter(this.clock.now());
  }

  /** The staff's national summary: the nation, every region with poles, completeness and definitions. */
  national(period: SummaryPeriod, base: Base = 'validated'): Promise<NationalSummary> {
    return this.inSnapshot((db) => this.nationalIn(db, period, base));
  }

  private async nationalIn(db: Knex, period: SummaryPeriod, base: Base): Promise<NationalSummary> {
    const { cat, key, regions, poles, common } = await this.frame(db, period, base);
    const nationRows = await this.read(db, { ...common, level: 'nation', areas: [NATION] });
    const regionRows = await this.read(db, { ...common, level: 'region', areas: regions.map((r) => r.code) });
    // Every pole: no list of areas to bind.
    const poleRows = await this.read(db, { ...common, level: 'pole' });
    const computedAt = await this.computedAt(db);
    const figures = this.builder(cat, key, poleRows, computedAt);
    const quarters = await this.poleQuarters(db, key, common, poleRows, poles);
    return {
      period,
      periodLabel: periodLabel(period),
      provisional: await this.provisional(db, {}, key),
      base,
      computedAt,
      ...ytd(key),
      comparedWith: comparedWith(key),
      indicators: cat.indicators.map(({ id: _id, ...rest }) => rest),
      national: figures(nationRows, NATION, t('exports.area.nation'), 'all', false, this.populations?.france()),
      ...regionParts(figures, regions, poles, regionRows, this.populations),
      completeness: completenessTable(NATION, t('exports.area.nation'), regions, quarters, key),
    };
  }

  /**
   * A funder's summary (staff: everything): its scope's own figures (its regions merged; the nation for a
   * national scope), its regions and its poles. Non-staff read validated figures only.
   */
  async scope(user: CurrentUser, period: SummaryPeriod, base: Base = 'validated'): Promise<ScopeSummary> {
    // A manager's scope is its poles, not a funder's regions: it has no scope summary.
    if (user.role === 'manager') throw new Forbidden('no scope summary for managers');
    if (base !== 'validated' && user.role !== 'staff') throw new BadRequest('base reserved to staff');
    return this.inSnapshot((db) => this.scopeIn(db, user, period, base));
  }

  private async scopeIn(db: Knex, user: CurrentUser, period: SummaryPeriod, base: Base): Promise<ScopeSummary> {
    const { cat, key, regions, poles, common } = await this.frame(db, period, base, user);
    const partial = user.role === 'funder' && user.regionCodes.length > 0;
    const regionRows = await this.read(db, { ...common, level: 'region', areas: regions.map((r) => r.code) });
    // A national scope reads every pole (no list of areas to bind); a partial one names its poles.
    const poleRows = await this.read(db, { ...common, level: 'pole', areas: partial ? poles.map((p) => String(p.id)) : undefined });
    const computedAt = await this.computedAt(db);
    const figures = this.builder(cat, key, poleRows, computedAt);
    const byPole = groupBy(poleRows, (r) => r.area);
    // A forwarded file must still say what it covers: the scope is named by all its regions (those without
    // poles too: they are part of what the funder covers), not « votre périmètre ».
    const scopeRegions = partial ? (await this.repo.regions(db)).filter((r) => user.regionCodes.includes(r.code)) : [];
    const scopeName = partial ? scopeNameOf(scopeRegions) : t('exports.area.nation');
    // Pole rows were read for the poles in scope only, so 'all' counts the scope's contributors.
    const pop = this.populations;
    const nationRows = partial ? [] : await this.read(db, { ...common, level: 'nation', areas: [NATION] });
    const own = partial
      ? figures(regionRows, SCOPE_AREA, scopeName, 'all', false, pop?.regions(scopeRegions.map((r) => r.code)))
      : figures(nationRows, NATION, t('exports.area.nation'), 'all', false, pop?.france());
    const polePopulation = pop
      ? await pop.poles(
          db,
          poles.map((p) => p.id),
        )
      : new Map<number, number | null>();
    const quarters = await this.poleQuarters(db, key, common, poleRows, poles, partial ? poles.map((p) => String(p.id)) : undefined);
    return {
      period,
      periodLabel: periodLabel(period),
      provisional: await this.provisional(db, scopeFilter(user), key),
      base,
      computedAt,
      ...ytd(key),
      comparedWith: comparedWith(key),
      scopeName,
      scopeCodes: scopeRegions.map((r) => r.code).sort(),
      indicators: cat.indicators.map(({ id: _id, ...rest }) => rest),
      national: own,
      ...regionParts(figures, regions, poles, regionRows, pop),
      completeness: completenessTable(partial ? SCOPE_AREA : NATION, scopeName, regions, quarters, key),
      poles: poles.flatMap((p) => figures(byPole.get(String(p.id)) ?? [], p.slug, p.name, [p.id], true, polePopulation.get(p.id))),
      targets: this.targets ? summaryTargets(await this.targets.progressAt(db, poles, key.endIndex, base)) : undefined,
      ...(this.narratives ? await this.narratives.forExport(db, user, key.endIndex, base) : {}),
    };
  }

  /** What both summaries start from: the catalogue, the period's key, the regions and poles in view, the filter their reads share. */
  private async frame(db: Knex, period: SummaryPeriod, base: Base, user?: CurrentUser) {
    const cat = await this.catalogue(db);
    const key = aggregateKey(period, this.lastClosed());
    const regions = await this.repo.regionsWithPoles(db, user);
    const poles = await this.repo.poles(db, user);
    const common = {
      base,
      indicatorIds: cat.indicators.map((i) => i.id),
      category: '',
      grain: key.grain,
      fromIndex: key.endIndex,
      toIndex: key.endIndex,
    } as const;
    return { cat, key, regions, poles, common };
  }

  /**
   * Every pole-quarter of the period in view (`areas`: the poles read; all when absent), with its region,
   * whether some indicator expected it and whether some indicator got a value: the completeness of the
   * period, all indicators together, read from the pole-level quarter aggregates.
   */
  private async poleQuarters(
    db: Knex,
    key: AggregateKey,
    common: Omit<AggregateFilter, 'level'>,
    periodRows: StoredAggregate[],
    poles: ExportPole[],
    areas?: string[],
  ): Promise<PoleQuarter[]> {
    const indices = periodIndices(key.grain, key.endIndex);
    const rows =
      key.grain === 'quarter'
        ? periodRows
        : await this.read(db, { ...common, level: 'pole', grain: 'quarter', fromIndex: indices[0], toIndex: key.endIndex, areas });
    const regionOf = new Map(poles.map((p) => [String(p.id), p.region_code]));
    const byKey = new Map<string, PoleQuarter>();
    for (const r of rows) {
      const k = `${r.area}|${r.year}|${r.quarter}`;
      const region = regionOf.get(r.area);
      // A pole outside the poles in view (read when the scope is national) is not part of its completeness.
      if (region === undefined) continue;
      const pq = byKey.get(k) ?? { region, expected: false, reported: false };
      pq.expected ||= r.expected > 0;
      pq.reported ||= r.reported > 0;
      byKey.set(k, pq);
    }
    return [...byKey.values()];
  }

  /** Active indicators in catalogue order, as the « Définitions » sheet shows them. */
  private async catalogue(db: Knex): Promise<Catalogue> {
    const rows = await this.repos.indicators.list(db, { activeOnly: true });
    const kinds = new Map<number, Kind>(rows.map((r) => [r.id, r.kind]));
    const indicators = rows.map((r) => {
      const d = toDashIndicator(r);
      return {
        id: r.id,
        code: r.code,
        label: r.label_fr,
        definition: r.definition_fr,
        unit: tDynamic('unit', r.unit),
        decimals: d.decimals,
        kind: r.kind,
        headline: (HEADLINE as readonly string[]).includes(r.code),
      };
    });
    return { indicators, kindOf: (id) => kinds.get(id) };
  }

  /** Turns an area's stored rows (several regions are merged) into one figure per indicator. */
  private builder(cat: Catalogue, key: AggregateKey, poleRows: StoredAggregate[], computedAt: string | null): FigureBuilder {
    // The poles that gave each indicator a value in the period: its contributors, wherever they are.
    const contributing = new Map<number, Set<number>>();
    for (const r of poleRows) {
      if (r.value === null) continue;
      const set = contributing.get(r.indicatorId) ?? new Set<number>();
      set.add(Number(r.area));
      contributing.set(r.indicatorId, set);
    }
    const unit = completenessUnit(key.grain);
    return (rows, area, areaName, poleIds, single = false, population) => {
      const figures = new Figures(rows, cat.kindOf);
      return cat.indicators.map((ind) => {
        const cell: FigureCell | undefined = figures.get(ind.id, key.grain, key.endIndex);
        const set = contributing.get(ind.id);
        const contributors = !set ? 0 : poleIds === 'all' ? set.size : poleIds.filter((id) => set.has(id)).length;
        const value = cell?.value === null || cell?.value === undefined ? null : cell.value / SCALE;
        return {
          indicator: ind.code,
          area,
          areaName,
          value,
          reported: cell?.reported ?? 0,
          expected: cell?.expected ?? 0,
          completenessUnit: unit,
          comparison: plainComparison(ind.kind, cell, this.minComparablePoles, single),
          computedAt: cell?.computedAt ?? computedAt ?? '',
          ...(population === undefined
            ? {}
            : { population, per10kInhabitants: hasPerInhabitant(ind.kind) ? per10k(value, population) : null }),
          contributors,
        };
      });
    };
  }

  private read(db: Knex, filter: AggregateFilter) {
    return this.repos.aggregatesRead.read(db, filter);
  }

  /**
   * Runs a summary's reads in one read transaction, so that they all see the same aggregates: a refresh
   * or a rebuild committing between two reads cannot make the figures, the completeness and the
   * contributors of a (possibly published) summary disagree. SQLite's WAL gives a read transaction its
   * snapshot; PostgreSQL needs REPEATABLE READ for that.
   */
  private inSnapshot<T>(work: (db: Knex) => Promise<T>): Promise<T> {
    return this.db.transaction((trx) => work(trx), isPostgres(this.db) ? { isolationLevel: 'repeatable read', readOnly: true } : undefined);
  }

  /** The latest of the aggregates' last refresh and last rebuild. */
  private async computedAt(db: Knex): Promise<string | null> {
    const f = await this.repos.aggregatesRead.freshness(db);
    const stamps = [f.refreshedAt, f.rebuiltAt].filter((s): s is string => Boolean(s)).sort();
    return stamps.length ? stamps[stamps.length - 1] : null;
  }
}

/** The last closed quarter of a year still running (its figures are the year to date), else nothing. */
function ytd(key: AggregateKey): { ytdThrough?: number } {
  return key.grain === 'ytd' ? { ytdThrough: fromIndex(key.endIndex).quarter } : {};
}

/** The period the comparisons are made with, a year earlier: « 2025-T2 », « 2025 », « 2025, cumul à fin T3 ». */
function comparedWith(key: AggregateKey): string {
  const before = fromIndex(key.endIndex - 4);
  if (key.grain === 'quarter') return quarterLabel(before);
  if (key.grain === 'ytd') return t('exports.period.ytd', { year: before.year, quarter: before.quarter });
  return String(before.year);
}

/** Each region's figures (its contributors counted among its own poles), in region order. */
function regionParts(
  figures: FigureBuilder,
  regions: ExportRegion[],
  poles: ExportPole[],
  regionRows: StoredAggregate[],
  populations?: PopulationsService,
) {
  const byRegion = groupBy(regionRows, (r) => r.area);
  const polesOf = groupBy(poles, (p) => p.region_code);
  return {
    regions: regions.flatMap((r) =>
      figures(
        byRegion.get(r.code) ?? [],
        r.code,
        r.name,
        (polesOf.get(r.code) ?? []).map((p) => p.id),
        false,
        populations?.region(r.code),
      ),
    ),
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** The poles a user's scope covers, for closure: a regional funder's regions, else the nation. */
function scopeFilter(user: CurrentUser): ClosureFilter {
  return user.role === 'funder' && user.regionCodes.length ? { regionCodes: user.regionCodes } : {};
}
