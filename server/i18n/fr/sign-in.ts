import type { Messages } from '../types.ts';

export const signIn = {
  'signIn.title': 'Connexion',
  'signIn.intro': 'Connectez-vous pour saisir ou consulter les indicateurs des pôles.',
  'signIn.email': 'Adresse électronique',
  'signIn.password': 'Mot de passe',
  'signIn.submit': 'Se connecter',
  'signIn.invalid': 'Adresse électronique ou mot de passe incorrect.',
  'signIn.throttled.1': 'Trop de tentatives de connexion. Réessayez dans {count} minute.',
  'signIn.throttled.n': 'Trop de tentatives de connexion. Réessayez dans {count} minutes.',
  'signIn.emailRequired': 'Saisissez votre adresse électronique.',
  'signIn.passwordRequired': 'Saisissez votre mot de passe.',
  'signIn.signedOut': 'Vous êtes déconnecté.',
  'signIn.protectedPage': 'Connectez-vous pour accéder à cette page.',
  'signIn.sessionExpired': 'Votre session a expiré. Reconnectez-vous.',
} satisfies Messages<'signIn'>;
