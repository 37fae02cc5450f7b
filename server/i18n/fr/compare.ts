import type { Messages } from '../types.ts';

// « Comparer des régions » (server/comparison/) and the populations it divides by (server/reference/population.ts).
export const compare = {
  'compare.title': 'Comparer des régions',
  'compare.lead': '{indicator}, du trimestre {from} au trimestre {to}, par région et pour la France.',
  'compare.lead.perInhabitant': '{indicator} pour 10 000 habitants, du trimestre {from} au trimestre {to}, par région et pour la France.',
  'compare.link': 'Comparer des régions',
  'compare.back': 'Retour au tableau de bord',
  'compare.form': 'Choisir l’indicateur, les régions, la période et la mesure',
  'compare.field.indicator': 'Indicateur',
  'compare.field.regions': 'Régions (une à six)',
  'compare.field.regions.hint': 'La France est toujours montrée à côté, comme référence.',
  'compare.field.from': 'Du trimestre',
  'compare.field.to': 'Au trimestre',
  'compare.field.measure': 'Mesure',
  'compare.show': 'Comparer',
  'compare.error.indicator': 'Indicateur « {code} » inconnu : choisissez-le dans la liste.',
  'compare.error.regionsTooMany': 'Six régions au plus ({count} cochées) : décochez-en quelques-unes.',
  'compare.error.regionUnknown': 'Code de région « {code} » inconnu : choisissez les régions dans la liste.',
  'compare.error.quarter': 'Trimestre « {value} » non reconnu : écrivez-le comme 2026-T3.',
  'compare.error.measure': 'Mesure « {value} » inconnue : choisissez « valeurs brutes » ou « pour 10 000 habitants ».',
  'compare.error.repeated': 'Ce champ est donné plusieurs fois dans l’adresse : gardez-en un seul.',
  'compare.noRegion': 'Aucune région choisie : seule la France est montrée. Cochez une à six régions pour les comparer.',
  'compare.chart': 'Évolution de {indicator} par région et pour la France, de {from} à {to}',
  'compare.chart.rightAxis': '{area} (axe de droite)',
  'compare.chart.twoAxes':
    'La France est lue sur l’axe de droite, les régions sur celui de gauche : un total national écraserait les régions sur un même axe. Pour comparer sur une même échelle, choisissez « pour 10 000 habitants ».',
  'compare.table': 'Les chiffres du graphique',
  'compare.caption': '{indicator} par trimestre, de {from} à {to} : valeur et complétude de chaque zone',
  'compare.caption.perInhabitant':
    '{indicator} par trimestre, de {from} à {to}, en {unit} : valeur rapportée à la population, valeur brute et complétude de chaque zone',
  'compare.col.quarter': 'Trimestre',
  'compare.col.completeness': 'Complétude ({area})',
  'compare.provisionalNote':
    'Un trimestre marqué « provisoire » n’est pas encore consolidé dans au moins une des zones : ses chiffres peuvent encore changer ; le graphique le dessine en pointillés.',
  'compare.population.title': 'Populations utilisées',
  'compare.population.lead':
    'Chaque valeur est multipliée par 10 000 puis divisée par la population de sa zone : celle de la région (somme de ses communes), et pour la France la somme des 18 régions.',
  'compare.population.source': 'Source : {vintage}.',
  'compare.population.col.area': 'Zone',
  'compare.population.col.population': 'Habitants',
  'compare.population.france': 'France (18 régions)',
  'compare.shareLink': 'Adresse de cette comparaison, à partager',
  'compare.freshness':
    'Chiffres des agrégats en vigueur, données validées ; mêmes règles de complétude et de trimestres provisoires que les tableaux de bord.',
} satisfies Messages<'compare'>;
