import type { Messages } from '../types.ts';

export const completeness = {
  'completeness.title': 'Complétude du trimestre {period}',
  'completeness.intro': 'Chaque pôle attendu pour ce trimestre et l’état de sa saisie. Date limite : {date}.',
  'completeness.period': 'Trimestre',
  'completeness.region': 'Région',
  'completeness.show': 'Afficher',
  'completeness.summary': 'Par région',
  'completeness.expected': 'Attendus',
  'completeness.submitted': 'Soumis (à valider)',
  'completeness.validated': 'Validés',
  'completeness.late': 'En retard',
  'completeness.total': 'Total',
  'completeness.poles': 'Pôles',
  'completeness.none': 'Aucun pôle n’est attendu pour ce trimestre.',
} satisfies Messages<'completeness'>;
