import type { Messages } from '../types.ts';

export const home = {
  'home.manager.title': 'Mon pôle',
  'home.manager.switch': 'Changer de pôle',
  'home.manager.none': 'Aucun pôle ne vous est encore rattaché. Contactez l’équipe nationale.',
  'home.funder.title': 'Les pôles de votre périmètre',
  'home.funder.national': 'Périmètre national : tous les pôles.',
  'home.funder.regions': 'Régions de votre périmètre : {regions}.',
  'home.staff.title': 'Administration',
  'home.staff.poles': 'pôles actifs',
  'home.staff.users': 'utilisateurs',
  'home.staff.indicators': 'indicateurs actifs',
  'home.staff.recent': 'Dernières modifications',
} satisfies Messages<'home'>;
