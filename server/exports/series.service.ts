// The time-series export: indicator × area × quarter for the user's scope, read from the stored quarter
// aggregates (base « validées »), area by area, the poles in slices so that a 2,000-pole network is
// written with flat memory. Scope in SQL (ExportsRepo's poles and regions go through scopePoles); the
// nation only for staff and national funders: a regional funder is never given it, as on the dashboards
// (its « national » page is its own regions), the API (403 on level=nation) and /chiffres/calcul.
import type { Knex } from 'knex';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { Grain } from '../aggregates/periods.ts';
import type { AreaClosure, ClosureService } from '../aggregates/closure.service.ts';
import { NATION } from '../aggregates/engine.ts';
import { toDashIndicator } from '../dashboards/figures.ts';
import { Forbidden } from '../http/errors.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { t, tDynamic } from '../i18n/messages.ts';
import type { IndicatorsRepo } from '../indicators/indicators.repo.ts';
import { addQuarters, fromIndex, quarterIndex, type Quarter } from '../lib/quarters.ts';
import { scopeNameOf } from '../lib/scope-name.ts';
import type { PopulationsService } from '../reference/populations.service.ts';
import type { TargetRow, TargetsRepo } from '../targets/targets.repo.ts';
import type { ExportPole, ExportRegion, ExportsRepo } from './exports.repo.ts';
import type { Parsed } from './exports.schema.ts';
import { areaRows, cellKey, cellsByArea, type PoleTargets, type SeriesIndicator, type SeriesRow } from './series-rows.ts';
import type { SeriesFormat, SeriesQuery } from './series.schema.ts';

/** Excel's sheet holds 1,048,576 rows: a workbook is refused beyond this many (a CSV is not). */
export const MAX_XLSX_ROWS = 1_000_000;
/** Poles read at once: their cells, closures, populations and targets, then written before the next slice. */
const POLE_SLICE = 100;
/** The range the form proposes: the two years up to the scope's latest consolidated quarter. */
const DEFAULT_QUARTERS = 8;

export interface SeriesPlan {
  from: Quarter;
  to: Quarter;
  indices: number[];
  indicators: SeriesIndicator[];
  format: SeriesFormat;
  /** A regional funder: its regions and their poles, no nation. */
  regionCodes: string[] | null;
  scopeName: string;
  regions: ExportRegion[];
  poles: ExportPole[];
  rowCount: number;
}

export interface SeriesServiceDeps {
  db: Knex;
  repos: {
    aggregatesRead: Pick<AggregatesReadRepo, 'read'>;
    indicators: Pick<IndicatorsRepo, 'list'>;
    targets: Pick<TargetsRepo, 'validatedOfYear'>;
    exports: Pick<ExportsRepo, 'poles' | 'regionsWithPoles' | 'regions'>;
  };
  /** « consolidé » or « provisoire »: the dashboards' closure, area by area. */
  closure: Pick<ClosureService, 'of' | 'byArea' | 'lastClosed'>;
  populations: Pick<PopulationsService, 'france' | 'region' | 'poles' | 'vintage'>;
  poleSlice?: number;
}

/** A regional funder's regions (its scope has no nation); null for staff and national funders. */
const partialScope = (user: CurrentUser) => (user.role === 'funder' && user.regionCodes.length ? user.regionCodes : null);

/** Time series of the user's scope, as a plan (checked, counted) and then its rows, streamed. */
export class SeriesService {
  constructor(private readonly deps: SeriesServiceDeps) {}

  /** The population vintage every per-inhabitant figure of the file uses. */
  get vintage(): string {
    return this.deps.populations.vintage;
  }

  lastClosed(): Quarter {
    return this.deps.closure.lastClosed();
  }

  /** The form: the active indicators, and the two years up to the scope's latest consolidated quarter. */
  async form(user: CurrentUser) {
    const { db, repos, closure } = this.deps;
    const indicators = await repos.indicators.list(db, { activeOnly: true });
    const codes = partialScope(user);
    const scope = await closure.of(codes ? { regionCodes: codes } : {}, db);
    const latest = scope.latestConsolidated('validated');
    const to = latest === null ? this.lastClosed() : fromIndex(latest);
    return { indicators: indicators.map((i) => ({ code: i.code, label: i.label_fr })), from: addQuarters(to, 1 - DEFAULT_QUARTERS), to };
  }

  /** Checks the query against the catalogue and the scope; counts the rows (a workbook has a ceiling). */
  async plan(user: CurrentUser, q: SeriesQuery): Promise<Parsed<SeriesPlan>> {
    if (user.role === 'manager') throw new Forbidden('no scope export for managers');
    const { db, repos } = this.deps;
    const catalogue = await repos.indicators.list(db, { activeOnly: true });
    const unknown = q.indicators?.find((c) => !catalogue.some((i) => i.code === c));
    if (unknown !== undefined) return { ok: false, errors: { indicateurs: t('series.error.indicatorUnknown', { code: unknown }) } };
    const chosen = q.indicators ? catalogue.filter((i) => q.indicators!.includes(i.code)) : catalogue;
    const regionCodes = partialScope(user);
    const regions = await repos.exports.regionsWithPoles(db, user);
    const poles = await repos.exports.poles(db, user);
    const indices: number[] = [];
    for (let i = quarterIndex(q.from); i <= quarterIndex(q.to); i++) indices.push(i);
    const rowCount = chosen.length * indices.length * ((regionCodes ? 0 : 1) + regions.length + poles.length);
    if (q.format === 'xlsx' && rowCount > MAX_XLSX_ROWS)
      return { ok: false, errors: { format: t('series.error.xlsxTooBig', { rows: rowCount, max: MAX_XLSX_ROWS }) } };
    const scopeName = regionCodes
      ? scopeNameOf((await repos.exports.regions(db)).filter((r) => regionCodes.includes(r.code)))
      : t('exports.area.nation');
    const indicators = chosen.map((row) => ({ row, decimals: toDashIndicator(row).decimals, unit: tDynamic('unit', row.unit) }));
    return {
      ok: true,
      data: { from: q.from, to: q.to, indices, indicators, format: q.format, regionCodes, scopeName, regions, poles, rowCount },
    };
  }

  /** Every row of the plan: the nation (staff, national funders), each region, then each pole, slice by slice. */
  async *rows(plan: SeriesPlan): AsyncGenerator<SeriesRow> {
    const { db, closure, populations } = this.deps;
    // An area without poles of its own has no closure: the deadline alone decides (as the API says).
    const none = await closure.of({ poleIds: [] }, db);
    if (!plan.regionCodes) {
      const cells = cellsByArea(await this.read(plan, 'nation', [NATION]));
      const nation = {
        level: 'nation',
        code: NATION,
        name: t('exports.area.nation'),
        stored: NATION,
        population: populations.france(),
      } as const;
      yield* areaRows(nation, plan.indicators, plan.indices, cells.get(NATION), await closure.of({}, db));
    }
    if (plan.regions.length) {
      const codes = plan.regions.map((r) => r.code);
      const cells = cellsByArea(await this.read(plan, 'region', codes));
      const closures = await closure.byArea(plan.regionCodes ? { regionCodes: plan.regionCodes } : {}, 'region', db);
      for (const r of plan.regions) {
        const area = { level: 'region', code: r.code, name: r.name, stored: r.code, population: populations.region(r.code) } as const;
        yield* areaRows(area, plan.indicators, plan.indices, cells.get(r.code), closures.get(r.code) ?? none);
      }
    }
    const slice = this.deps.poleSlice ?? POLE_SLICE;
    for (let i = 0; i < plan.poles.length; i += slice) {
      yield* await this.poleRows(plan, plan.poles.slice(i, i + slice), none);
      // Let other requests in between two slices of a large network.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** One slice of poles: their cells, closures, populations and targets, read at once. */
  private async poleRows(plan: SeriesPlan, poles: ExportPole[], none: AreaClosure): Promise<SeriesRow[]> {
    const { db, closure, populations } = this.deps;
    const ids = poles.map((p) => p.id);
    const cells = cellsByArea(await this.read(plan, 'pole', ids.map(String)));
    const closures = await closure.byArea({ poleIds: ids }, 'pole', db);
    const inhabitants = await populations.poles(db, ids);
    const targets = await this.targets(plan, ids);
    return poles.flatMap((p) => {
      const stored = String(p.id);
      const area = { level: 'pole', code: p.slug, name: p.name, stored, population: inhabitants.get(p.id) ?? null } as const;
      return areaRows(area, plan.indicators, plan.indices, cells.get(stored), closures.get(stored) ?? none, targets(p.id));
    });
  }

  /**
   * The poles' validated annual targets (totals) of the range's years, and their year-to-date cells where
   * a target needs them: what progress.ts compares, as the tiles and the scope file's « Objectifs » do.
   */
  private async targets(plan: SeriesPlan, ids: number[]): Promise<(poleId: number) => PoleTargets> {
    const { db, repos } = this.deps;
    const wanted = new Set(plan.indicators.map((i) => i.row.id));
    const years = [...new Set(plan.indices.map((i) => fromIndex(i).year))];
    const byKey = new Map<string, TargetRow>();
    for (const year of years)
      for (const x of await repos.targets.validatedOfYear(db, ids, year))
        if (wanted.has(x.indicator_id)) byKey.set(`${x.pole_id}|${x.indicator_id}|${year}`, x);
    const withTarget = [...new Set([...byKey.values()].map((x) => x.pole_id))];
    const indicatorIds = [...new Set([...byKey.values()].map((x) => x.indicator_id))];
    const ytd = withTarget.length ? cellsByArea(await this.read(plan, 'pole', withTarget.map(String), 'ytd', indicatorIds)) : new Map();
    return (poleId) => ({
      target: (indicatorId, year) => byKey.get(`${poleId}|${indicatorId}|${year}`),
      ytd: (indicatorId, index) => ytd.get(String(poleId))?.get(cellKey(indicatorId, index)),
    });
  }

  private read(plan: SeriesPlan, level: 'nation' | 'region' | 'pole', areas: string[], grain: Grain = 'quarter', indicatorIds?: number[]) {
    return this.deps.repos.aggregatesRead.read(this.deps.db, {
      base: 'validated',
      level,
      areas,
      indicatorIds: indicatorIds ?? plan.indicators.map((i) => i.row.id),
      category: '',
      grain,
      fromIndex: plan.indices[0],
      toIndex: plan.indices[plan.indices.length - 1],
    });
  }
}
