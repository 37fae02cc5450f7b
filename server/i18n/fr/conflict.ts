import type { Messages } from '../types.ts';

export const conflict = {
  'conflict.title': 'Ce trimestre a été modifié entre-temps',
  'conflict.body':
    'Quelqu’un a enregistré ce trimestre après que vous avez ouvert le formulaire. Rien n’a été écrasé : comparez les valeurs enregistrées avec les vôtres, puis reprenez le formulaire.',
  'conflict.stored': 'Valeur enregistrée',
  'conflict.yours': 'Votre saisie',
  'conflict.reload': 'Reprendre le formulaire à jour',
} satisfies Messages<'conflict'>;
