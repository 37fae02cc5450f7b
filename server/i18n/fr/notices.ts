// Notices and deadline reminders shown to a pole.
import type { Messages } from '../types.ts';

export const notices = {
  'notices.title': 'Avis et rappels',
  'notices.intro': 'Les décisions de l’équipe nationale sur vos trimestres et les rappels d’échéance.',
  'notices.none': 'Aucun avis ni rappel pour ce pôle.',
  'notices.reason': 'Motif : {reason}',
  'notices.by': 'par {name}',
  'notices.kind.returned': 'Trimestre renvoyé',
  'notices.kind.validated': 'Trimestre validé',
  'notices.kind.reopened': 'Trimestre rouvert',
  'notices.kind.reminder': 'Rappel',
  'notices.kind.digest': 'Synthèse hebdomadaire',
  'notices.step.due_in_7': 'échéance dans 7 jours',
  'notices.step.due_today': 'échéance aujourd’hui',
  'notices.step.late_7': 'en retard de 7 jours',
  'notices.step.manual': 'relance de l’équipe nationale',
} satisfies Messages<'notices'>;
