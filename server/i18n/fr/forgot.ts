import type { Messages } from '../types.ts';

export const forgot = {
  'forgot.link': 'Mot de passe oublié ?',
  'forgot.title': 'Mot de passe oublié',
  'forgot.intro':
    'Indiquez l’adresse électronique de votre compte. L’équipe nationale reçoit votre demande et vous envoie un lien pour choisir un nouveau mot de passe, valable une heure.',
  'forgot.submit': 'Demander un nouveau mot de passe',
  'forgot.back': 'Retour à la connexion',
  'forgot.done':
    'Votre demande est enregistrée. Si un compte actif correspond à cette adresse, l’équipe nationale vous enverra un lien pour choisir un nouveau mot de passe.',
  'forgot.emailRequired': 'Saisissez votre adresse électronique.',
  'forgot.emailInvalid': 'Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.',
  'forgot.throttled': 'Trop de demandes depuis cette connexion : réessayez dans une heure.',
} satisfies Messages<'forgot'>;
