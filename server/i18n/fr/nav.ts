import type { Messages } from '../types.ts';

export const nav = {
  'nav.home': 'Accueil',
  'nav.menu': 'Menu',
  'nav.myPole': 'Mon pôle',
  'nav.poles': 'Pôles',
  'nav.users': 'Utilisateurs',
  'nav.indicators': 'Indicateurs',
  'nav.audit': 'Journal',
  'nav.jobs': 'Tâches',
  'nav.profile': 'Mon profil',
  'nav.signOut': 'Se déconnecter',
  'nav.skip': 'Aller au contenu',
  'nav.main': 'Navigation principale',
  'nav.dashboard': 'Tableau de bord',
  'nav.exports': 'Exports',
  'nav.import': 'Importer',
  'nav.outbox': 'Envois',
  'nav.publications': 'Publications',
  'nav.review': 'Trimestres',
  'nav.completeness': 'Complétude',
} satisfies Messages<'nav'>;
