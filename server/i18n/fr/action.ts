import type { Messages } from '../types.ts';

export const action = {
  'action.create': 'Création',
  'action.update': 'Modification',
  'action.import': 'Import',
  'action.submit': 'Soumission',
  'action.validate': 'Validation',
  'action.return': 'Renvoi',
  'action.reopen': 'Réouverture',
} satisfies Messages<'action'>;
