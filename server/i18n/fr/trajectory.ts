import type { Messages } from '../types.ts';

// The dashboards' chart of a flow's cumulative actual against the trajectory of the poles' targets.
export const trajectory = {
  'trajectory.title': 'Réalisé cumulé et trajectoire de l’objectif {year} : {indicator}',
  'trajectory.coverage.1': 'Objectif fixé pour 1 pôle sur {poles} : le réalisé cumulé est celui de ce seul pôle.',
  'trajectory.coverage.n': 'Objectifs fixés pour {count} pôles sur {poles} : le réalisé cumulé est la somme de ces seuls pôles.',
  'trajectory.rule':
    'La trajectoire est linéaire par trimestre : un quart de l’objectif de l’année à fin T1, la moitié à fin T2, les trois quarts à fin T3, l’objectif entier à fin T4.',
  'trajectory.target': 'Objectif de l’année (somme des objectifs de ces pôles) : {target}.',
  'trajectory.withoutActual.1': '1 pôle ayant un objectif n’a pas encore de donnée à fin {quarter} : il manque au réalisé cumulé.',
  'trajectory.withoutActual.n':
    '{count} pôles ayant un objectif n’ont pas encore de donnée à fin {quarter} : ils manquent au réalisé cumulé.',
  'trajectory.provisional.1':
    'Le cumul à fin {quarters} est provisoire (un cumul l’est dès que l’un de ses trimestres l’est) : il peut encore changer.',
  'trajectory.provisional.n':
    'Les cumuls à fin {quarters} sont provisoires (un cumul l’est dès que l’un de ses trimestres l’est) : ils peuvent encore changer.',
  'trajectory.chart':
    'Graphique du réalisé cumulé {year} des pôles ayant un objectif et de la trajectoire de leur objectif, par trimestre ; les valeurs sont dans le tableau qui suit.',
  'trajectory.caption': 'Réalisé cumulé depuis janvier {year} des pôles ayant un objectif, et trajectoire de leur objectif, par trimestre',
  'trajectory.series.actual': 'Réalisé cumulé (pôles ayant un objectif)',
  'trajectory.series.trajectory': 'Trajectoire de l’objectif (linéaire par trimestre)',
  'trajectory.series.target': 'Objectif de l’année',
  'trajectory.col.actual': 'Réalisé cumulé',
  'trajectory.col.trajectory': 'Trajectoire de l’objectif',
  'trajectory.col.completeness': 'Complétude du réalisé',
  'trajectory.after': 'après {to}, fin de la période affichée',
} satisfies Messages<'trajectory'>;
