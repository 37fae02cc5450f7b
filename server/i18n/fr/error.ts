import type { Messages } from '../types.ts';

export const error = {
  'error.403.title': 'Accès refusé',
  'error.403.body': 'Vous n’avez pas accès à cette page. Si vous pensez que c’est une erreur, contactez l’équipe nationale.',
  'error.csrf.body': 'Le formulaire a expiré ou n’est pas valide. Rechargez la page et recommencez.',
  'error.404.title': 'Page introuvable',
  'error.404.body': 'La page demandée n’existe pas, ou vous n’y avez pas accès.',
  'error.400.title': 'Requête invalide',
  'error.400.body': 'La requête n’a pas pu être comprise.',
  'error.409.title': 'Modification concurrente',
  'error.429.title': 'Trop de tentatives',
  'error.429.body': 'Trop de tentatives. Patientez quelques minutes avant de réessayer.',
  'error.500.title': 'Erreur interne',
  'error.500.body': 'Une erreur inattendue s’est produite. L’équipe technique en a été informée.',
  'error.back': 'Retour à l’accueil',
} satisfies Messages<'error'>;
