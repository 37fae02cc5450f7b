import type { Messages } from '../types.ts';

// Figures « pour 10 000 habitants » (server/reference/per-inhabitant.ts): the comparison page, the
// dashboards, the exports and the API say them with these words.
export const perInhabitant = {
  'perInhabitant.measure.brut': 'Valeurs brutes',
  'perInhabitant.measure.habitants': 'Pour 10 000 habitants',
  'perInhabitant.field': 'Mesure',
  'perInhabitant.unit': '{unit} pour 10 000 habitants',
  'perInhabitant.unitPlain': 'pour 10 000 habitants',
  'perInhabitant.raw': 'brut : {value}',
  'perInhabitant.noForm':
    'Cet indicateur est un {kind} : il n’a pas de forme « pour 10 000 habitants » (il ne croît pas avec la population). Les valeurs sont montrées brutes.',
  'perInhabitant.noFormShort': 'Un {kind} n’a pas de forme par habitant : valeur brute.',
  'perInhabitant.kind.ratio': 'taux',
  'perInhabitant.kind.score': 'score',
  'perInhabitant.vintage':
    'population municipale, millésime {year} (INSEE, via @etalab/decoupage-administratif {version}) ; Mayotte : recensement de {mayotte}',
  'perInhabitant.note': 'Pour 10 000 habitants : chaque chiffre est divisé par la population de sa zone ({vintage}).',
  'perInhabitant.divisors': 'Populations qui divisent : {areas}.',
  'perInhabitant.divisor': '{area} : {population} habitants',
  'perInhabitant.poles': 'Chaque pôle est divisé par la population de son territoire (ses EPCI ou départements).',
  'perInhabitant.unknown': 'population inconnue',
  'perInhabitant.col.population': 'Population',
  'perInhabitant.col.territory': 'Population du territoire',
  'perInhabitant.col.per10k': 'Pour 10 000 habitants',
  'perInhabitant.map': 'Valeurs en {unit}.',
} satisfies Messages<'perInhabitant'>;
