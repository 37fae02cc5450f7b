// Group sets and their groups (« Filière », « Territoire », « Programme »…), as staff define them: every
// write audited in its transaction, a stale form a 409, a duplicate code a message next to its field.
import type { Knex } from 'knex';
import type { AuditRepo } from '../audit/audit.repo.ts';
import { isUniqueViolation, nowTimestamp } from '../db/dialect.ts';
import { StaleVersion, ValidationError } from '../http/errors.ts';
import { t } from '../i18n/messages.ts';
import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import { quarterIndex, quarterOf } from '../lib/quarters.ts';
import type { GroupSetRow, GroupsRepo, PoleGroupRow } from './groups.repo.ts';
import type { MembershipsRepo } from './memberships.repo.ts';
import type { GroupForm, SetForm } from './groups.schema.ts';
// The rows handlers show, named here so that a handler imports services, never repos.
export type { GroupSetRow, PoleGroupRow } from './groups.repo.ts';

interface Repos {
  audit: AuditRepo;
  groups: GroupsRepo;
  memberships: MembershipsRepo;
}

/** A set with its groups, each with the number of poles it holds this quarter. */
export interface SetWithGroups extends GroupSetRow {
  groups: (PoleGroupRow & { members: number })[];
}

const setFields = (r: Pick<GroupSetRow, 'code' | 'label_fr' | 'description_fr' | 'display_order'>) => ({
  code: r.code,
  label_fr: r.label_fr,
  description_fr: r.description_fr,
  display_order: r.display_order,
});
const groupFields = (r: Pick<PoleGroupRow, 'set_id' | 'code' | 'label_fr' | 'display_order' | 'active'>) => ({
  set_id: r.set_id,
  code: r.code,
  label_fr: r.label_fr,
  display_order: r.display_order,
  active: r.active,
});
const same = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);

/** Runs a write; a unique violation on the code (two staff members creating it at once) is the code's message. */
async function uniqueCode<T>(run: () => Promise<T>, message: string): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError({ code: message });
    throw err;
  }
}

export class GroupsService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: Repos,
  ) {}

  /** Every set with its groups (active or not) and how many poles each holds this quarter. */
  async catalogue(): Promise<SetWithGroups[]> {
    const [sets, groups, counts] = await Promise.all([
      this.repos.groups.sets(this.db),
      this.repos.groups.groups(this.db),
      this.repos.memberships.countsAt(this.db, quarterIndex(quarterOf(this.clock.now()))),
    ]);
    return sets.map((s) => ({
      ...s,
      groups: groups.filter((g) => g.set_id === s.id).map((g) => ({ ...g, members: counts.get(g.id) ?? 0 })),
    }));
  }

  /** A set by id, or undefined. */
  set(id: number): Promise<GroupSetRow | undefined> {
    return this.repos.groups.set(this.db, id);
  }

  /** A group of that set, or undefined (another set's group is not found). */
  group(setId: number, id: number): Promise<PoleGroupRow | undefined> {
    return this.repos.groups.group(this.db, setId, id);
  }

  /** Creates a set; a code already used is a field error. Returns its id. */
  async createSet(form: SetForm, actor: Actor): Promise<number> {
    if (await this.repos.groups.setCodeTaken(this.db, form.code)) throw new ValidationError({ code: t('groups.error.setCodeTaken') });
    const row = setFields(form);
    return uniqueCode(
      () =>
        this.db.transaction(async (trx) => {
          const id = await this.repos.groups.insertSet(trx, row, nowTimestamp(this.clock));
          await this.repos.audit.record(trx, { ...entry(actor, 'group_set.create', 'group_set', id), before: null, after: row });
          return id;
        }),
      t('groups.error.setCodeTaken'),
    );
  }

  /** Renames a set (label, description, order) if nobody changed it since `version`. Returns whether it changed. */
  async updateSet(set: GroupSetRow, version: number, form: SetForm, actor: Actor): Promise<boolean> {
    const after = setFields({ ...form, code: set.code });
    const before = setFields(set);
    if (same(before, after)) {
      if (version !== set.version) throw new StaleVersion();
      return false;
    }
    await this.db.transaction(async (trx) => {
      const { code: _code, ...changes } = after;
      if (!(await this.repos.groups.updateSet(trx, set.id, version, changes, nowTimestamp(this.clock)))) throw new StaleVersion();
      await this.repos.audit.record(trx, { ...entry(actor, 'group_set.update', 'group_set', set.id), before, after });
    });
    return true;
  }

  /** Adds a group to a set; a code already used in the set is a field error. Returns its id. */
  async createGroup(set: GroupSetRow, form: GroupForm, actor: Actor): Promise<number> {
    if (await this.repos.groups.groupCodeTaken(this.db, set.id, form.code)) {
      throw new ValidationError({ code: t('groups.error.groupCodeTaken', { set: set.label_fr }) });
    }
    const row = groupFields({ ...form, set_id: set.id });
    return uniqueCode(
      () =>
        this.db.transaction(async (trx) => {
          const { set_id: _s, ...fields } = row;
          const id = await this.repos.groups.insertGroup(trx, set.id, fields, nowTimestamp(this.clock));
          await this.repos.audit.record(trx, { ...entry(actor, 'group.create', 'pole_group', id), before: null, after: row });
          return id;
        }),
      t('groups.error.groupCodeTaken', { set: set.label_fr }),
    );
  }

  /**
   * Renames, reorders, deactivates or reactivates a group if nobody changed it since `version`. A
   * deactivated group keeps its memberships (the figures of the quarters it held stay); it takes no new pole.
   */
  async updateGroup(group: PoleGroupRow, version: number, form: GroupForm, actor: Actor): Promise<boolean> {
    const before = groupFields(group);
    const after = groupFields({ ...form, code: group.code, set_id: group.set_id });
    if (same(before, after)) {
      if (version !== group.version) throw new StaleVersion();
      return false;
    }
    const action =
      before.active && !after.active ? 'group.deactivate' : !before.active && after.active ? 'group.reactivate' : 'group.update';
    await this.db.transaction(async (trx) => {
      const { code: _c, set_id: _s, ...changes } = after;
      if (!(await this.repos.groups.updateGroup(trx, group.id, version, changes, nowTimestamp(this.clock)))) throw new StaleVersion();
      await this.repos.audit.record(trx, { ...entry(actor, action, 'pole_group', group.id), before, after });
    });
    return true;
  }

  /** The display order a new set or group gets by default: after the last one. */
  nextOrder(rows: { display_order: number }[]): number {
    return Math.min(999, rows.reduce((max, r) => Math.max(max, r.display_order), 0) + 10);
  }
}

/** An audit entry's who, what and which, without its before and after. */
export function entry(actor: Actor, action: string, entity: string, entityId: number) {
  return { actorId: actor.userId, action, entity, entityId, requestId: actor.requestId };
}
