import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import { writeTimestamp } from '../db/dialect.ts';
import type { Actor } from '../lib/actor.ts';
import { periodLabel, quarterLabel } from '../lib/quarters.ts';
import { objectKey, type ObjectNames } from './audit-text.ts';

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

  /** A page of the journal, newest first, narrowed by the filter (all in SQL). */
  async list(db: Knex, filter: AuditFilter): Promise<AuditRow[]> {
    const q = db('audit_log as a')
      .leftJoin('users as u', 'u.id', 'a.actor_id')
      .select('a.*', 'u.display_name as actor_name')
      .orderBy([
        { column: 'a.created_at', order: 'desc' },
        { column: 'a.id', order: 'desc' },
      ])
      .limit(filter.limit ?? 100)
      .offset(filter.offset ?? 0);
    if (filter.entity) q.where('a.entity', filter.entity);
    if (filter.entityId) q.where('a.entity_id', filter.entityId);
    if (filter.actorId !== undefined) q.where('a.actor_id', filter.actorId);
    if (filter.actionPrefixes?.length) q.where((w) => filter.actionPrefixes!.forEach((p) => w.orWhere('a.action', 'like', `${p}%`)));
    if (filter.from) q.where('a.created_at', '>=', filter.from);
    if (filter.to) q.where('a.created_at', '<', filter.to);
    if (filter.poleId !== undefined) {
      const id = filter.poleId;
      // entity_id is text: the ids it is compared with are cast the same way on both databases.
      const ids = (table: string) => db(table).where('pole_id', id).select(db.raw('cast(id as varchar(40))'));
      q.where((w) =>
        w
          .where((x) => x.where('a.entity', 'pole').andWhere('a.entity_id', String(id)))
          .orWhere((x) => x.where('a.entity', 'quarter_report').whereIn('a.entity_id', ids('quarter_reports')))
          .orWhere((x) => x.where('a.entity', 'pole_member').whereIn('a.entity_id', ids('pole_members'))),
      );
    }
    return q;
  }

  /** Whether an account asked for a new password since `since` (« Mot de passe oublié ? »). */
  async hasResetRequestSince(db: Knex, userId: number, since: string): Promise<boolean> {
    const row = await db('audit_log')
      .where({ action: 'user.reset_request', entity: 'user', entity_id: String(userId) })
      .where('created_at', '>=', since)
      .first('id');
    return row !== undefined;
  }

  /** Password requests since `since` with no reset link, reset or password change after them, oldest first. */
  async pendingResetRequests(
    db: Knex,
    since: string,
  ): Promise<{ user_id: number; display_name: string; email: string; created_at: string }[]> {
    const answered = db('audit_log as b')
      .whereIn('b.action', ['user.reset_link', 'user.password_reset', 'user.password_change'])
      .whereRaw('b.entity = a.entity and b.entity_id = a.entity_id and b.created_at >= a.created_at')
      .select(db.raw('1'));
    const rows = await db('audit_log as a')
      .joinRaw('join users as u on cast(u.id as varchar(40)) = a.entity_id')
      .where('a.action', 'user.reset_request')
      .where('a.entity', 'user')
      .where('a.created_at', '>=', since)
      .whereNotExists(answered)
      .orderBy('a.created_at')
      .select('u.id as user_id', 'u.display_name', 'u.email', 'a.created_at');
    // One line per account: its first request still waiting.
    const seen = new Set<number>();
    return rows.filter((r: { user_id: number }) => !seen.has(r.user_id) && seen.add(r.user_id));
  }

  /** Who appears in the journal (for its « Auteur » filter), by name. */
  async actors(db: Knex): Promise<{ id: number; display_name: string }[]> {
    return db('users').whereIn('id', db('audit_log').whereNotNull('actor_id').distinct('actor_id')).select('id', 'display_name');
  }

  /** The names of the objects of some entries: one query per kind of object. */
  async names(db: Knex, rows: Pick<AuditRow, 'entity' | 'entity_id'>[]): Promise<ObjectNames> {
    const out: ObjectNames = new Map();
    const idsOf = (entity: string) =>
      [...new Set(rows.filter((r) => r.entity === entity).map((r) => Number(r.entity_id)))].filter(Number.isSafeInteger);
    const put = (entity: string, id: number, v: { name: string; pole?: string; href?: string }) => out.set(objectKey(entity, id), v);
    const reports = idsOf('quarter_report');
    if (reports.length) {
      const found = await db('quarter_reports as r')
        .join('poles as p', 'p.id', 'r.pole_id')
        .whereIn('r.id', reports)
        .select('r.id', 'r.year', 'r.quarter', 'p.name', 'p.slug');
      for (const r of found)
        put('quarter_report', r.id, { name: quarterLabel(r), pole: r.name, href: `/admin/trimestres/${r.slug}/${quarterLabel(r)}` });
    }
    for (const r of await this.some(db, 'poles', idsOf('pole'), ['id', 'name', 'slug']))
      put('pole', r.id, { name: String(r.name), href: `/poles/${r.slug}` });
    const members = idsOf('pole_member');
    if (members.length) {
      const found = await db('pole_members as m')
        .join('poles as p', 'p.id', 'm.pole_id')
        .whereIn('m.id', members)
        .select('m.id', 'm.name', 'p.name as pole', 'p.slug');
      for (const m of found) put('pole_member', m.id, { name: m.name, pole: m.pole, href: `/poles/${m.slug}` });
    }
    for (const u of await this.some(db, 'users', idsOf('user'), ['id', 'display_name']))
      put('user', u.id, { name: String(u.display_name), href: `/admin/utilisateurs/${u.id}/modifier` });
    for (const i of await this.some(db, 'indicators', idsOf('indicator'), ['id', 'code'])) put('indicator', i.id, { name: String(i.code) });
    for (const p of await this.some(db, 'publications', idsOf('publication'), ['id', 'period_kind', 'year', 'quarter']))
      put('publication', p.id, {
        name:
          p.period_kind === 'quarter'
            ? periodLabel({ kind: 'quarter', year: Number(p.year), quarter: Number(p.quarter) })
            : periodLabel({ kind: 'year', year: Number(p.year) }),
      });
    for (const k of await this.some(db, 'api_tokens', idsOf('api_token'), ['id', 'name'])) put('api_token', k.id, { name: String(k.name) });
    await this.groupNames(db, idsOf, put);
    return out;
  }

  /** Pole groups' names: a set, a group (« Filière — Bois »), a pole's membership (the group, on the pole). */
  private async groupNames(
    db: Knex,
    idsOf: (entity: string) => number[],
    put: (entity: string, id: number, v: { name: string; pole?: string; href?: string }) => void,
  ): Promise<void> {
    for (const g of await this.some(db, 'group_sets', idsOf('group_set'), ['id', 'label_fr']))
      put('group_set', g.id, { name: String(g.label_fr), href: '/admin/groupes' });
    const groups = idsOf('pole_group');
    if (groups.length) {
      const found = await db('pole_groups as g')
        .join('group_sets as s', 's.id', 'g.set_id')
        .whereIn('g.id', groups)
        .select('g.id', 'g.label_fr', 's.label_fr as set');
      for (const g of found) put('pole_group', g.id, { name: `${g.set} — ${g.label_fr}`, href: '/admin/groupes' });
    }
    const memberships = idsOf('pole_group_membership');
    if (memberships.length) {
      const found = await db('pole_group_memberships as m')
        .join('pole_groups as g', 'g.id', 'm.group_id')
        .join('group_sets as s', 's.id', 'm.set_id')
        .join('poles as p', 'p.id', 'm.pole_id')
        .whereIn('m.id', memberships)
        .select('m.id', 'g.label_fr', 's.label_fr as set', 'p.name as pole', 'p.slug');
      for (const m of found)
        put('pole_group_membership', m.id, { name: `${m.set} — ${m.label_fr}`, pole: m.pole, href: `/admin/poles/${m.slug}/groupes` });
    }
  }

  private async some(db: Knex, table: string, ids: number[], columns: string[]): Promise<NameRow[]> {
    return ids.length ? db(table).whereIn('id', ids).select(columns) : [];
  }
}

/** A row read for its name: its id and a few text or number columns. */
type NameRow = { id: number } & Record<string, string | number | null>;

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  actorId?: number;
  actionPrefixes?: readonly string[];
  poleId?: number;
  /** Bounds on created_at (UTC ISO): from included, to excluded. */
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}
