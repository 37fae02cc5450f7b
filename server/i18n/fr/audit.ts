import type { Messages } from '../types.ts';

export const audit = {
  'audit.title': 'Journal des modifications',
  'audit.when': 'Date',
  'audit.who': 'Auteur',
  'audit.action': 'Action',
  'audit.entity': 'Objet',
  'audit.change': 'Modification',
  'audit.none': 'Aucune modification enregistrée.',
  'audit.system': 'système',
  'audit.next': 'Plus anciennes',
  'audit.prev': 'Plus récentes',
} satisfies Messages<'audit'>;
