import type { Request, Response } from 'express';
import { scopedRegion } from '../http/access.ts';
import type { Services } from '../services.ts';
import { parseFilters } from './dashboards.schema.ts';

/** National and regional dashboards: filters from the query string, figures from the dashboards service. */
export function createDashboardsHandlers({ dashboards }: Pick<Services, 'dashboards'>) {
  return {
    async national(req: Request, res: Response) {
      const user = req.user!;
      const filters = parseFilters(req.query, user);
      const page = await dashboards.national(user, filters);
      res.render('pages/dashboards/national', { ...page, nav: 'dashboard', action: '/tableau-de-bord', isStaff: user.role === 'staff' });
    },

    async region(req: Request, res: Response) {
      const user = req.user!;
      const { code } = scopedRegion(req);
      const filters = parseFilters(req.query, user);
      const page = await dashboards.region(user, code, filters);
      res.render('pages/dashboards/region', { ...page, nav: 'dashboard', action: `/regions/${code}`, isStaff: user.role === 'staff' });
    },
  };
}
