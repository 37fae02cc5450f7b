import type { Messages } from '../types.ts';

export const form = {
  'form.save': 'Enregistrer',
  'form.cancel': 'Annuler',
  'form.errorSummaryTitle': 'Il y a un problème',
  'form.errorSummary': 'Le formulaire contient des erreurs. Corrigez les champs signalés.',
  'form.required': 'Ce champ est obligatoire.',
  'form.tooLong': 'Ce texte est trop long ({max} caractères au plus).',
  'form.invalid': 'Valeur invalide.',
  'form.controlChar':
    'Ce texte contient un caractère invisible non autorisé ({char}, position {position}) : retapez ce passage, ou collez-le sans mise en forme.',
  'form.conflict':
    'Cet élément a été modifié par quelqu’un d’autre pendant que vous le modifiiez. Rechargez la page pour voir la version actuelle ; vos modifications n’ont pas été enregistrées.',
  'form.saved': 'Modifications enregistrées.',
  'form.yes': 'Oui',
  'form.no': 'Non',
  'form.search': 'Rechercher',
  'form.filter': 'Filtrer',
  'form.checkboxFilter': 'Chercher dans la liste',
  'form.all': 'Toutes',
  'form.integer': 'Saisissez un nombre entier.',
  'form.tooLarge': 'Ce nombre est trop grand.',
  'form.dateInvalid': 'Date invalide.',
  'form.dateFormat': 'Saisissez une date au format JJ/MM/AAAA.',
  'form.dateUnknown': 'Cette date n’existe pas.',
  'form.quarterFormat': 'Saisissez un trimestre sous la forme 2024-T1.',
  'form.yearRange': 'L’année doit être comprise entre {min} et {max}.',
} satisfies Messages<'form'>;
