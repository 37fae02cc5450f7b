import type { Messages } from '../types.ts';

export const objective = {
  'objective.O1': 'Structurer des filières ancrées dans le territoire',
  'objective.O2': 'Donner à l’ESS une meilleure visibilité institutionnelle',
  'objective.O3': 'Renforcer l’économie locale',
  'objective.O4': 'Valoriser les ressources locales',
  'objective.O5': 'Concrétiser des projets d’innovation sociale',
  'objective.O6': 'Contribuer à la transition énergétique',
} satisfies Messages<'objective'>;
