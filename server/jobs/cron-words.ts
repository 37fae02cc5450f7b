// A job's schedule said in words on « Tâches planifiées » (« toutes les 5 minutes », « chaque nuit à
// 3 h »): the cron expression stays beside it for operators. Only the shapes a person writes in
// REFRESH_CRON and the others are put into words; any other expression is shown as it is.
import { t, tn } from '../i18n/messages.ts';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const NUMBER = /^\d+$/;

/** « 3 h », « 7 h 30 ». */
function clock(hour: number, minute: number): string {
  return minute ? `${hour} h ${String(minute).padStart(2, '0')}` : `${hour} h`;
}

/** The schedule in French, or null when the expression is not one of the usual shapes. */
export function cronInWords(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const [minute, hour, day, month, weekday] = fields;
  if (month !== '*') return null;
  if (hour === '*' && day === '*' && weekday === '*') {
    if (minute === '*') return t('jobs.cron.everyMinute');
    const step = /^\*\/(\d+)$/.exec(minute);
    if (step && Number(step[1]) >= 1) return tn('jobs.cron.everyMinutes', Number(step[1]));
    if (NUMBER.test(minute)) return t('jobs.cron.everyHour', { minute: Number(minute) });
    return null;
  }
  if (!NUMBER.test(minute) || !NUMBER.test(hour)) return null;
  const m = Number(minute);
  const h = Number(hour);
  if (m > 59 || h > 23) return null;
  const at = clock(h, m);
  if (day === '*' && weekday === '*') return h < 6 ? t('jobs.cron.nightly', { at }) : t('jobs.cron.daily', { at });
  if (day === '*' && /^[0-7]$/.test(weekday)) {
    return t('jobs.cron.weekly', { weekday: t(`jobs.cron.day.${WEEKDAYS[Number(weekday) % 7]}`), at });
  }
  if (weekday === '*' && NUMBER.test(day) && Number(day) >= 1 && Number(day) <= 31) {
    return t('jobs.cron.monthly', { day: Number(day) === 1 ? '1er' : day, at });
  }
  return null;
}
