import type { Request, Response } from 'express';
import { scopedRegion } from '../http/access.ts';
import type { Services } from '../services.ts';
import { parseFilters } from './dashboards.schema.ts';
import { parseQuarter, quarterIndex } from '../lib/quarters.ts';
import { areaPanelView, tileTargetText } from '../targets/progress-view.ts';
import type { TrajectoryArea } from '../targets/trajectory-chart.ts';
import { trajectoryView } from '../targets/trajectory-view.ts';
import type { DashIndicator, Tile } from './figures.ts';
import type { CurrentUser } from '../http/current-user.ts';

/** National and regional dashboards: filters from the query string, figures from the dashboards service. */
export function createDashboardsHandlers({
  dashboards,
  targetProgress,
  trajectory,
}: Pick<Services, 'dashboards' | 'targetProgress' | 'trajectory'>) {
  /** The section « Réalisé cumulé et trajectoire de l'objectif », or null (not a flow, no target). */
  async function trajectoryOf(
    user: CurrentUser,
    region: string | null,
    page: {
      indicator: DashIndicator;
      period: { to: string };
      closureScope: TrajectoryArea['closure'];
      freshness: { baseCode: 'validated' | 'validated_or_submitted' };
    },
  ) {
    const end = quarterIndex(parseQuarter(page.period.to)!);
    const r = await trajectory.of(user, { regionCode: region, closure: page.closureScope }, page.indicator, end, page.freshness.baseCode);
    return r ? trajectoryView(r, page.indicator, page.period.to) : null;
  }

  /** The headline tiles, each with the progress of the area's poles that have a target for the period's year. */
  async function withTargets(
    user: CurrentUser,
    region: string | null,
    page: { tiles: Tile[]; period: { to: string }; freshness: { baseCode: 'validated' | 'validated_or_submitted' } },
  ) {
    const end = quarterIndex(parseQuarter(page.period.to)!);
    const progress = await targetProgress.tiles(
      user,
      region,
      page.tiles.map((x) => x.id),
      end,
      page.freshness.baseCode,
    );
    return page.tiles.map((x) => ({ ...x, target: tileTargetText(progress.get(x.id), x.ytd.provisional) }));
  }

  return {
    async national(req: Request, res: Response) {
      const user = req.user!;
      const filters = parseFilters(req.query, user);
      const page = await dashboards.national(user, filters);
      const [tiles, trajectory] = await Promise.all([withTargets(user, null, page), trajectoryOf(user, null, page)]);
      res.render('pages/dashboards/national', {
        ...page,
        tiles,
        trajectory,
        nav: 'dashboard',
        action: '/tableau-de-bord',
        isStaff: user.role === 'staff',
      });
    },

    async region(req: Request, res: Response) {
      const user = req.user!;
      const { code } = scopedRegion(req);
      const filters = parseFilters(req.query, user);
      const page = await dashboards.region(user, code, filters);
      // The region's poles in scope against their targets for the year of the period shown.
      const end = parseQuarter(page.period.to)!;
      const progress = await targetProgress.areaProgress(
        page.indicator.id,
        page.poles.rows.map((r) => ({ id: Number(r.key), name: r.name, href: r.href })),
        quarterIndex(end),
        page.freshness.baseCode,
      );
      const lastRow = page.trend.rows[page.trend.rows.length - 1];
      const [tiles, trajectory] = await Promise.all([withTargets(user, code, page), trajectoryOf(user, code, page)]);
      res.render('pages/dashboards/region', {
        ...page,
        tiles,
        trajectory,
        targets: progress ? areaPanelView(progress, Boolean(lastRow?.provisional)) : null,
        nav: 'dashboard',
        action: `/regions/${code}`,
        isStaff: user.role === 'staff',
      });
    },
  };
}
