import type { Knex } from 'knex';
import type { AuditRepo, AuditRow } from './audit.repo.ts';

/** The audit journal as staff read it. */
export class AuditService {
  constructor(
    private readonly db: Knex,
    private readonly repos: { audit: AuditRepo },
  ) {}

  /** Entries newest first, optionally about one object. */
  list(filter: { entity?: string; entityId?: string; limit?: number; offset?: number }): Promise<AuditRow[]> {
    return this.repos.audit.list(this.db, filter);
  }
}
