import type { Knex } from 'knex';
import type { AuditFilter, AuditRepo, AuditRow } from './audit.repo.ts';
import { describeEntry } from './audit-text.ts';

/** The audit journal as staff read it: each entry said in French, with a link to its object. */
export class AuditService {
  constructor(
    private readonly db: Knex,
    private readonly repos: { audit: AuditRepo },
  ) {}

  /** Entries newest first, narrowed by the filter, each with its sentence and its object's link. */
  async list(filter: AuditFilter): Promise<(AuditRow & { text: string; href: string | null })[]> {
    const rows = await this.repos.audit.list(this.db, filter);
    const names = await this.repos.audit.names(this.db, rows);
    return rows.map((r) => ({ ...r, ...describeEntry(r, names) }));
  }

  /** The people who appear in the journal, for its filter. */
  actors() {
    return this.repos.audit.actors(this.db);
  }
}
