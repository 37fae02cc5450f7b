// The profile page's « Jetons d'accès à l'API ».
import type { Messages } from '../types.ts';

export const apiTokens = {
  'apiTokens.title': 'Jetons d’accès à l’API',
  'apiTokens.intro':
    'Un jeton permet à un programme de lire les chiffres de votre périmètre par l’API (/api/v1), en votre nom. Il est affiché une seule fois : copiez-le aussitôt. Révoquez-le dès qu’il ne sert plus.',
  'apiTokens.field.name': 'Nom du jeton',
  'apiTokens.field.nameHint': 'À quoi il sert, par exemple « Tableur du service études ».',
  'apiTokens.create': 'Créer un jeton',
  'apiTokens.created': 'Jeton « {name} » créé. Copiez-le maintenant : il ne sera plus jamais affiché.',
  'apiTokens.createdLabel': 'Votre nouveau jeton',
  'apiTokens.revoke': 'Révoquer',
  'apiTokens.revoked': 'Le jeton « {name} » est révoqué.',
  'apiTokens.alreadyRevoked': 'Ce jeton était déjà révoqué.',
  'apiTokens.none': 'Aucun jeton pour l’instant.',
  'apiTokens.col.name': 'Nom',
  'apiTokens.col.created': 'Créé le',
  'apiTokens.col.lastUsed': 'Dernière utilisation',
  'apiTokens.col.state': 'État',
  'apiTokens.col.actions': 'Actions',
  'apiTokens.never': 'jamais',
  'apiTokens.active': 'actif',
  'apiTokens.revokedOn': 'révoqué le {date}',
  'apiTokens.error.nameRequired': 'Donnez un nom au jeton.',
  'apiTokens.error.tooMany': 'Vous avez déjà {max} jetons actifs : révoquez-en un avant d’en créer un autre.',
} satisfies Messages<'apiTokens'>;
