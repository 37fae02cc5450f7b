import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Clock } from './lib/clock.ts';
import { AuditRepo } from './audit/audit.repo.ts';
import { AuditService } from './audit/audit.service.ts';
import { HomeService } from './home/home.service.ts';
import { FunderHomeRepo } from './home/funder-home.repo.ts';
import { FunderHomeService } from './home/funder-home.service.ts';
import { JobHistoryService } from './jobs/job-history.service.ts';
import { ReferenceService } from './reference/reference.service.ts';
import { AuthService } from './auth/auth.service.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { RateLimitsRepo } from './ratelimit/rate-limits.repo.ts';
import { RateLimiter } from './ratelimit/rate-limiter.ts';
import { ApiTokensRepo } from './api/api-tokens.repo.ts';
import { ApiTokensService } from './api/api-tokens.service.ts';
import { ApiService } from './api/api.service.ts';
import { PasswordHasher } from './auth/passwords.ts';
import { IndicatorsRepo } from './indicators/indicators.repo.ts';
import { IndicatorsService } from './indicators/indicators.service.ts';
import { PolesRepo, PolesWriteRepo } from './poles/poles.repo.ts';
import { MembersRepo } from './poles/members.repo.ts';
import { PolesService } from './poles/poles.service.ts';
import { ReferenceRepo } from './reference/reference.repo.ts';
import { AggregatesRepo } from './aggregates/aggregates.repo.ts';
import { RefreshService } from './aggregates/refresh.service.ts';
import { AggregatesReadRepo } from './aggregates/aggregates-read.repo.ts';
import { ClosureService } from './aggregates/closure.service.ts';
import { JobsRepo } from './jobs/jobs.repo.ts';
import { JobRunner } from './jobs/job-runner.ts';
import { Scheduler } from './jobs/scheduler.ts';
import { jobDefinitions } from './jobs/job-definitions.ts';
import { ReportingRepo } from './reporting/reporting.repo.ts';
import { ReportingService } from './reporting/reporting.service.ts';
import { ReviewService } from './reporting/review.service.ts';
import { ExemptionService } from './reporting/exemption.service.ts';
import { TargetsRepo } from './targets/targets.repo.ts';
import { GroupsRepo } from './groups/groups.repo.ts';
import { MembershipsRepo } from './groups/memberships.repo.ts';
import { GroupsService } from './groups/groups.service.ts';
import { MembershipsService } from './groups/memberships.service.ts';
import { TargetsService } from './targets/targets.service.ts';
import { TargetProgressService } from './targets/target-progress.service.ts';
import { TargetsImportService } from './targets/targets-import.service.ts';
import { TrajectoryChartService } from './targets/trajectory-chart.ts';
import { ReviewRepo } from './reporting/review.repo.ts';
import { UsersRepo } from './users/users.repo.ts';
import { TokensRepo } from './users/tokens.repo.ts';
import { UsersService } from './users/users.service.ts';
import { AccountService } from './users/account.service.ts';
import { PasswordHelpService } from './users/password-help.service.ts';
import { ImportsRepo } from './imports/imports.repo.ts';
import { ImportsService } from './imports/imports.service.ts';
import { DashboardsService } from './dashboards/dashboards.service.ts';
import { DashboardsRepo } from './dashboards/dashboards.repo.ts';
import { ProvenanceRepo } from './provenance/provenance.repo.ts';
import { ProvenanceService } from './provenance/provenance.service.ts';
import { NoticesRepo } from './notices/notices.repo.ts';
import { NoticesService } from './notices/notices.service.ts';
import { RemindersService } from './notices/reminders.service.ts';
import { OutboxRepo } from './outbox/outbox.repo.ts';
import { OutboxService } from './outbox/outbox.service.ts';
import { createSmtpTransport } from './outbox/smtp.ts';
import { SummaryService } from './exports/summary.service.ts';
import { NarrativesRepo } from './narratives/narratives.repo.ts';
import { NarrativesService } from './narratives/narratives.service.ts';
import { ComparisonService } from './comparison/comparison.service.ts';
import { officialPopulations } from './reference/population.ts';
import { PopulationsService } from './reference/populations.service.ts';
import { RawExportService } from './exports/raw-export.service.ts';
import { ExportsRepo } from './exports/exports.repo.ts';
import { SeriesService } from './exports/series.service.ts';
import { PublicationsRepo } from './publications/publications.repo.ts';
import { PublicationsService } from './publications/publications.service.ts';
import { OpenDataService } from './opendata/opendata.service.ts';
import { HealthRepo } from './ops/health.repo.ts';
import { HealthService } from './ops/health.service.ts';
import { migrationsDirectory } from './db/connection.ts';

export interface Deps {
  config: Config;
  db: Knex;
  /**
   * The handle the aggregate jobs use. On SQLite, a second connection: with WAL, pages keep reading on
   * the main one while a rebuild reads and writes (its write transactions are short). Defaults to `db`.
   */
  jobsDb?: Knex;
  clock: Clock;
  logger: Logger;
}

/** Builds every repo and service once, from the process's dependencies (the composition root). */
export function buildServices(deps: Deps) {
  const { db, clock, config } = deps;
  const repos = {
    audit: new AuditRepo(clock),
    users: new UsersRepo(),
    tokens: new TokensRepo(),
    poles: new PolesRepo(),
    polesWrite: new PolesWriteRepo(),
    members: new MembersRepo(),
    reference: new ReferenceRepo(),
    indicators: new IndicatorsRepo(),
    reporting: new ReportingRepo(),
    aggregates: new AggregatesRepo(),
    aggregatesRead: new AggregatesReadRepo(),
    targets: new TargetsRepo(),
    groups: new GroupsRepo(),
    memberships: new MembershipsRepo(),
    jobs: new JobsRepo(),
    review: new ReviewRepo(),
    imports: new ImportsRepo(),
    rateLimits: new RateLimitsRepo(),
    apiTokens: new ApiTokensRepo(),
    notices: new NoticesRepo(),
    outbox: new OutboxRepo(),
    health: new HealthRepo(),
    publications: new PublicationsRepo(),
    provenance: new ProvenanceRepo(),
    scope: new DashboardsRepo(),
    narratives: new NarrativesRepo(),
    funderHome: new FunderHomeRepo(),
  };
  const hasher = new PasswordHasher(config.passwordHashCost);
  // Rate limits live in the database so that they hold across instances (sign-in throttle, API).
  const limiter = new RateLimiter(db, clock, repos.rateLimits, deps.logger);
  const throttle = new LoginThrottle(limiter);
  const auth = new AuthService({ db, users: repos.users, hasher, throttle, clock });
  const poles = new PolesService(db, clock, repos);
  const users = new UsersService(db, clock, repos, hasher);
  const account = new AccountService({ db, clock, repos, hasher, throttle });
  const passwordHelp = new PasswordHelpService({ db, clock, limiter, repos });
  const indicators = new IndicatorsService(db, clock, repos);
  const reporting = new ReportingService(db, clock, config.reportDeadlineDays, repos);
  // Decisions write their notices and messages in their own transaction; the jobs use the jobs handle.
  const notices = new NoticesService({ db, clock, publicUrl: config.publicUrl, repos });
  const review = new ReviewService(db, clock, repos, notices);
  const exemptions = new ExemptionService(db, clock, repos);
  const jobsDb = deps.jobsDb ?? db;
  const refresh = new RefreshService(jobsDb, clock, repos.aggregates, deps.logger);
  const runner = new JobRunner({ db: jobsDb, clock, repo: repos.jobs, leaseSeconds: config.jobLeaseSeconds, logger: deps.logger });
  const reminders = new RemindersService({ db: jobsDb, clock, publicUrl: config.publicUrl, rule: reporting, repos });
  const transport = config.smtpUrl ? createSmtpTransport(config.smtpUrl, config.mailFrom) : null;
  const outbox = new OutboxService({ db: jobsDb, clock, transport, claimSeconds: config.jobLeaseSeconds, repos, logger: deps.logger });
  const jobs = jobDefinitions({ config, refresh, reminders, outbox, runner });
  const scheduler = new Scheduler({ db: jobsDb, runner, jobs, aggregates: repos.aggregates, logger: deps.logger });
  const imports = new ImportsService({ db, clock, reporting, repos, notices });
  // One rule for « consolidé » and « provisoire », read by the dashboards, the exports and the API.
  const closure = new ClosureService({ db, clock, deadlineDays: config.reportDeadlineDays, threshold: config.closedCompleteness });
  const targets = new TargetsService(db, clock, repos);
  // Pole groups (« Filière », « Territoire », « Programme »): sets, groups, and poles' memberships over time.
  const groups = new GroupsService(db, clock, repos);
  const memberships = new MembershipsService(db, clock, repos);
  const targetProgress = new TargetProgressService(db, clock, repos, closure);
  const targetsImport = new TargetsImportService({ db, clock, targets, repos });
  const trajectory = new TrajectoryChartService({ db, repos, closure });
  // The divisors of figures « pour 10 000 habitants » (dashboards, API, exports): INSEE populations, one vintage.
  const populations = new PopulationsService({ populations: officialPopulations(), repos });
  const dashboards = new DashboardsService({
    db,
    clock,
    repos,
    lateness: reporting,
    closure,
    minComparablePoles: config.minComparablePoles,
    populations,
  });
  const apiTokens = new ApiTokensService(db, clock, repos, (id, generation) => auth.load(id, generation));
  // « Comment ce chiffre est calculé »: reads the same aggregates and the same closure as the dashboards.
  const provenance = new ProvenanceService({ db, repos, closure, minComparablePoles: config.minComparablePoles });
  const api = new ApiService(db, repos, config.minComparablePoles, closure, targetProgress, populations);
  // « Comparer des régions »: the stored aggregates and the dashboards' closure, raw or per inhabitant (INSEE populations).
  const comparison = new ComparisonService({ db, clock, repos, closure, populations: officialPopulations() });
  // A region's « faits marquants » and « difficultés » (its page, a scope export's sheet), scoped in SQL.
  const narratives = new NarrativesService({ db, closure, repo: repos.narratives });
  const summaries = new SummaryService(db, clock, repos, config.minComparablePoles, closure, targetProgress, narratives, populations);
  const rawExports = new RawExportService(db, clock, repos);
  // Time series of a scope (/exports/series): stored quarter aggregates, the dashboards' closure, the same populations.
  const series = new SeriesService({ db, repos: { ...repos, exports: new ExportsRepo() }, closure, populations });
  const publications = new PublicationsService(db, clock, repos, summaries);
  const opendata = new OpenDataService(db, repos);
  const reference = new ReferenceService(db, repos);
  const home = new HomeService(db, repos);
  // A funder's home: the dashboards' headline tiles of each region's latest consolidated quarter, read at once.
  const funderHome = new FunderHomeService({
    db,
    clock,
    repos,
    closure,
    targetProgress,
    lateness: reporting,
    minComparablePoles: config.minComparablePoles,
  });
  const audit = new AuditService(db, repos);
  const jobHistory = new JobHistoryService(db, repos);
  const health = new HealthService({ db, clock, repos, migrationsDirectory, logger: deps.logger });
  return {
    ...deps,
    repos,
    limiter,
    passwordHelp,
    apiTokens,
    api,
    notices,
    reminders,
    outbox,
    hasher,
    throttle,
    auth,
    poles,
    users,
    account,
    indicators,
    reporting,
    review,
    exemptions,
    targets,
    groups,
    memberships,
    targetProgress,
    targetsImport,
    trajectory,
    imports,
    closure,
    dashboards,
    narratives,
    provenance,
    comparison,
    summaries,
    rawExports,
    series,
    publications,
    opendata,
    refresh,
    runner,
    scheduler,
    health,
    reference,
    home,
    funderHome,
    audit,
    jobHistory,
  };
}

export type Services = ReturnType<typeof buildServices>;
