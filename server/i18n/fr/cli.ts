import type { Messages } from '../types.ts';

export const cli = {
  'cli.usage':
    'Usage : npm run user:create -- --email prenom.nom@exemple.fr --role staff|manager|funder [--name "Prénom Nom"] [--password-stdin]',
  'cli.badArguments': 'Arguments invalides : {detail}',
  'cli.unknownOption': 'option inconnue {option}.',
  'cli.unexpectedArgument': 'argument inattendu « {argument} » (les valeurs suivent leur option, par exemple --email a@b.fr).',
  'cli.invalidOptionValue': 'valeur manquante ou en trop pour {option}.',
  'cli.emailInvalid': '--email : adresse électronique manquante ou invalide.',
  'cli.roleInvalid': '--role doit valoir staff, manager ou funder.',
  'cli.nameInvalid': '--name : 120 caractères au plus.',
  'cli.controlChar': '{option} : caractère de contrôle {char} en position {position} (souvent un copier-coller) : retapez la valeur.',
  'cli.passwordEmpty': 'Aucun mot de passe reçu sur l’entrée standard.',
  'cli.created': 'Compte créé : {email} ({role}).',
  'cli.invitation': 'Lien d’invitation (à usage unique, valable jusqu’au {date}) :',
  'cli.refused': 'Compte non créé :',
} satisfies Messages<'cli'>;
