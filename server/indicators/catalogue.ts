// The starting catalogue: reference data, like the geography (see docs/DOMAIN.md for flows, stocks, ratios
// and scores). Loaded on every start, inserting only missing codes:
// staff edits to existing indicators survive restarts.

export type IndicatorKind = 'flow' | 'stock' | 'ratio' | 'score';

export interface CatalogueEntry {
  code: string;
  labelFr: string;
  labelEn: string;
  definitionFr: string;
  definitionEn: string;
  unit: 'etp' | 'nombre' | 'tonnes' | 'euros' | 'pourcent' | 'score';
  decimals: number;
  min: string | null;
  max: string | null;
  kind: IndicatorKind;
  numerator?: { code: string; category?: string };
  denominator?: { code: string; category?: string };
  categories?: { code: string; labelFr: string; labelEn: string }[];
  objectives: string[];
  direction: 'up' | 'down';
}

export const ARTICLE9_CATEGORIES = [
  { code: 'ess', labelFr: 'Entreprises de l’ESS', labelEn: 'Social economy enterprises' },
  { code: 'non_ess', labelFr: 'Entreprises hors ESS', labelEn: 'Other enterprises' },
  { code: 'collectivite', labelFr: 'Collectivités territoriales', labelEn: 'Local authorities' },
  { code: 'recherche', labelFr: 'Recherche', labelEn: 'Research' },
  { code: 'formation', labelFr: 'Organismes de formation', labelEn: 'Training bodies' },
  { code: 'autre', labelFr: 'Autres acteurs', labelEn: 'Other actors' },
];

/**
 * How both components of the self-financing rate are measured: the coordinating body's euros over the
 * quarter. One definition, so that the numerator and the denominator cannot drift apart.
 */
function selfFinancingComponent(): Pick<CatalogueEntry, 'unit' | 'decimals' | 'min' | 'max' | 'kind' | 'objectives' | 'direction'> {
  return { unit: 'euros', decimals: 0, min: '0', max: '100000000', kind: 'flow', objectives: ['O4'], direction: 'up' };
}

export const INDICATOR_CATALOGUE: CatalogueEntry[] = [
  {
    code: 'EMP_CREES',
    labelFr: 'Emplois non délocalisables créés',
    labelEn: 'Non-relocatable jobs created',
    definitionFr: 'Emplois créés pendant le trimestre dans les structures membres grâce à la coopération, en équivalents temps plein.',
    definitionEn: 'Jobs created during the quarter in member organisations through the cooperation, in full-time equivalents.',
    unit: 'etp',
    decimals: 1,
    min: '0',
    max: '10000',
    kind: 'flow',
    objectives: ['O3'],
    direction: 'up',
  },
  {
    code: 'ACT_CONSOLIDEES',
    labelFr: 'Activités existantes consolidées',
    labelEn: 'Existing activities consolidated',
    definitionFr:
      'Activités existantes dont la pérennité a été renforcée pendant le trimestre (nouveaux débouchés, mutualisation, financement).',
    definitionEn: 'Existing activities made more sustainable during the quarter (new outlets, pooling, funding).',
    unit: 'nombre',
    decimals: 0,
    min: '0',
    max: '10000',
    kind: 'flow',
    objectives: ['O3'],
    direction: 'up',
  },
  {
    code: 'TE_ACTIONS',
    labelFr: 'Actions de transition énergétique réalisées',
    labelEn: 'Energy-transition actions carried out',
    definitionFr:
      'Actions achevées pendant le trimestre qui réduisent la consommation d’énergie ou développent les énergies renouvelables du territoire.',
    definitionEn: 'Actions completed during the quarter that reduce energy use or develop renewable energy on the territory.',
    unit: 'nombre',
    decimals: 0,
    min: '0',
    max: '10000',
    kind: 'flow',
    objectives: ['O6'],
    direction: 'up',
  },
  {
    code: 'EMP_ETP_FIN',
    labelFr: 'Emplois (ETP) dans les structures membres en fin de trimestre',
    labelEn: 'Jobs (FTE) in member organisations at quarter end',
    definitionFr: 'Effectif en équivalents temps plein de l’ensemble des structures membres au dernier jour du trimestre.',
    definitionEn: 'Full-time-equivalent headcount of all member organisations on the last day of the quarter.',
    unit: 'etp',
    decimals: 1,
    min: '0',
    max: '1000000',
    kind: 'stock',
    objectives: ['O3'],
    direction: 'up',
  },
  {
    code: 'ACT_CREEES',
    labelFr: 'Activités nouvelles créées ou incubées',
    labelEn: 'New activities created or incubated',
    definitionFr: 'Activités nouvelles lancées ou accueillies en incubation pendant le trimestre.',
    definitionEn: 'New activities launched or incubated during the quarter.',
    unit: 'nombre',
    decimals: 0,
    min: '0',
    max: '10000',
    kind: 'flow',
    objectives: ['O3', 'O5'],
    direction: 'up',
  },
  {
    code: 'MEMBRES',
    labelFr: 'Membres du pôle en fin de trimestre',
    labelEn: 'Pole members at quarter end',
    definitionFr: 'Nombre de membres du pôle au dernier jour du trimestre, par catégorie de l’article 9 de la loi ESS.',
    definitionEn: 'Number of pole members on the last day of the quarter, by category of article 9 of the ESS law.',
    unit: 'nombre',
    decimals: 0,
    min: '0',
    max: '100000',
    kind: 'stock',
    categories: ARTICLE9_CATEGORIES,
    objectives: ['O1', 'O2'],
    direction: 'up',
  },
  {
    code: 'PCT_MEMBRES_ESS',
    labelFr: 'Part des membres relevant de l’ESS',
    labelEn: 'Share of members from the social economy',
    definitionFr: 'Membres entreprises de l’ESS rapportés à l’ensemble des membres ; recalculé à partir de ses deux composantes.',
    definitionEn: 'Social-economy members over all members; recomputed from its two components.',
    unit: 'pourcent',
    decimals: 1,
    min: null,
    max: null,
    kind: 'ratio',
    numerator: { code: 'MEMBRES', category: 'ess' },
    denominator: { code: 'MEMBRES' },
    objectives: ['O2'],
    direction: 'up',
  },
  {
    code: 'MUTUALISATIONS',
    labelFr: 'Actions de mutualisation ou de coopération',
    labelEn: 'Pooling or cooperation actions',
    definitionFr: 'Actions de mutualisation (locaux, emplois, achats, matériel) ou de coopération engagées pendant le trimestre.',
    definitionEn: 'Pooling (premises, jobs, purchasing, equipment) or cooperation actions started during the quarter.',
    unit: 'nombre',
    decimals: 0,
    min: '0',
    max: '10000',
    kind: 'flow',
    objectives: ['O1', 'O4'],
    direction: 'up',
  },
  {
    code: 'PERS_FORMEES',
    labelFr: 'Personnes formées ou accompagnées',
    labelEn: 'People trained or supported',
    definitionFr: 'Personnes ayant suivi une formation ou un accompagnement proposé par le pôle ou ses membres pendant le trimestre.',
    definitionEn: 'People who followed training or support offered by the pole or its members during the quarter.',
    unit: 'nombre',
    decimals: 0,
    min: '0',
    max: '100000',
    kind: 'flow',
    objectives: ['O3'],
    direction: 'up',
  },
  {
    code: 'REEMPLOI_T',
    labelFr: 'Tonnes détournées vers le réemploi ou le recyclage',
    labelEn: 'Tonnes diverted to reuse or recycling',
    definitionFr: 'Tonnages de matières ou d’objets détournés de l’enfouissement ou de l’incinération pendant le trimestre.',
    definitionEn: 'Tonnes of materials or goods diverted from landfill or incineration during the quarter.',
    unit: 'tonnes',
    decimals: 1,
    min: '0',
    max: '1000000',
    kind: 'flow',
    objectives: ['O4', 'O6'],
    direction: 'up',
  },
  {
    code: 'RESSOURCES_PROPRES',
    labelFr: 'Ressources propres de la structure d’animation',
    labelEn: 'Own resources of the coordinating body',
    definitionFr:
      'Produits hors subventions (ventes, prestations, cotisations) de la structure d’animation pendant le trimestre, en euros.',
    definitionEn: 'Income other than grants (sales, services, membership fees) of the coordinating body during the quarter, in euros.',
    ...selfFinancingComponent(),
  },
  {
    code: 'RESSOURCES_TOTALES',
    labelFr: 'Ressources totales de la structure d’animation',
    labelEn: 'Total resources of the coordinating body',
    definitionFr: 'Ensemble des produits de la structure d’animation pendant le trimestre, subventions comprises, en euros.',
    definitionEn: 'All income of the coordinating body during the quarter, grants included, in euros.',
    ...selfFinancingComponent(),
  },
  {
    code: 'TX_AUTOFINANCEMENT',
    labelFr: 'Taux d’autofinancement du pôle',
    labelEn: 'Self-financing rate of the pole',
    definitionFr:
      'Ressources propres rapportées aux ressources totales de la structure d’animation ; recalculé à partir de ses deux composantes.',
    definitionEn: 'Own resources over total resources of the coordinating body; recomputed from its two components.',
    unit: 'pourcent',
    decimals: 1,
    min: null,
    max: null,
    kind: 'ratio',
    numerator: { code: 'RESSOURCES_PROPRES' },
    denominator: { code: 'RESSOURCES_TOTALES' },
    objectives: ['O4'],
    direction: 'up',
  },
  {
    code: 'PROJ_INNOV_SOCIALE',
    labelFr: 'Projets d’innovation sociale en cours',
    labelEn: 'Social-innovation projects under way',
    definitionFr: 'Projets d’innovation sociale portés par le pôle ou ses membres et en cours au dernier jour du trimestre.',
    definitionEn: 'Social-innovation projects run by the pole or its members and under way on the last day of the quarter.',
    unit: 'nombre',
    decimals: 0,
    min: '0',
    max: '10000',
    kind: 'stock',
    objectives: ['O5'],
    direction: 'up',
  },
  {
    code: 'MATURITE_COOP',
    labelFr: 'Maturité de la coopération (auto-évaluation 1 à 4)',
    labelEn: 'Cooperation maturity (self-assessment 1–4)',
    definitionFr: 'Auto-évaluation de la maturité de la coopération : 1 émergence, 2 structuration, 3 consolidation, 4 essaimage.',
    definitionEn: 'Self-assessed maturity of the cooperation: 1 emerging, 2 structuring, 3 consolidating, 4 spreading.',
    unit: 'score',
    decimals: 0,
    min: '1',
    max: '4',
    kind: 'score',
    objectives: ['O1', 'O5'],
    direction: 'up',
  },
];
