// Which reminder a quarter is due, from its deadline and today's date (Paris). Pure: no I/O.
import type { DateTime } from 'luxon';
import { ZONE } from '../lib/clock.ts';
import type { ReminderStep } from './notices.repo.ts';

export const STEPS: readonly ReminderStep[] = ['due_in_7', 'due_today', 'late_7'];

/** The order of the steps: a later step is never followed by an earlier one (a manual one ranks nowhere). */
export function stepRank(step: ReminderStep): number {
  return STEPS.indexOf(step);
}

/** The step of a reminder sent by hand today (Paris): one per pole, quarter and day. */
export function manualStep(now: DateTime): ReminderStep {
  return `m${now.setZone(ZONE).toFormat('yyyyMMdd')}`;
}

export const isManualStep = (step: string | null): boolean => Boolean(step?.startsWith('m'));

/**
 * The step of a quarter whose report is due on `deadline`'s day: `due_in_7` from 7 days before that day,
 * `due_today` from the day itself, `late_7` from 7 days after it; null before. Calendar days in Paris,
 * so a daylight-saving change never shifts a step.
 */
export function reminderStep(deadline: DateTime, now: DateTime): ReminderStep | null {
  const dueDay = deadline.setZone(ZONE).startOf('day');
  const today = now.setZone(ZONE).startOf('day');
  const days = Math.round(today.diff(dueDay, 'days').days);
  if (days >= 7) return 'late_7';
  if (days >= 0) return 'due_today';
  if (days >= -7) return 'due_in_7';
  return null;
}

/** The ISO week a moment falls in ('2026-W48'), Paris time: one digest per week and reader. */
export function isoWeek(now: DateTime): string {
  const local = now.setZone(ZONE);
  return `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`;
}
