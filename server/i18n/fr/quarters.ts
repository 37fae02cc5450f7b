import type { Messages } from '../types.ts';

export const quarters = {
  'quarters.label': '{year}-T{quarter}',
  'quarters.title': 'Trimestres',
  'quarters.none': 'Aucun trimestre à saisir pour l’instant : le premier trimestre de saisie n’est pas encore terminé.',
  'quarters.period': 'Trimestre',
  'quarters.status': 'État',
  'quarters.deadline': 'Date limite',
  'quarters.open': 'Saisir',
  'quarters.view': 'Consulter',
  'quarters.returnReason': 'Motif du renvoi : {reason}',
  'quarters.exemptReason': 'Non attendu : {reason}',
} satisfies Messages<'quarters'>;
