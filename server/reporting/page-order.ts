import type { IndicatorRow } from '../indicators/indicators.repo.ts';
import { field, type EntryContext } from './entry-rules.ts';

/** The objective an indicator is shown under on the form: its first one (O3 when it has none). */
export const formObjective = (row: Pick<IndicatorRow, 'objectives'>): string => row.objectives.split(',')[0] || 'O3';

/**
 * The indicators in the order the form shows them: grouped by objective (O1, O2…), the catalogue's order
 * within a group. The entry context lists them so, and every list of problems follows it.
 */
export function inFormOrder<T extends Pick<IndicatorRow, 'objectives'>>(rows: T[]): T[] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => formObjective(a.row).localeCompare(formObjective(b.row)) || a.i - b.i)
    .map(({ row }) => row);
}

/**
 * The entry form's field names in the order the page shows them: per indicator its value, the
 * confirmation of a carried-over value, its categories, the « non disponible » reason and the comment;
 * then the narrative. The error summary lists problems in this order, so its first link is the first
 * field to fix on the way down.
 */
export function pageOrder(ctx: Pick<EntryContext, 'indicators'>): string[] {
  const names: string[] = [];
  for (const ind of ctx.indicators) {
    names.push(field.value(ind.code), field.confirm(ind.code));
    for (const c of ind.categories) names.push(field.value(ind.code, c.code));
    names.push(field.naReason(ind.code), field.comment(ind.code));
  }
  names.push('highlights', 'difficulties');
  return names;
}

/** The same messages, keyed by field, reordered as the page shows the fields (unknown names last). */
export function inPageOrder(messages: Record<string, string>, ctx: Pick<EntryContext, 'indicators'>): Record<string, string> {
  const rank = new Map(pageOrder(ctx).map((name, i) => [name, i]));
  const sorted = Object.entries(messages).sort(([a], [b]) => (rank.get(a) ?? rank.size) - (rank.get(b) ?? rank.size));
  return Object.fromEntries(sorted);
}
