import type { Knex } from 'knex';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { AreaClosure, ClosureService } from '../aggregates/closure.service.ts';
import { NATION } from '../aggregates/engine.ts';
import { HEADLINE } from '../dashboards/dashboards.service.ts';
import type { DashboardsRepo, ScopeRegion } from '../dashboards/dashboards.repo.ts';
import { Figures, toDashIndicator, type DashIndicator } from '../dashboards/figures.ts';
import { periodForm, resolveFor } from '../dashboards/period-view.ts';
import { NotFound } from '../http/errors.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { t } from '../i18n/messages.ts';
import type { IndicatorsRepo } from '../indicators/indicators.repo.ts';
import { formatNumber } from '../lib/format.ts';
import { lastClosedQuarter, quarterIndex, quarterLabel, type Quarter } from '../lib/quarters.ts';
import type { Clock } from '../lib/clock.ts';
import type { Populations } from '../reference/population.ts';
import type { ReferenceRepo } from '../reference/reference.repo.ts';
import { hasPerInhabitant, measureOptions, noPerInhabitantText } from '../reference/per-inhabitant.ts';
import { comparisonChart, type ComparedArea } from './comparison-chart.ts';
import { MAX_REGIONS, type CompareErrors, type CompareQuery } from './comparison.schema.ts';

/** The form's fields, in order. */
const FIELDS = ['indicateur', 'regions', 'de', 'a', 'mesure'] as const;
/** How far back the period selects go (as on the dashboards). */
const PERIOD_CHOICES = 24;

export interface ComparisonServiceDeps {
  db: Knex;
  clock: Clock;
  repos: {
    aggregatesRead: Pick<AggregatesReadRepo, 'read'>;
    indicators: Pick<IndicatorsRepo, 'list'>;
    scope: Pick<DashboardsRepo, 'regionsInScope'>;
    reference: Pick<ReferenceRepo, 'regions'>;
  };
  /** Which quarters are « consolidé » and which « provisoire »: the dashboards' closure. */
  closure: ClosureService;
  populations: Populations;
}

/** « Comparer des régions »: several regions and France over time for one indicator, raw or per inhabitant. */
export class ComparisonService {
  constructor(private readonly deps: ComparisonServiceDeps) {}

  /**
   * The page for a user and a query. A region that exists but is outside the user's scope is a 404 (it
   * never appears); an unknown indicator or region code, a malformed field, too many regions: `errors`,
   * the form shown again without figures.
   */
  async page(user: CurrentUser, q: CompareQuery) {
    const { db, repos } = this.deps;
    const [indicators, allowed, all] = await Promise.all([
      repos.indicators.list(db, { activeOnly: true }).then((rows) => rows.map(toDashIndicator)),
      repos.scope.regionsInScope(db, user),
      repos.reference.regions(db),
    ]);
    const allowedCodes = new Set(allowed.map((r) => r.code));
    const known = new Set(all.map((r) => r.code));
    if ((q.regions ?? []).some((c) => known.has(c) && !allowedCodes.has(c))) throw new NotFound();
    const errors: CompareErrors = { ...q.errors };
    const unknown = (q.regions ?? []).find((c) => !known.has(c));
    if (!errors.regions && unknown !== undefined) errors.regions = t('compare.error.regionUnknown', { code: unknown });
    const asked = q.indicator === undefined ? undefined : indicators.find((i) => i.code === q.indicator);
    if (q.indicator !== undefined && !asked) errors.indicateur = t('compare.error.indicator', { code: q.indicator });
    const chosen = asked ?? indicators.find((i) => i.code === HEADLINE[0]) ?? indicators[0];
    if (!chosen) throw new NotFound();
    const codes = q.regions ?? defaultRegions(user, allowed);
    const selected = allowed.filter((r) => codes.includes(r.code));
    const form = {
      regionOptions: allowed.map((r) => ({ value: r.code, label: r.name, selected: codes.includes(r.code) })),
      measureOptions: measureOptions(q.measure),
    };
    const invalid = Object.keys(errors).length > 0;
    // The error summary lists them in the form's order.
    const ordered = Object.fromEntries(FIELDS.filter((k) => errors[k]).map((k) => [k, errors[k]!])) as CompareErrors;
    const view = await this.figures(chosen, indicators, selected, q, ordered);
    return { invalid, errors: ordered, form, ...view, figures: invalid ? null : view.figures };
  }

  /** The range, the period form, and (when the query is valid) the chart, its table and the populations. */
  private async figures(
    chosen: DashIndicator,
    indicators: DashIndicator[],
    regions: ScopeRegion[],
    q: CompareQuery,
    errors: CompareErrors,
  ) {
    const { db, closure: closures, populations } = this.deps;
    // France is always shown: its closure decides the default range, as the national dashboard's does.
    const nation = await closures.of({}, db);
    const lastClosed = lastClosedQuarter(this.deps.clock.now());
    const { filters: f, notes } = resolveFor({ indicator: chosen.code, from: q.from, to: q.to, base: 'validated' }, nation, lastClosed);
    const period = periodForm({ f, notes, closure: nation, indicators, chosen, threshold: closures.threshold, max: PERIOD_CHOICES });
    const fromIdx = quarterIndex(f.from);
    const toIdx = quarterIndex(f.to);
    const areas = await this.areas(chosen, regions, nation, fromIdx, toIdx);
    const perInhabitantAsked = q.measure === 'habitants';
    const perInhabitant = perInhabitantAsked && hasPerInhabitant(chosen.kind);
    const chart = comparisonChart(chosen, fromIdx, toIdx, areas, perInhabitant);
    return {
      title: t('compare.title'),
      indicator: chosen,
      period: { from: quarterLabel(f.from), to: quarterLabel(f.to) },
      // The range's corrections (reversed, too long, not ended yet) beside the query's own errors.
      filters: { ...period.filters, errors: { ...period.filters.errors, ...errors } },
      typed: q.typed,
      shareUrl: shareUrl(chosen.code, regions, f.from, f.to, perInhabitant ? 'habitants' : 'brut'),
      perInhabitant,
      noPerInhabitant: perInhabitantAsked && !perInhabitant ? noPerInhabitantText(chosen.kind) : null,
      noRegion: regions.length === 0 ? t('compare.noRegion') : null,
      anyProvisional: chart.rows.some((r) => r.provisional),
      figures: {
        ...chart,
        populations: perInhabitant ? populationTable(areas, populations) : null,
      },
    };
  }

  /** The lines compared: each region's and France's stored cells, population and closure. */
  private async areas(chosen: DashIndicator, regions: ScopeRegion[], nation: AreaClosure, fromIdx: number, toIdx: number) {
    const { db, closure: closures, populations } = this.deps;
    const codes = regions.map((r) => r.code);
    const perRegion = codes.length ? await closures.byArea({ regionCodes: codes }, 'region', db) : new Map<string, AreaClosure>();
    const read = (level: 'region' | 'nation', areas: string[]) =>
      this.deps.repos.aggregatesRead.read(db, {
        base: 'validated',
        level,
        areas,
        indicatorIds: [chosen.id],
        category: '',
        grain: 'quarter',
        fromIndex: fromIdx,
        toIndex: toIdx,
      });
    // One after the other: the same reads the dashboards make, on one connection at a time.
    const regionRows = codes.length ? await read('region', codes) : [];
    const nationRows = await read('nation', [NATION]);
    const kindOf = () => chosen.kind;
    const areas: ComparedArea[] = [
      ...regions.map((r) => ({
        key: r.code,
        label: r.name,
        figures: new Figures(
          regionRows.filter((x) => x.area === r.code),
          kindOf,
        ),
        population: populations.region(r.code) ?? 0,
        // A region without poles has no closure of its own: the nation's says whether the quarter is settled.
        provisional: (i: number) => perRegion.get(r.code)?.quarterProvisional(i) ?? nation.quarterProvisional(i),
      })),
      {
        key: NATION,
        label: t('dash.nation'),
        figures: new Figures(nationRows, kindOf),
        population: populations.france(),
        provisional: (i: number) => nation.quarterProvisional(i),
        reference: true,
      },
    ];
    return areas;
  }
}

/** A regional funder's regions, a manager's poles' regions; nobody for staff and national funders (they choose). */
function defaultRegions(user: CurrentUser, allowed: ScopeRegion[]): string[] {
  if (user.role === 'staff' || (user.role === 'funder' && user.regionCodes.length === 0)) return [];
  return allowed.slice(0, MAX_REGIONS).map((r) => r.code);
}

/** Which population divides each line, and its vintage. */
function populationTable(areas: ComparedArea[], populations: Populations) {
  return {
    rows: areas.map((a) => ({
      key: a.key,
      label: a.reference ? t('compare.population.france') : a.label,
      population: formatNumber(a.population),
    })),
    source: t('compare.population.source', { vintage: populations.vintage }),
  };
}

/** The page's address for what it shows (the dashboards link here the same way). */
export function shareUrl(indicator: string, regions: { code: string }[], from: Quarter, to: Quarter, measure: string) {
  const p = new URLSearchParams({ indicateur: indicator });
  for (const r of regions) p.append('regions', r.code);
  p.set('de', quarterLabel(from));
  p.set('a', quarterLabel(to));
  p.set('mesure', measure);
  return `/comparer?${p.toString()}`;
}
