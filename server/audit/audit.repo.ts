import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import { writeTimestamp } from '../db/dialect.ts';
import type { Actor } from '../lib/actor.ts';

export interface AuditEntry {
  actorId: number | null;
  action: string;
  entity: string;
  entityId: string | number;
  before: unknown;
  after: unknown;
  requestId?: string | null;
}

/** The entry of a change to one field of a record (archiving a pole, deactivating an account): that field before and after. */
export function fieldChange<T>(
  actor: Actor,
  action: string,
  entity: string,
  entityId: string | number,
  field: string,
  before: T,
  after: T,
): AuditEntry {
  return {
    actorId: actor.userId,
    action,
    entity,
    entityId,
    before: { [field]: before },
    after: { [field]: after },
    requestId: actor.requestId,
  };
}

export interface AuditRow {
  id: number;
  actor_id: number | null;
  actor_name: string | null;
  action: string;
  entity: string;
  entity_id: string;
  before_json: string | null;
  after_json: string | null;
  request_id: string | null;
  created_at: string;
}

/** Append-only journal of staff changes. Always called inside the transaction that makes the change. */
export class AuditRepo {
  constructor(private readonly clock: Clock) {}

  /** Writes one row, only when before and after differ. Returns whether a row was written. */
  async record(trx: Knex | Knex.Transaction, e: AuditEntry): Promise<boolean> {
    const before = e.before === undefined || e.before === null ? null : JSON.stringify(e.before);
    const after = e.after === undefined || e.after === null ? null : JSON.stringify(e.after);
    if (before === after) return false;
    await trx('audit_log').insert({
      actor_id: e.actorId,
      action: e.action,
      entity: e.entity,
      entity_id: String(e.entityId),
      before_json: before,
      after_json: after,
      request_id: e.requestId ?? null,
      created_at: writeTimestamp(this.clock.now()),
    });
    return true;
  }

  async list(db: Knex, filter: { entity?: string; entityId?: string; limit?: number; offset?: number }): Promise<AuditRow[]> {
    const q = db('audit_log as a')
      .leftJoin('users as u', 'u.id', 'a.actor_id')
      .select('a.*', 'u.display_name as actor_name')
      .orderBy('a.id', 'desc')
      .limit(filter.limit ?? 100)
      .offset(filter.offset ?? 0);
    if (filter.entity) q.where('a.entity', filter.entity);
    if (filter.entityId) q.where('a.entity_id', filter.entityId);
    return q;
  }
}
