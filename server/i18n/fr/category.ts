import type { Messages } from '../types.ts';

export const category = {
  'category.ess': 'Entreprise de l’ESS',
  'category.non_ess': 'Entreprise hors ESS',
  'category.collectivite': 'Collectivité territoriale',
  'category.recherche': 'Recherche',
  'category.formation': 'Organisme de formation',
  'category.autre': 'Autre acteur',
} satisfies Messages<'category'>;
