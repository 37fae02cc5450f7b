// The regional page's table of poles: each pole's figure for the quarter ending the range, raw or per
// 10 000 inhabitants of its territory (« population inconnue » without one), its completeness and its
// report status. Reads through the dashboards' repo and aggregates reader, handed in.
import type { Knex } from 'knex';
import type { AggregateFilter } from '../aggregates/aggregates-read.repo.ts';
import type { StoredAggregate } from '../aggregates/aggregates.repo.ts';
import type { CurrentUser } from '../http/current-user.ts';
import type { Clock } from '../lib/clock.ts';
import { quarterIndex, reportingQuarters, sameQuarter } from '../lib/quarters.ts';
import type { PopulationsService } from '../reference/populations.service.ts';
import type { ReportingService } from '../reporting/reporting.service.ts';
import type { DashboardsRepo } from './dashboards.repo.ts';
import type { DashboardFilters } from './dashboards.schema.ts';
import { figureLink } from './figure-links.ts';
import { barChart, byValue, completenessText, Figures, type DashIndicator } from './figures.ts';
import { populationText, showFor, type Divided } from './per-inhabitant-view.ts';

export interface RegionPolesDeps {
  db: Knex;
  clock: Clock;
  repo: Pick<DashboardsRepo, 'polesOfRegion'>;
  lateness: Pick<ReportingService, 'isLate'>;
  populations: Pick<PopulationsService, 'poles'>;
  read: (filter: AggregateFilter) => Promise<StoredAggregate[]>;
}

/**
 * The region's poles in scope for the quarter ending the range: each one's figure (raw, or per 10 000
 * inhabitants of its territory, « population inconnue » without one), completeness and report status.
 */
export async function regionPoles(
  deps: RegionPolesDeps,
  o: { user: CurrentUser; code: string; chosen: DashIndicator; f: DashboardFilters },
) {
  const { user, code, chosen, f } = o;
  const toIdx = quarterIndex(f.to);
  const poles = await deps.repo.polesOfRegion(deps.db, user, code, f.to);
  const poleRows = await deps.read({
    base: f.base,
    level: 'pole',
    areas: poles.map((p) => String(p.id)),
    indicatorIds: [chosen.id],
    category: '',
    grain: 'quarter',
    fromIndex: toIdx,
    toIndex: toIdx,
  });
  const cellOf = (id: number) => poleRows.find((x) => x.area === String(id));
  const asked = f.measure === 'habitants';
  const populations = asked
    ? await deps.populations.poles(
        deps.db,
        poles.map((p) => p.id),
      )
    : new Map<number, number | null>();
  const show = showFor(
    chosen,
    f.measure,
    poles.map((p): Divided => [cellOf(p.id)?.value, populations.get(p.id)]),
  );
  const per = show.perInhabitant;
  const now = deps.clock.now();
  const rows = byValue(
    poles.map((p) => {
      const cell = cellOf(p.id);
      const population = populations.get(p.id) ?? null;
      const expected = p.status !== 'exempt' && reportingQuarters(p, now).some((q) => sameQuarter(q, f.to));
      return {
        key: String(p.id),
        name: p.name,
        href: `/poles/${p.slug}`,
        figureHref: cell
          ? figureLink({ indicator: chosen.code, end: f.to, grain: 'quarter', zone: { kind: 'pole', slug: p.slug }, base: f.base })
          : null,
        scaled: cell?.value ?? null,
        value: show.text(cell?.value, population),
        sort: per ? show.number(cell?.value, population) : (cell?.value ?? null),
        ...(per ? { population, populationText: populationText(population), raw: show.raw(cell?.value) } : {}),
        completeness: completenessText('quarter', cell),
        expected,
        statusCode: p.status ?? 'todo',
        late: expected && deps.lateness.isLate(f.to, p.status ?? undefined),
      };
    }),
  );
  return {
    figures: new Figures(poleRows, () => chosen.kind),
    table: { rows, chart: barChart(chosen, rows, show), perInhabitant: per, unit: show.unit },
  };
}
