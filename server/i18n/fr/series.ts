import type { Messages } from '../types.ts';

/** The time-series export (/exports/series): its form on the exports page, its errors, its file's note. */
export const series = {
  'series.title': 'Séries trimestrielles',
  'series.intro':
    'Une ligne par indicateur, zone et trimestre (format long), sur les données validées : la valeur, le statut du trimestre (consolidé ou provisoire), la complétude, la valeur pour 10 000 habitants et, pour les pôles, l’objectif de l’année. Zones : la France, chaque région et chaque pôle ; pour un périmètre régional, vos régions et leurs pôles.',
  'series.field.from': 'Du trimestre',
  'series.field.to': 'Au trimestre',
  'series.field.quarterHint': 'Par exemple 2025-T1. {max} trimestres au plus ; dernier trimestre clos : {last}.',
  'series.field.indicators': 'Indicateurs',
  'series.field.indicatorsHint': 'Aucune case cochée : tous les indicateurs.',
  'series.field.format': 'Format du fichier',
  'series.download': 'Télécharger les séries',
  'series.error.fromMissing': 'Indiquez le trimestre de début, par exemple 2025-T1.',
  'series.error.toMissing': 'Indiquez le trimestre de fin, par exemple 2026-T3.',
  'series.error.quarter': 'Trimestre non reconnu : écrivez par exemple 2026-T2.',
  'series.error.range': 'Le trimestre de fin doit suivre celui de début.',
  'series.error.open': 'Ce trimestre n’est pas encore clos (dernier trimestre clos : {last}).',
  'series.error.tooLong': '{max} trimestres au plus à la fois ({count} demandés) : raccourcissez la période.',
  'series.error.repeated': 'Une seule valeur est attendue.',
  'series.error.indicatorsList': 'Cette sélection d’indicateurs n’est pas valable.',
  'series.error.indicatorUnknown': 'Indicateur inconnu : {code}.',
  'series.error.format': 'Choisissez un format de la liste.',
  'series.error.xlsxTooBig':
    'Le classeur aurait {rows} lignes, plus que les {max} qu’Excel accepte : choisissez moins de trimestres ou d’indicateurs, ou un fichier CSV.',
  'series.sheet': 'Séries',
  'series.note':
    'Séries trimestrielles. Périmètre : {scope}. Trimestres : {from} à {to}. Base : données validées. Population : {vintage}. Généré le {at}.',
} satisfies Messages<'series'>;
