// « Comment ce chiffre est calculé »: one stored figure taken apart into the stored figures it combines
// (the regions for the nation or a funder's scope, the poles for a region, the quarters for a pole over
// a longer period), the poles expected without a value and why, the like-for-like comparison, the base
// and when it was computed. Every number on the page is an aggregate row read here; the only arithmetic
// is semantics.ts's own (combine() for a set of regions, remainder() for what lies outside the scope).
import type { Knex } from 'knex';
import { BASE_STATUSES, type StoredAggregate } from '../aggregates/aggregates.repo.ts';
import type { AggregateFilter, AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { ClosureService } from '../aggregates/closure.service.ts';
import { NATION } from '../aggregates/engine.ts';
import { periodIndices } from '../aggregates/periods.ts';
import { combine, remainder, type Cell } from '../aggregates/semantics.ts';
import type { DashboardsRepo, ScopeRegion } from '../dashboards/dashboards.repo.ts';
import { oldest, toDashIndicator, type DashIndicator } from '../dashboards/figures.ts';
import { closureFilter, type Area } from '../dashboards/period-view.ts';
import { NotFound } from '../http/errors.ts';
import type { CurrentUser } from '../http/current-user.ts';
import type { IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { PolesRepo } from '../poles/poles.repo.ts';
import { quarterIndex } from '../lib/quarters.ts';
import type { FigureKey, Zone } from './provenance.schema.ts';
import type { ProvenanceRepo, ZonePole } from './provenance.repo.ts';
import { provenanceView, type Gap, type Part, type ProvenanceInput } from './provenance-view.ts';

export interface ProvenanceServiceDeps {
  db: Knex;
  repos: {
    aggregatesRead: AggregatesReadRepo;
    indicators: IndicatorsRepo;
    poles: Pick<PolesRepo, 'findInScope'>;
    provenance: ProvenanceRepo;
    scope: Pick<DashboardsRepo, 'regionsInScope'>;
  };
  closure: ClosureService;
  minComparablePoles: number;
}

/** The zone resolved inside the user's scope: what it covers and what its figure is made of. */
type Resolved =
  | { kind: 'nation'; area: Area; regions: ScopeRegion[]; regionCodes: null; name: null }
  | { kind: 'regions'; area: Area; regions: ScopeRegion[]; regionCodes: string[]; name: string }
  | { kind: 'pole'; area: Area; pole: ZonePole; regionCodes: string[]; name: string };

/** At most this many missing pole-quarters are listed; the page says how many more there are. */
export const MAX_GAPS = 200;

export class ProvenanceService {
  constructor(private readonly deps: ProvenanceServiceDeps) {}

  /** The page's model, in words (provenance-view.ts). */
  async explain(user: CurrentUser, key: FigureKey) {
    return provenanceView(await this.model(user, key));
  }

  /** The figure, its parts and its gaps as stored rows: what the page says, before any formatting. */
  async model(user: CurrentUser, key: FigureKey): Promise<ProvenanceInput> {
    const { db, repos } = this.deps;
    const row = await repos.indicators.findByCode(db, key.indicator);
    if (!row) throw new NotFound();
    const indicator = toDashIndicator(row);
    const zone = await this.resolve(user, key.zone);
    const endIndex = quarterIndex(key.end);
    const indices = periodIndices(key.grain, endIndex);
    const at = { base: key.base, indicatorIds: [indicator.id], category: '', grain: key.grain, fromIndex: endIndex, toIndex: endIndex };

    // The zone's poles the user may see, and their own figures for the period.
    const poles =
      zone.kind === 'pole' ? [zone.pole] : await repos.provenance.zonePoles(db, user, zone.kind === 'nation' ? null : zone.regionCodes);
    const poleRows = await this.read({ ...at, level: 'pole', areas: poles.map((p) => String(p.id)) });

    const { figure, figureRows, parts, partsOf } = await this.decompose(zone, at, poles, poleRows, indicator, indices);
    const componentIds = [row.numerator_id, row.denominator_id].filter((x): x is number => typeof x === 'number');
    const gaps = await this.gaps(key, [indicator.id, ...componentIds], poles, poleRows, indices);
    const closure = await this.deps.closure.of(closureFilter(zone.area), db);
    const components = await this.components(row.numerator_id, row.denominator_id);
    return {
      key,
      indicator,
      definition: row.definition_fr,
      components,
      zone: { kind: zone.kind, name: zone.name, regionCodes: zone.regionCodes, slug: zone.kind === 'pole' ? zone.pole.slug : null },
      figure,
      parts,
      partsOf,
      gaps,
      provisional: closure.provisional(key.grain, endIndex),
      consolidatedBy: closure.consolidatedBy(key.grain, endIndex),
      computedAt: oldest(figureRows.map((r) => r.computedAt)),
      minComparablePoles: this.deps.minComparablePoles,
      threshold: this.deps.closure.threshold,
    };
  }

  /** The zone named by the key, inside the user's scope; anything else is a 404, as a URL outside it is. */
  private async resolve(user: CurrentUser, zone: Zone): Promise<Resolved> {
    const { db, repos } = this.deps;
    if (zone.kind === 'pole') {
      const pole = await repos.poles.findInScope(db, user, zone.slug);
      if (!pole) throw new NotFound();
      const zp: ZonePole = { id: pole.id, name: pole.name, slug: pole.slug, regionCode: pole.region_code, regionName: '' };
      return { kind: 'pole', area: { level: 'pole', ids: [pole.id] }, pole: zp, regionCodes: [pole.region_code], name: pole.name };
    }
    const scope = await repos.scope.regionsInScope(db, user);
    if (zone.kind === 'nation') {
      // A regional funder's figures are those of its regions: the nation's is not theirs to see.
      if (user.role === 'funder' && user.regionCodes.length) throw new NotFound();
      return { kind: 'nation', area: { level: 'nation' }, regions: scope, regionCodes: null, name: null };
    }
    const regions = zone.codes.map((code) => scope.find((r) => r.code === code));
    if (regions.some((r) => !r)) throw new NotFound();
    const list = regions as ScopeRegion[];
    return {
      kind: 'regions',
      area: { level: 'region', codes: zone.codes },
      regions: list,
      regionCodes: zone.codes,
      name: list
        .map((r) => r.name)
        .sort((a, b) => a.localeCompare(b, 'fr'))
        .join(' + '),
    };
  }

  /**
   * The figure and the stored figures it combines. The nation and a set of regions are made of regions;
   * one region of its poles; a pole over several quarters of its quarters. What lies outside the user's
   * scope is one line, the difference between the figure and what is shown.
   */
  private async decompose(
    zone: Resolved,
    at: Omit<AggregateFilter, 'level'>,
    poles: ZonePole[],
    poleRows: StoredAggregate[],
    indicator: DashIndicator,
    indices: number[],
  ): Promise<{ figure: Cell | null; figureRows: StoredAggregate[]; parts: Part[]; partsOf: 'regions' | 'poles' | 'quarters' | null }> {
    const kind = indicator.kind;
    if (zone.kind === 'pole') {
      const figureRows = poleRows;
      if (at.grain === 'quarter') return { figure: figureRows[0] ?? null, figureRows, parts: [], partsOf: null };
      const quarters = await this.read({
        ...at,
        level: 'pole',
        areas: [String(zone.pole.id)],
        grain: 'quarter',
        fromIndex: indices[0],
        toIndex: indices[indices.length - 1],
      });
      const parts: Part[] = quarters.map((r) => ({ kind: 'quarter', index: quarterIndex(r), cell: r }));
      return { figure: figureRows[0] ?? null, figureRows, parts, partsOf: 'quarters' };
    }
    if (zone.kind === 'nation' || zone.regionCodes.length > 1) {
      const rows = await this.read({ ...at, level: 'region', areas: zone.kind === 'nation' ? undefined : zone.regionCodes });
      const shown = rows.filter((r) => zone.regions.some((s) => s.code === r.area));
      const parts: Part[] = shown.map((r) => ({
        kind: 'region',
        code: r.area,
        name: zone.regions.find((s) => s.code === r.area)!.name,
        cell: r,
      }));
      // In French alphabetical order, as the regions are read (the rows come in code order).
      parts.sort((a, b) => (a.kind === 'region' && b.kind === 'region' ? a.name.localeCompare(b.name, 'fr') : 0));
      if (zone.kind === 'regions') return { figure: rows.length ? combine(kind, rows) : null, figureRows: rows, parts, partsOf: 'regions' };
      const figureRows = await this.read({ ...at, level: 'nation', areas: [NATION] });
      const figure = figureRows[0] ?? null;
      if (figure && shown.length < rows.length) parts.push({ kind: 'rest', of: 'regions', cell: remainder(kind, figure, shown) });
      return { figure, figureRows, parts, partsOf: 'regions' };
    }
    const figureRows = await this.read({ ...at, level: 'region', areas: zone.regionCodes });
    const figure = figureRows[0] ?? null;
    const parts: Part[] = poleRows.map((r) => {
      const pole = poles.find((p) => String(p.id) === r.area)!;
      return { kind: 'pole', slug: pole.slug, name: pole.name, cell: r };
    });
    parts.sort((a, b) => (a.kind === 'pole' && b.kind === 'pole' ? a.name.localeCompare(b.name, 'fr') : 0));
    if (figure && figure.polesExpected > poleRows.length)
      parts.push({ kind: 'rest', of: 'poles', cell: remainder(kind, figure, poleRows) });
    return { figure, figureRows, parts, partsOf: 'poles' };
  }

  /**
   * The pole-quarters expected without a value, among the poles the user may see: the report's status,
   * or the value « non disponible » with its reason. Read from the poles' quarter figures (a quarter with
   * nothing counted), not recomputed.
   */
  private async gaps(key: FigureKey, indicatorIds: number[], poles: ZonePole[], poleRows: StoredAggregate[], indices: number[]) {
    const { db, repos } = this.deps;
    const incomplete = poleRows.filter((r) => r.reported < r.expected).map((r) => Number(r.area));
    if (!incomplete.length) return { list: [] as Gap[], total: 0 };
    const from = indices[0];
    const to = indices[indices.length - 1];
    const quarterRows =
      key.grain === 'quarter'
        ? poleRows.filter((r) => incomplete.includes(Number(r.area)))
        : await this.read({
            base: key.base,
            level: 'pole',
            areas: incomplete.map(String),
            indicatorIds: [indicatorIds[0]],
            category: '',
            grain: 'quarter',
            fromIndex: from,
            toIndex: to,
          });
    const missing = quarterRows.filter((r) => r.expected > 0 && r.reported < r.expected);
    const [statuses, unavailable] = await Promise.all([
      repos.provenance.statuses(db, incomplete, from, to),
      repos.provenance.unavailable(db, {
        poleIds: incomplete,
        indicatorIds,
        fromIndex: from,
        toIndex: to,
        statuses: BASE_STATUSES[key.base],
      }),
    ]);
    const list: Gap[] = missing.slice(0, MAX_GAPS).map((r) => {
      const pole = poles.find((p) => String(p.id) === r.area)!;
      const index = quarterIndex(r);
      return {
        pole,
        index,
        status: statuses.get(`${pole.id}|${index}`) ?? null,
        unavailable: unavailable.filter((u) => u.poleId === pole.id && u.index === index),
      };
    });
    return { list, total: missing.length };
  }

  /** A ratio's numerator and denominator, to name them and format their sums. */
  private async components(numeratorId: number | null, denominatorId: number | null) {
    if (numeratorId === null || denominatorId === null) return null;
    const [num, den] = await Promise.all([
      this.deps.repos.indicators.findById(this.deps.db, numeratorId),
      this.deps.repos.indicators.findById(this.deps.db, denominatorId),
    ]);
    return num && den ? { numerator: toDashIndicator(num), denominator: toDashIndicator(den) } : null;
  }

  private read(filter: AggregateFilter) {
    return this.deps.repos.aggregatesRead.read(this.deps.db, filter);
  }
}
