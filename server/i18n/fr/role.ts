import type { Messages } from '../types.ts';

export const role = {
  'role.staff': 'Équipe nationale',
  'role.manager': 'Gestionnaire de pôle',
  'role.funder': 'Financeur',
} satisfies Messages<'role'>;
