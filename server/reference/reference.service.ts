import type { Knex } from 'knex';
import type { DepartementRow, ReferenceRepo, RegionRow } from './reference.repo.ts';

/** Regions and départements as the forms and filters list them. */
export class ReferenceService {
  constructor(
    private readonly db: Knex,
    private readonly repos: { reference: ReferenceRepo },
  ) {}

  /** Every region, by name. */
  regions(): Promise<RegionRow[]> {
    return this.repos.reference.regions(this.db);
  }

  /** Every département, by code. */
  departements(): Promise<DepartementRow[]> {
    return this.repos.reference.departements(this.db);
  }

  /** One region, or undefined. */
  region(code: string): Promise<RegionRow | undefined> {
    return this.repos.reference.region(this.db, code);
  }
}
