import type { Messages } from '../types.ts';

export const completeness = {
  'completeness.title': 'Complétude du trimestre {period}',
  'completeness.intro':
    'Chaque pôle attendu pour ce trimestre et l’état de sa saisie. Date limite : {date}. Un trimestre qui ne s’applique pas à un pôle se déclare « sans objet » depuis sa page : il n’est plus attendu.',
  'completeness.period': 'Trimestre',
  'completeness.remind.column': 'Relance',
  'completeness.remind.button': 'Relancer',
  'completeness.remind.sent': 'Relance envoyée aux gestionnaires de « {pole} » pour {period}.',
  'completeness.remind.already': '« {pole} » a déjà été relancé aujourd’hui pour {period} : une relance par jour au plus.',
  'completeness.remind.notLate': '« {pole} » n’est pas en retard pour {period} : aucune relance envoyée.',
  'completeness.region': 'Région',
  'completeness.show': 'Afficher',
  'completeness.summary': 'Par région',
  'completeness.expected': 'Attendus',
  'completeness.submitted': 'Soumis (à valider)',
  'completeness.validated': 'Validés',
  'completeness.late': 'En retard',
  'completeness.exempt': 'Sans objet (non attendus)',
  'completeness.total': 'Total',
  'completeness.poles': 'Pôles',
  'completeness.none': 'Aucun pôle n’est attendu pour ce trimestre.',
  // One vocabulary for every figure (server/aggregates/completeness.ts): poles for a quarter, pole-quarters beyond.
  'completeness.of.poles.1': '{reported} pôle sur {expected} ({rate})',
  'completeness.of.poles.n': '{reported} pôles sur {expected} ({rate})',
  'completeness.of.pole_quarters.1': '{reported} trimestre déclaré sur {expected} ({rate})',
  'completeness.of.pole_quarters.n': '{reported} trimestres déclarés sur {expected} ({rate})',
  'completeness.of.nothing': 'aucun pôle attendu',
  'completeness.unit.poles': 'pôles',
  'completeness.unit.pole_quarters': 'trimestres déclarés (pôle × trimestre)',
} satisfies Messages<'completeness'>;
