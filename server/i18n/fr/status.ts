import type { Messages } from '../types.ts';

export const status = {
  'status.draft': 'Brouillon',
  'status.submitted': 'Soumis',
  'status.validated': 'Validé',
  'status.returned': 'Renvoyé',
  'status.exempt': 'Sans objet',
  'status.todo': 'À saisir',
  'status.late': 'En retard',
} satisfies Messages<'status'>;
