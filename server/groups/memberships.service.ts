// Poles in groups over time: placing a pole in a group from a quarter (closing its previous membership
// the quarter before), taking it out, and the reads the pages and, later, the aggregates engine need.
// Every write runs in one transaction that starts with a write (the set's row lock), checks the form's
// digest (409 when the memberships changed meanwhile) and the intervals (no overlap), then audits.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuditRepo } from '../audit/audit.repo.ts';
import { isUniqueViolation, nowTimestamp } from '../db/dialect.ts';
import { Conflict, StaleVersion, ValidationError } from '../http/errors.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { t } from '../i18n/messages.ts';
import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import { fromIndex, quarterIndex, quarterLabel, quarterOf } from '../lib/quarters.ts';
import { compareFr } from '../lib/french-order.ts';
import type { PoleRow } from '../poles/poles.repo.ts';
import type { GroupSetRow, GroupsRepo, PoleGroupRow } from './groups.repo.ts';
import type { MembershipRow, MembershipsRepo } from './memberships.repo.ts';
import type { JoinForm, LeaveForm } from './groups.schema.ts';
import { entry } from './groups.service.ts';
import { planJoin, planLeave } from './intervals.ts';
export type { MembershipRow } from './memberships.repo.ts';

interface Repos {
  audit: AuditRepo;
  groups: GroupsRepo;
  memberships: MembershipsRepo;
}

/** '2024-T1' for a quarter index. */
export const indexLabel = (i: number) => quarterLabel(fromIndex(i));

/** What the form carries back: the pole's memberships of the set as it saw them. */
export function digestOf(rows: MembershipRow[]): string {
  const key = rows.map((r) => [r.id, r.group_id, r.from_index, r.to_index]);
  return createHash('md5').update(JSON.stringify(key)).digest('hex');
}

/** A membership as the audit journal keeps it: the pole, the set, the group and the quarters. */
const audited = (r: Pick<MembershipRow, 'pole_id' | 'set_id' | 'group_id' | 'from_index' | 'to_index'>) => ({
  pole_id: r.pole_id,
  set_id: r.set_id,
  group_id: r.group_id,
  from: indexLabel(r.from_index),
  to: r.to_index === null ? null : indexLabel(r.to_index),
});

/** One set on a pole's groups page: its groups, the pole's history in it, the current one, the digest. */
export interface PoleSet {
  set: GroupSetRow;
  groups: PoleGroupRow[];
  history: (MembershipRow & { group: PoleGroupRow | undefined })[];
  current: (MembershipRow & { group: PoleGroupRow | undefined }) | null;
  digest: string;
}

/** A group as a user may see it: only the poles of the user's scope, and how many they are. */
export interface VisibleGroup {
  group: PoleGroupRow;
  poles: { id: number; name: string; slug: string }[];
}

export class MembershipsService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: Repos,
  ) {}

  /** The quarter index of today (Paris). */
  currentIndex(): number {
    return quarterIndex(quarterOf(this.clock.now()));
  }

  /** For each set: its groups, the pole's memberships (oldest first) and the one holding this quarter. */
  async poleSets(pole: PoleRow): Promise<PoleSet[]> {
    const [sets, groups, rows] = await Promise.all([
      this.repos.groups.sets(this.db),
      this.repos.groups.groups(this.db),
      this.repos.memberships.ofPole(this.db, pole.id),
    ]);
    const byId = new Map(groups.map((g) => [g.id, g]));
    const now = this.currentIndex();
    return sets.map((set) => {
      const mine = rows.filter((r) => r.set_id === set.id);
      const history = mine.map((r) => ({ ...r, group: byId.get(r.group_id) }));
      return {
        set,
        groups: groups.filter((g) => g.set_id === set.id),
        history,
        current: history.find((r) => r.from_index <= now && (r.to_index === null || r.to_index >= now)) ?? null,
        digest: digestOf(mine),
      };
    });
  }

  /** Places the pole in a group from a quarter; the previous membership ends the quarter before. */
  async join(pole: PoleRow, set: GroupSetRow, form: JoinForm, actor: Actor): Promise<void> {
    const groups = await this.repos.groups.groups(this.db, set.id);
    const group = groups.find((g) => g.id === form.group);
    if (!group || !group.active) throw new ValidationError({ group: t('groups.error.groupMissing') });
    const label = (id: number) => groups.find((g) => g.id === id)?.label_fr ?? '';
    const now = nowTimestamp(this.clock);
    await this.write(async (trx) => {
      const rows = await this.lockAndRead(trx, pole, set, form.digest);
      const plan = planJoin(rows, group.id, form.from);
      if (plan.kind === 'overlap') {
        const w = plan.with;
        const to = w.to_index === null ? t('groups.error.overlapOpen') : indexLabel(w.to_index);
        throw new ValidationError({ from: t('groups.error.overlap', { group: label(w.group_id), from: indexLabel(w.from_index), to }) });
      }
      if (plan.kind === 'already') {
        throw new ValidationError({
          group: t('groups.error.already', { group: group.label_fr, since: indexLabel(plan.since.from_index) }),
        });
      }
      if (plan.kind === 'regroup') {
        const before = rows.find((r) => r.id === plan.id)!;
        if (!(await this.repos.memberships.regroup(trx, plan.id, group.id))) throw new StaleVersion();
        await this.repos.audit.record(trx, {
          ...entry(actor, 'group.correct', 'pole_group_membership', plan.id),
          before: audited(before),
          after: audited({ ...before, group_id: group.id }),
        });
        return;
      }
      if (plan.close)
        await this.close(
          trx,
          rows.find((r) => r.id === plan.close!.id)!,
          plan.close.toIndex,
          actor,
          now,
        );
      const row = { pole_id: pole.id, set_id: set.id, group_id: group.id, from_index: form.from, to_index: null };
      const id = await this.repos.memberships.insert(trx, { ...row, created_by: actor.userId, created_at: now });
      await this.repos.audit.record(trx, { ...entry(actor, 'group.join', 'pole_group_membership', id), before: null, after: audited(row) });
    });
  }

  /** Takes the pole out of its group of the set from a quarter: it was in it until the quarter before. */
  async leave(pole: PoleRow, set: GroupSetRow, form: LeaveForm, actor: Actor): Promise<void> {
    await this.write(async (trx) => {
      const rows = await this.lockAndRead(trx, pole, set, form.digest);
      const plan = planLeave(rows, form.from);
      if (plan.kind === 'none') throw new ValidationError({ from: t('groups.error.noGroup', { set: set.label_fr }) });
      if (plan.kind === 'beforeStart') {
        throw new ValidationError({ from: t('groups.error.beforeStart', { since: indexLabel(plan.open.from_index) }) });
      }
      if (plan.kind === 'close') {
        await this.close(
          trx,
          rows.find((r) => r.id === plan.id)!,
          plan.toIndex,
          actor,
          nowTimestamp(this.clock),
        );
        return;
      }
      // Out from the very quarter it started: the membership never held a quarter and goes, audited on the pole.
      if (!(await this.repos.memberships.remove(trx, plan.id))) throw new StaleVersion();
      const before = rows.find((r) => r.id === plan.id)!;
      await this.repos.audit.record(trx, { ...entry(actor, 'group.cancel', 'pole', pole.id), before: audited(before), after: null });
    });
  }

  /** Which poles are in each group of the set at a quarter index (group id → pole ids). */
  async membersAt(setId: number, index: number): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    for (const r of await this.repos.memberships.membersAt(this.db, setId, index)) {
      out.set(r.group_id, [...(out.get(r.group_id) ?? []), r.pole_id]);
    }
    return out;
  }

  /** A pole's memberships, every set, oldest first within a set. */
  groupsOfPole(poleId: number): Promise<MembershipRow[]> {
    return this.repos.memberships.ofPole(this.db, poleId);
  }

  /**
   * The groups a user may see at a quarter (today by default), each with only the poles of the user's
   * scope (scoped in SQL): a regional funder never learns that a group has poles elsewhere, and a group
   * with none of its poles is not listed to it. Staff see every group, empty ones included.
   */
  async visibleGroups(user: CurrentUser, index = this.currentIndex()): Promise<{ set: GroupSetRow; groups: VisibleGroup[] }[]> {
    const [sets, groups, members] = await Promise.all([
      this.repos.groups.sets(this.db),
      this.repos.groups.groups(this.db),
      this.repos.memberships.visibleMembersAt(this.db, user, index),
    ]);
    const poles = (g: PoleGroupRow) =>
      members
        .filter((m) => m.group_id === g.id)
        .map((m) => ({ id: m.pole_id, name: m.pole_name, slug: m.pole_slug }))
        .sort((a, b) => compareFr(a.name, b.name));
    return sets
      .map((set) => ({
        set,
        groups: groups
          .filter((g) => g.set_id === set.id)
          .map((group) => ({ group, poles: poles(group) }))
          .filter((g) => user.role === 'staff' || g.poles.length > 0),
      }))
      .filter((s) => s.groups.length > 0);
  }

  /** The pole's groups as its page says them: the set, the group and since when (and those to come). */
  async poleSummary(pole: PoleRow): Promise<{ set: string; group: string; since: string; upcoming: boolean }[]> {
    const now = this.currentIndex();
    return (await this.poleSets(pole)).flatMap(({ set, history }) =>
      history
        .filter((r) => r.to_index === null || r.to_index >= now)
        .map((r) => ({ set: set.label_fr, group: r.group?.label_fr ?? '', since: indexLabel(r.from_index), upcoming: r.from_index > now })),
    );
  }

  /** One transaction; a second open membership (the partial unique index) is a conflict, never a 500. */
  private async write(run: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
    try {
      await this.db.transaction(run);
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict('membership changed');
      throw err;
    }
  }

  private async lockAndRead(trx: Knex.Transaction, pole: PoleRow, set: GroupSetRow, digest: string): Promise<MembershipRow[]> {
    await this.repos.memberships.lockSet(trx, set.id);
    const rows = await this.repos.memberships.ofPoleSet(trx, pole.id, set.id);
    if (digestOf(rows) !== digest) throw new StaleVersion();
    return rows;
  }

  private async close(trx: Knex.Transaction, row: MembershipRow, toIndex: number, actor: Actor, now: string): Promise<void> {
    if (!(await this.repos.memberships.close(trx, row.id, toIndex, actor.userId, now))) throw new StaleVersion();
    await this.repos.audit.record(trx, {
      ...entry(actor, 'group.leave', 'pole_group_membership', row.id),
      before: audited(row),
      after: audited({ ...row, to_index: toIndex }),
    });
  }
}
