import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Clock } from './lib/clock.ts';
import { AuditRepo } from './audit/audit.repo.ts';
import { AuthService } from './auth/auth.service.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
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
import { JobsRepo } from './jobs/jobs.repo.ts';
import { JobRunner } from './jobs/job-runner.ts';
import { Scheduler } from './jobs/scheduler.ts';
import { ReportingRepo } from './reporting/reporting.repo.ts';
import { ReportingService } from './reporting/reporting.service.ts';
import { ReviewService } from './reporting/review.service.ts';
import { ReviewRepo } from './reporting/review.repo.ts';
import { UsersRepo } from './users/users.repo.ts';
import { TokensRepo } from './users/tokens.repo.ts';
import { UsersService } from './users/users.service.ts';
import { AccountService } from './users/account.service.ts';
import { ImportsRepo } from './imports/imports.repo.ts';
import { ImportsService } from './imports/imports.service.ts';
import { DashboardsService } from './dashboards/dashboards.service.ts';

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
    jobs: new JobsRepo(),
    review: new ReviewRepo(),
    imports: new ImportsRepo(),
  };
  const hasher = new PasswordHasher(config.passwordHashCost);
  const throttle = new LoginThrottle(clock);
  const auth = new AuthService(db, repos.users, hasher, throttle, clock);
  const poles = new PolesService(db, clock, repos);
  const users = new UsersService(db, clock, repos, hasher);
  const account = new AccountService(db, clock, repos, hasher, throttle);
  const indicators = new IndicatorsService(db, clock, repos);
  const reporting = new ReportingService(db, clock, config.reportDeadlineDays, repos);
  const review = new ReviewService(db, clock, repos);
  const jobsDb = deps.jobsDb ?? db;
  const refresh = new RefreshService(jobsDb, clock, repos.aggregates, deps.logger);
  const runner = new JobRunner(jobsDb, clock, repos.jobs, config.jobLeaseSeconds, deps.logger);
  const scheduler = new Scheduler(jobsDb, runner, refresh, repos.aggregates, { refresh: config.refreshCron, rebuild: config.rebuildCron }, deps.logger);
  const imports = new ImportsService(db, clock, reporting, repos);
  const dashboards = new DashboardsService(db, clock, repos, reporting);
  return { ...deps, repos, hasher, throttle, auth, poles, users, account, indicators, reporting, review, imports, dashboards, refresh, runner, scheduler };
}

export type Services = ReturnType<typeof buildServices>;
