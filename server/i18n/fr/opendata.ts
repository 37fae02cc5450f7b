import type { Messages } from '../types.ts';

export const opendata = {
  'opendata.title': 'Données ouvertes',
  'opendata.intro':
    'Les chiffres nationaux et régionaux publiés par l’équipe nationale des PTCE, en CSV, réutilisables librement. Seule la dernière version de chaque publication est proposée.',
  'opendata.licence': 'Licence',
  'opendata.licenceText': 'Ces données sont diffusées sous la',
  'opendata.licenceName': 'Licence Ouverte / Etalab 2.0',
  'opendata.licenceAttribution': 'Mentionnez la source : « PTCE Impact — équipe nationale des PTCE », avec la date de la version utilisée.',
  'opendata.files': 'Fichiers',
  'opendata.none': 'Aucune synthèse n’a encore été publiée.',
  'opendata.col.file': 'Fichier',
  'opendata.col.period': 'Période',
  'opendata.col.version': 'Version',
  'opendata.col.date': 'Publiée le',
  'opendata.col.rows': 'Lignes',
  'opendata.col.secrets': 'Secrets statistiques',
  'opendata.download': 'Télécharger {period} (CSV)',
  'opendata.format':
    'Format : CSV encodé en UTF-8, séparateur virgule, point décimal, une ligne d’en-tête ; une ligne par indicateur et par zone (la France entière puis chaque région).',
  'opendata.secrecy': 'Secret statistique',
  'opendata.secrecyText':
    'Un chiffre régional ou national qui repose sur moins de {min} pôles est remplacé par « {secret} ». Pour qu’aucun chiffre masqué ne puisse être retrouvé par soustraction (total national moins les régions affichées), un second chiffre est masqué avec lui lorsqu’il serait seul : la région suivante la plus faible (en nombre de pôles) parmi celles au moins aussi grandes que le chiffre masqué, sinon la plus grande, ou à défaut le total national. Une année et ses trimestres sont protégés ensemble : un chiffre masqué pour un trimestre l’est aussi pour l’année, et une année masquée masque avec elle l’un de ses trimestres. Une année n’est proposée qu’une fois ses quatre trimestres publiés (sinon l’année moins les trimestres proposés donnerait le trimestre manquant).',
  'opendata.columns': 'Description des colonnes',
  'opendata.schemaText':
    'Ces colonnes, leurs types et leurs contraintes sont aussi décrits au format Table Schema (celui des schémas de données publics de schema.data.gouv.fr), lisible par les outils de validation :',
  'opendata.schemaLink': 'schéma des fichiers (schema.json)',
  'opendata.col.name': 'Colonne',
  'opendata.col.description': 'Description',
} satisfies Messages<'opendata'>;
