import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import { lastClosedQuarter, quarterIndex, type Quarter } from '../lib/quarters.ts';
import type { Base } from './aggregates.repo.ts';
import { expectedIn, periodProvisional, quarterStatus, type ClosureRule, type ClosureStatus } from './closure.ts';
import {
  ClosureRepo,
  type ClosureFilter,
  type ClosureSplit,
  type ReportCount,
  type WindowCount,
  type WindowReportCount,
} from './closure.repo.ts';
import { periodIndices, type Grain } from './periods.ts';

/** The closure of one area's quarters: which are provisional, which hold data, the latest consolidated one. */
export class AreaClosure {
  private readonly statuses = new Map<number, ClosureStatus>();

  constructor(
    private readonly windows: WindowCount[],
    private readonly reports: ReportCount[],
    private readonly published: Set<number>,
    private readonly rule: ClosureRule,
    /** The last closed quarter's index: later quarters have no data and are never consolidated. */
    readonly lastIndex: number,
  ) {}

  status(index: number): ClosureStatus {
    let s = this.statuses.get(index);
    if (!s) {
      const count = (rows: WindowCount[]) => rows.reduce((n, w) => n + (expectedIn(w, index) ? w.n : 0), 0);
      const of = (status: ReportCount['status']) =>
        this.reports.reduce((n, r) => n + (r.index === index && r.status === status ? r.expected : 0), 0);
      // A quarter declared « sans objet » is not expected of its pole.
      const expected = count(this.windows) - of('exempt');
      s = quarterStatus({ index, expected, validated: of('validated'), published: this.published.has(index) }, this.rule);
      this.statuses.set(index, s);
    }
    return s;
  }

  /** Why a consolidated period is: every quarter of it covered by a published national summary, or not. */
  consolidatedBy(grain: Grain, endIndex: number): 'publication' | 'validation' | null {
    if (this.provisional(grain, endIndex)) return null;
    return periodIndices(grain, endIndex).every((i) => this.published.has(i)) ? 'publication' : 'validation';
  }

  quarterProvisional(index: number): boolean {
    return this.status(index) === 'provisional';
  }

  /** Whether a period (a quarter, a year, a year to date, four rolling quarters) is provisional. */
  provisional(grain: Grain, endIndex: number): boolean {
    return periodProvisional(grain, endIndex, (i) => this.quarterProvisional(i));
  }

  /** The quarters holding reports that count for the base, newest first. */
  withData(base: Base): number[] {
    const counted = this.reports.filter((r) => r.status === 'validated' || (r.status === 'submitted' && base === 'validated_or_submitted'));
    return [...new Set(counted.filter((r) => r.n > 0 && r.index <= this.lastIndex).map((r) => r.index))].sort((a, b) => b - a);
  }

  latestWithData(base: Base): number | null {
    return this.withData(base)[0] ?? null;
  }

  /** The latest consolidated quarter holding data: where every page opens by default. */
  latestConsolidated(base: Base): number | null {
    return this.withData(base).find((i) => !this.quarterProvisional(i)) ?? null;
  }
}

/** An archived pole's reports, expected or not as its window says (a report after the archive counts nowhere). */
function expectedOfWindow({ firstIndex, archivedOn, ...r }: WindowReportCount): ReportCount {
  return { ...r, expected: expectedIn({ firstIndex, archivedOn }, r.index) ? r.n : 0 };
}

export interface ClosureServiceDeps {
  db: Knex;
  clock: Clock;
  /** config REPORT_DEADLINE_DAYS. */
  deadlineDays: number;
  /** config CLOSED_COMPLETENESS. */
  threshold: number;
  repo?: ClosureRepo;
}

/** Closed and provisional periods, for an area (dashboards, exports) or per region or pole (the API). */
interface ClosureCounts {
  windows: WindowCount[];
  reports: ReportCount[];
  published: Set<number>;
}

/** Areas whose counts are kept (a funder's scope, a region, a pole…): the oldest is forgotten first. */
const CACHE_AREAS = 500;

export class ClosureService {
  private readonly repo: ClosureRepo;
  private readonly cache = new Map<string, { token: string; counts: ClosureCounts }>();

  constructor(private readonly deps: ClosureServiceDeps) {
    this.repo = deps.repo ?? new ClosureRepo();
  }

  /** config CLOSED_COMPLETENESS, for the pages that explain the rule. */
  get threshold(): number {
    return this.deps.threshold;
  }

  /** The most recent quarter that has ended, on the service's clock. */
  lastClosed(): Quarter {
    return lastClosedQuarter(this.deps.clock.now());
  }

  private rule(): ClosureRule {
    return { now: this.deps.clock.now(), deadlineDays: this.deps.deadlineDays, threshold: this.deps.threshold };
  }

  /** The closure of one area: every pole (`{}`, the nation), some regions' poles, or some poles. */
  async of(filter: ClosureFilter, db: Knex = this.deps.db): Promise<AreaClosure> {
    return (await this.split(filter, null, db)).get('') ?? this.empty(await this.repo.publishedQuarters(db));
  }

  /** One closure per region or per pole of the filter (areas without poles are absent). */
  async byArea(filter: ClosureFilter, split: 'region' | 'pole', db: Knex = this.deps.db): Promise<Map<string, AreaClosure>> {
    return this.split(filter, split, db);
  }

  private async split(filter: ClosureFilter, split: ClosureSplit, db: Knex): Promise<Map<string, AreaClosure>> {
    const last = quarterIndex(lastClosedQuarter(this.deps.clock.now()));
    const { windows, reports, published } = await this.counts(filter, split, last, db);
    // The rule is read now (today's date decides which deadlines have passed), never cached with the counts.
    const rule = this.rule();
    const out = new Map<string, AreaClosure>();
    for (const area of new Set(windows.map((w) => w.area)))
      out.set(
        area,
        new AreaClosure(
          windows.filter((w) => w.area === area),
          reports.filter((r) => r.area === area),
          published,
          rule,
          last,
        ),
      );
    return out;
  }

  /**
   * The counts of an area, read again only when something they depend on changed (ClosureRepo.changeToken):
   * at 1M values the nation's count is the costliest statement of a dashboard, the token a few index reads.
   * A transaction (an export's snapshot) always reads its own.
   */
  private async counts(filter: ClosureFilter, split: ClosureSplit, last: number, db: Knex): Promise<ClosureCounts> {
    const cacheable = db === this.deps.db;
    const key = JSON.stringify([filter, split, last]);
    const token = cacheable ? await this.repo.changeToken(db) : '';
    const hit = cacheable ? this.cache.get(key) : undefined;
    if (hit && hit.token === token) return hit.counts;
    // One after the other: `db` may be a transaction (an export's snapshot), one connection for its queries.
    const windows = await this.repo.windows(db, filter, split);
    const reports = [
      ...(await this.repo.reports(db, filter, last, split)),
      ...(await this.repo.archivedReports(db, filter, last, split)).map(expectedOfWindow),
    ];
    const published = await this.repo.publishedQuarters(db);
    const counts = { windows, reports, published };
    if (cacheable) {
      if (this.cache.size >= CACHE_AREAS) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, { token, counts });
    }
    return counts;
  }

  private empty(published: Set<number>): AreaClosure {
    return new AreaClosure([], [], published, this.rule(), quarterIndex(lastClosedQuarter(this.deps.clock.now())));
  }
}
