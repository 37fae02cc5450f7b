import type { Messages } from '../types.ts';

export const unit = {
  'unit.etp': 'ETP',
  'unit.nombre': 'nombre',
  'unit.tonnes': 'tonnes',
  'unit.euros': '€',
  'unit.pourcent': '%',
  'unit.score': 'score (1 à 4)',
} satisfies Messages<'unit'>;
