import type { Messages } from '../types.ts';

// A region's « faits marquants » and « difficultés » for one quarter (server/narratives/).
export const narratives = {
  'narratives.title': 'Faits marquants et difficultés : {region}',
  'narratives.lead.funder': 'Ce que les pôles de la région ont écrit dans leurs rapports validés du trimestre.',
  'narratives.lead.staff':
    'Ce que les pôles de la région ont écrit dans leurs rapports soumis ou validés du trimestre ; le statut est dit pour chacun.',
  'narratives.back': 'Retour au tableau de bord de la région',
  'narratives.link': 'Faits marquants et difficultés des pôles de la région',
  'narratives.filters': 'Choisir le trimestre et chercher dans les textes',
  'narratives.filter.quarter': 'Trimestre',
  'narratives.filter.q': 'Mot cherché',
  'narratives.filter.q.hint': 'Sans distinguer majuscules ni accents, dans les faits marquants comme dans les difficultés.',
  'narratives.filter.show': 'Afficher',
  'narratives.filter.clear': 'Effacer la recherche',
  'narratives.error.quarter': 'Trimestre « {value} » non reconnu : écrivez-le comme 2026-T3. Le trimestre montré est {quarter}.',
  'narratives.error.q': 'La recherche tient en {max} caractères au plus ({length} ici).',
  'narratives.count.1': '{count} pôle a écrit des faits marquants ou des difficultés pour {quarter}.',
  'narratives.count.n': '{count} pôles ont écrit des faits marquants ou des difficultés pour {quarter}.',
  'narratives.none': 'Aucun pôle n’a écrit de fait marquant ni de difficulté pour {quarter}.',
  'narratives.found.1': '{count} pôle mentionne « {q} » en {quarter}.',
  'narratives.found.n': '{count} pôles mentionnent « {q} » en {quarter}.',
  'narratives.found.none': 'Aucun pôle ne mentionne « {q} » en {quarter}.',
  'narratives.status': 'Rapport {status}',
  'narratives.highlights': 'Faits marquants',
  'narratives.difficulties': 'Difficultés',
  'narratives.empty': 'Rien d’écrit.',
} satisfies Messages<'narratives'>;
