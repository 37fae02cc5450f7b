import type { Request, Response } from 'express';
import type { Services } from '../services.ts';
import { parseCompareQuery } from './comparison.schema.ts';

/** « Comparer des régions »: the query read here, the figures from the comparison service. */
export function createComparisonHandlers({ comparison }: Pick<Services, 'comparison'>) {
  return {
    async show(req: Request, res: Response) {
      const user = req.user!;
      const page = await comparison.page(user, parseCompareQuery(req.query));
      // A bad field is said next to it (400), the form kept; a region outside the scope was a 404 already.
      res.status(page.invalid ? 400 : 200).render('pages/comparison/compare', {
        ...page,
        title: page.title,
        nav: 'dashboard',
      });
    },
  };
}
