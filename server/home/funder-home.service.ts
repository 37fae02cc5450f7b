// The funder's home: one card per region of its scope, with the headline figures of the region's latest
// consolidated quarter (the dashboards' tiles, read from the aggregates for every region at once), the
// progress of its poles against their targets, and the poles late or returned for the quarter to report.
import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { StoredAggregate } from '../aggregates/aggregates.repo.ts';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { AreaClosure, ClosureService } from '../aggregates/closure.service.ts';
import type { Kind } from '../aggregates/semantics.ts';
import { HEADLINE } from '../dashboards/dashboards.service.ts';
import type { DashboardsRepo } from '../dashboards/dashboards.repo.ts';
import { Figures, tile, toDashIndicator, type DashIndicator } from '../dashboards/figures.ts';
import type { CurrentUser } from '../http/current-user.ts';
import type { IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { Clock } from '../lib/clock.ts';
import { fromIndex, lastClosedQuarter, quarterLabel, reportingQuarters, sameQuarter, type Quarter } from '../lib/quarters.ts';
import type { ReportingService } from '../reporting/reporting.service.ts';
import { tileTargetText } from '../targets/progress-view.ts';
import type { TargetProgressService } from '../targets/target-progress.service.ts';
import type { FunderHomeRepo, ScopePoleStatus } from './funder-home.repo.ts';

/** Funders read validated reports only. */
const BASE = 'validated';

export interface FunderHomeDeps {
  db: Knex;
  clock: Clock;
  repos: {
    aggregatesRead: AggregatesReadRepo;
    indicators: IndicatorsRepo;
    scope: Pick<DashboardsRepo, 'regionsInScope'>;
    funderHome: FunderHomeRepo;
  };
  closure: Pick<ClosureService, 'byArea'>;
  targetProgress: Pick<TargetProgressService, 'tiles'>;
  lateness: Pick<ReportingService, 'isLate' | 'deadlineOf'>;
  /** config MIN_COMPARABLE_POLES, as the dashboards' tiles use it. */
  minComparablePoles: number;
}

export interface FunderFigure {
  code: string;
  label: string;
  value: string | null;
  completeness: string;
  /** The progress of the region's poles that have a target for the quarter's year, as the tile says it. */
  target: string | null;
}

export interface FunderRegion {
  code: string;
  name: string;
  href: string;
  /** The latest consolidated quarter (« 2026-T2 »), or null before any. */
  quarter: string | null;
  figures: FunderFigure[];
  /** Poles late (past the deadline, not submitted) or returned for the quarter to report. */
  attention: { name: string; href: string; status: 'late' | 'returned' }[];
  poles: { name: string; href: string; archived: boolean }[];
}

export interface FunderHome {
  /** The quarter being reported (the last closed one), whose late and returned poles are listed. */
  period: string;
  deadline: DateTime;
  regions: FunderRegion[];
  /** The regions of the scope without any pole, by name. */
  withoutPoles: string[];
}

/** What a funder's home shows, for every region of its scope; scope applied in SQL. */
export class FunderHomeService {
  constructor(private readonly deps: FunderHomeDeps) {}

  /** The regions of the user's scope that have poles, their figures and poles; and the names of those without. */
  async regions(user: CurrentUser): Promise<FunderHome> {
    const { db, repos } = this.deps;
    const current = lastClosedQuarter(this.deps.clock.now());
    const [scope, poles, headline] = await Promise.all([
      repos.scope.regionsInScope(db, user),
      repos.funderHome.polesWithStatus(db, user, current),
      this.headline(),
    ]);
    const withPoles = scope.filter((r) => poles.some((p) => p.region_code === r.code));
    const closures = withPoles.length
      ? await this.deps.closure.byArea({ regionCodes: withPoles.map((r) => r.code) }, 'region', db)
      : new Map<string, AreaClosure>();
    const latest = new Map(withPoles.map((r) => [r.code, closures.get(r.code)?.latestConsolidated(BASE) ?? null]));
    const rows = await this.rows(latest, headline.indicators);
    const regions = await Promise.all(
      withPoles.map(async (r) => {
        const end = latest.get(r.code) ?? null;
        return {
          code: r.code,
          name: r.name,
          href: `/regions/${r.code}`,
          quarter: end === null ? null : quarterLabel(fromIndex(end)),
          figures: await this.figures(user, r.code, end, rows, closures.get(r.code), headline),
          ...this.polesOf(
            poles.filter((p) => p.region_code === r.code),
            current,
          ),
        };
      }),
    );
    return {
      period: quarterLabel(current),
      deadline: this.deps.lateness.deadlineOf(current),
      regions,
      withoutPoles: scope.filter((r) => !withPoles.includes(r)).map((r) => r.name),
    };
  }

  /** The headline indicators still active, as the dashboards show them. */
  private async headline() {
    const all = (await this.deps.repos.indicators.list(this.deps.db, { activeOnly: true })).map(toDashIndicator);
    const indicators = HEADLINE.map((c) => all.find((i) => i.code === c)).filter((i): i is DashIndicator => Boolean(i));
    const kinds = new Map<number, Kind>(indicators.map((i) => [i.id, i.kind]));
    return { indicators, kindOf: (id: number) => kinds.get(id) };
  }

  /**
   * The regions' stored quarters, in one read for all of them: from a year before the earliest latest
   * consolidated quarter (the tiles' change) to the last one. Scoped in SQL through `areas`.
   */
  private async rows(latest: Map<string, number | null>, indicators: DashIndicator[]): Promise<StoredAggregate[]> {
    const ends = [...latest.values()].filter((i): i is number => i !== null);
    if (!ends.length || !indicators.length) return [];
    return this.deps.repos.aggregatesRead.read(this.deps.db, {
      base: BASE,
      level: 'region',
      areas: [...latest].filter(([, i]) => i !== null).map(([code]) => code),
      indicatorIds: indicators.map((i) => i.id),
      category: '',
      grain: 'quarter',
      fromIndex: Math.min(...ends) - 4,
      toIndex: Math.max(...ends),
    });
  }

  /** A region's headline tiles at its latest consolidated quarter, with its poles' progress against their targets. */
  private async figures(
    user: CurrentUser,
    code: string,
    end: number | null,
    rows: StoredAggregate[],
    closure: AreaClosure | undefined,
    headline: Awaited<ReturnType<FunderHomeService['headline']>>,
  ): Promise<FunderFigure[]> {
    if (end === null || !closure) return [];
    const figures = new Figures(
      rows.filter((r) => r.area === code),
      headline.kindOf,
      { zone: { kind: 'regions', codes: [code] }, base: BASE },
    );
    const progress = await this.deps.targetProgress.tiles(
      user,
      code,
      headline.indicators.map((i) => i.id),
      end,
      BASE,
    );
    return headline.indicators.map((ind) => {
      const x = tile(ind, end, figures, this.deps.minComparablePoles, undefined, closure.provisional.bind(closure));
      return {
        code: x.code,
        label: x.label,
        value: x.quarter.value,
        completeness: x.quarter.completeness,
        target: tileTargetText(progress.get(x.id), x.ytd.provisional),
      };
    });
  }

  /** A region's poles, and those expected for `q` that are late (past the deadline, not submitted) or were returned. */
  private polesOf(poles: ScopePoleStatus[], q: Quarter) {
    const now = this.deps.clock.now();
    const attention: FunderRegion['attention'] = [];
    for (const p of poles) {
      if (p.status === 'exempt' || !reportingQuarters(p, now).some((x) => sameQuarter(x, q))) continue;
      const status = p.status === 'returned' ? 'returned' : this.deps.lateness.isLate(q, p.status ?? undefined) ? 'late' : null;
      if (status) attention.push({ name: p.name, href: `/poles/${p.slug}`, status });
    }
    return {
      attention,
      poles: poles.map((p) => ({ name: p.name, href: `/poles/${p.slug}`, archived: p.archived_on !== null })),
    };
  }
}
