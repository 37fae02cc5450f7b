import type { Messages } from '../types.ts';

export const app = {
  'app.name': 'PTCE Impact',
  'app.tagline': 'Indicateurs d’impact des pôles territoriaux de coopération économique',
  'app.footer': 'PTCE Impact — pôles territoriaux de coopération économique (loi ESS du 31 juillet 2014, article 9)',
} satisfies Messages<'app'>;
