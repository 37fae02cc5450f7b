// The e-mails that notices and reminders send.
import type { Messages } from '../types.ts';

export const mail = {
  'mail.signature': '— PTCE Impact',
  'mail.returned.subject': '[PTCE Impact] {pole} : le trimestre {period} vous est renvoyé',
  'mail.returned.body':
    'L’équipe nationale a renvoyé la saisie du trimestre {period} du pôle {pole}.\n\nMotif : {reason}\n\nVous pouvez la corriger et la soumettre à nouveau :\n{url}',
  'mail.validated.subject': '[PTCE Impact] {pole} : le trimestre {period} est validé',
  'mail.validated.body': 'L’équipe nationale a validé la saisie du trimestre {period} du pôle {pole}. Merci !\n\n{url}',
  'mail.reopened.subject': '[PTCE Impact] {pole} : le trimestre {period} est rouvert',
  'mail.reopened.body':
    'L’équipe nationale a rouvert le trimestre {period} du pôle {pole}, déjà validé.\n\nMotif : {reason}\n\nVous pouvez le modifier et le soumettre à nouveau :\n{url}',
  'mail.reminder.due_in_7.subject': '[PTCE Impact] {pole} : le trimestre {period} est à remettre d’ici le {deadline}',
  'mail.reminder.due_in_7.body': 'La saisie du trimestre {period} du pôle {pole} est attendue d’ici le {deadline}, dans 7 jours.\n\n{url}',
  'mail.reminder.due_today.subject': '[PTCE Impact] {pole} : le trimestre {period} est à remettre aujourd’hui',
  'mail.reminder.due_today.body': 'La saisie du trimestre {period} du pôle {pole} est attendue pour le {deadline}.\n\n{url}',
  'mail.reminder.late_7.subject': '[PTCE Impact] {pole} : le trimestre {period} est en retard',
  'mail.reminder.late_7.body':
    'La saisie du trimestre {period} du pôle {pole} était attendue le {deadline} et n’a pas encore été soumise.\n\n{url}',
  'mail.reminder.manual.subject': '[PTCE Impact] {pole} : l’équipe nationale attend le trimestre {period}',
  'mail.reminder.manual.body':
    'L’équipe nationale vous relance : la saisie du trimestre {period} du pôle {pole} était attendue le {deadline} et n’a pas encore été soumise.\n\n{url}',
  'mail.digest.subject': '[PTCE Impact] Pôles en retard — semaine {week}',
  'mail.digest.intro': 'Pôles dont un trimestre a dépassé son échéance sans être soumis, par région ({count} au total) :',
  'mail.digest.none': 'Aucun pôle n’est en retard cette semaine.',
  'mail.digest.line': '- {pole} : {period} (échéance le {deadline})',
  'mail.digest.link': 'Complétude par trimestre :\n{url}',
} satisfies Messages<'mail'>;
