import type { Messages } from '../types.ts';

export const history = {
  'history.title': 'Historique — {indicator}',
  'history.when': 'Date',
  'history.who': 'Auteur',
  'history.action': 'Action',
  'history.old': 'Ancienne valeur',
  'history.new': 'Nouvelle valeur',
  'history.why': 'Commentaire ou motif',
  'history.none': 'Aucune modification enregistrée.',
  'history.back': 'Retour au formulaire',
} satisfies Messages<'history'>;
