import type { Messages } from '../types.ts';

export const password = {
  'password.tooShort': 'Le mot de passe doit contenir au moins 12 caractères.',
  'password.tooLong': 'Le mot de passe doit contenir au plus 128 caractères.',
  'password.tooCommon': 'Ce mot de passe est trop courant ou trop proche de votre nom, de votre pôle ou de votre région.',
  'password.mismatch': 'Les deux mots de passe ne correspondent pas.',
} satisfies Messages<'password'>;
