// The text of the messages notices produce, in French, from the catalogue. Pure: no I/O.
import { t } from '../i18n/messages.ts';
import { formatDate } from '../lib/format.ts';
import { quarterLabel, type Quarter } from '../lib/quarters.ts';
import type { DateTime } from 'luxon';
import type { NoticeKind, Recipient, ReminderStep } from './notices.repo.ts';
import { isManualStep } from './reminder-steps.ts';

export interface Mail {
  subject: string;
  body: string;
}

// Subjects go in a 200-character column and a mail header: one line, bounded.
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').slice(0, 200);

function letter(to: Recipient, text: string): string {
  return `Bonjour ${to.display_name},\n\n${text}\n\n${t('mail.signature')}\n`;
}

/** The quarter's page on « Mon pôle ». */
export function quarterUrl(publicUrl: string, slug: string, q: Quarter): string {
  return `${publicUrl}/mon-pole/${encodeURIComponent(slug)}/trimestres/${quarterLabel(q)}`;
}

/** A staff decision (returned, validated, reopened) told to one manager. */
export function decisionMail(
  kind: Exclude<NoticeKind, 'reminder'>,
  to: Recipient,
  pole: { name: string },
  q: Quarter,
  reason: string | null,
  url: string,
): Mail {
  const p = { pole: pole.name, period: quarterLabel(q), reason: reason ?? '', url };
  return { subject: oneLine(t(`mail.${kind}.subject`, p)), body: letter(to, t(`mail.${kind}.body`, p)) };
}

/** A reminder step told to one manager. */
export function reminderMail(step: ReminderStep, to: Recipient, pole: { name: string }, q: Quarter, deadline: DateTime, url: string): Mail {
  const p = { pole: pole.name, period: quarterLabel(q), deadline: formatDate(deadline), url };
  const key = isManualStep(step) ? 'manual' : (step as Exclude<ReminderStep, `m${string}`>);
  return { subject: oneLine(t(`mail.reminder.${key}.subject`, p)), body: letter(to, t(`mail.reminder.${key}.body`, p)) };
}

export interface LateRegion {
  name: string;
  poles: { name: string; q: Quarter; deadline: DateTime }[];
}

/** The weekly digest of late poles by region, for one staff reader. */
export function digestMail(to: Recipient, week: string, regions: LateRegion[], url: string): Mail {
  const count = regions.reduce((n, r) => n + r.poles.length, 0);
  const parts: string[] = [];
  if (count === 0) parts.push(t('mail.digest.none'));
  else {
    parts.push(t('mail.digest.intro', { count }));
    for (const r of regions) {
      parts.push(
        `${r.name}\n${r.poles.map((p) => t('mail.digest.line', { pole: p.name, period: quarterLabel(p.q), deadline: formatDate(p.deadline) })).join('\n')}`,
      );
    }
  }
  parts.push(t('mail.digest.link', { url }));
  return { subject: oneLine(t('mail.digest.subject', { week })), body: letter(to, parts.join('\n\n')) };
}
