import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { IndicatorsRepo } from './indicators.repo.ts';

interface Repos {
  audit: AuditRepo;
  indicators: IndicatorsRepo;
}

/** The indicator catalogue. (To be completed.) */
export class IndicatorsService {
  constructor(
    readonly db: Knex,
    readonly clock: Clock,
    readonly repos: Repos,
  ) {}
}
