import type { Request, Response } from 'express';
import { scopedRegion } from '../http/access.ts';
import type { Services } from '../services.ts';
import { parseNarrativesQuery } from './narratives.schema.ts';

/** A region's « faits marquants » and « difficultés » for one quarter, searchable by word. */
export function createNarrativesHandlers({ narratives }: Pick<Services, 'narratives'>) {
  return {
    async region(req: Request, res: Response) {
      const user = req.user!;
      const region = scopedRegion(req);
      const query = parseNarrativesQuery(req.query);
      const page = await narratives.regionPage(user, region, query);
      // A malformed quarter or a search too long: said next to its field, the page on its default quarter.
      const invalid = Object.keys(query.errors).length > 0;
      res.status(invalid ? 400 : 200).render('pages/narratives/region', {
        ...page,
        nav: 'dashboard',
        action: `/regions/${region.code}/faits-marquants`,
      });
    },
  };
}
