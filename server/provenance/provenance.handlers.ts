import type { Request, Response } from 'express';
import type { Services } from '../services.ts';
import { parseFigureKey } from './provenance.schema.ts';

/**
 * « Comment ce chiffre est calculé »: the figure's key comes from the query string (a shareable GET), the
 * service resolves the zone it names inside the user's scope (404 outside it) and reads the aggregates.
 */
export function createProvenanceHandlers({ provenance }: Pick<Services, 'provenance'>) {
  return {
    async show(req: Request, res: Response) {
      const user = req.user!;
      const key = parseFigureKey(req.query);
      const page = await provenance.explain(user, key);
      res.render('pages/provenance/show', { ...page, nav: 'dashboard' });
    },
  };
}
