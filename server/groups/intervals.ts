// A pole's memberships of one group set as intervals of quarter indexes, and what placing it in a group
// or taking it out from a quarter does to them. Pure: the service reads the rows, asks here, then writes.
// The rule the tables rely on: at most one membership holds any quarter, and at most one is open.

export interface Interval {
  id: number;
  group_id: number;
  from_index: number;
  to_index: number | null;
}

/** What placing a pole in a group from quarter `from` does. */
export type JoinPlan =
  | { kind: 'insert'; close: { id: number; toIndex: number } | null }
  /** The open membership started that very quarter: it changes group (a correction, no history lost). */
  | { kind: 'regroup'; id: number }
  | { kind: 'already'; since: Interval }
  | { kind: 'overlap'; with: Interval };

/** What taking a pole out of its group from quarter `from` does. */
export type LeavePlan =
  | { kind: 'close'; id: number; toIndex: number }
  /** The open membership starts that very quarter: it never held a quarter, so it goes. */
  | { kind: 'delete'; id: number; row: Interval }
  | { kind: 'none' }
  | { kind: 'beforeStart'; open: Interval };

const holdsFrom = (r: Interval, from: number) => r.to_index === null || r.to_index >= from;

/** Placing in `groupId` from `from`: closes the open membership the quarter before, never overlaps another. */
export function planJoin(rows: Interval[], groupId: number, from: number): JoinPlan {
  const later = rows.filter((r) => holdsFrom(r, from));
  if (later.length === 0) return { kind: 'insert', close: null };
  const [r] = later;
  if (later.length > 1 || r.to_index !== null || r.from_index > from) return { kind: 'overlap', with: r };
  if (r.group_id === groupId) return { kind: 'already', since: r };
  if (r.from_index === from) return { kind: 'regroup', id: r.id };
  return { kind: 'insert', close: { id: r.id, toIndex: from - 1 } };
}

/** Taking out from `from`: the open membership ends the quarter before. */
export function planLeave(rows: Interval[], from: number): LeavePlan {
  const open = rows.find((r) => r.to_index === null);
  if (!open) return { kind: 'none' };
  if (from < open.from_index) return { kind: 'beforeStart', open };
  if (from === open.from_index) return { kind: 'delete', id: open.id, row: open };
  return { kind: 'close', id: open.id, toIndex: from - 1 };
}

/** Whether no two intervals share a quarter and at most one is open (the invariant the tests check). */
export function disjoint(rows: Interval[]): boolean {
  const sorted = [...rows].sort((a, b) => a.from_index - b.from_index);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (prev.to_index === null || prev.to_index >= sorted[i].from_index) return false;
  }
  return true;
}
