import type { Request, Response } from 'express';
import { scopedRegion } from '../http/access.ts';
import type { Services } from '../services.ts';
import { parseFilters } from './dashboards.schema.ts';
import { fromIndex, parseQuarter, quarterIndex } from '../lib/quarters.ts';
import { areaPanelView, tileTargetText } from '../targets/progress-view.ts';
import type { TrajectoryArea } from '../targets/trajectory-chart.ts';
import { trajectoryView } from '../targets/trajectory-view.ts';
import type { DashIndicator, Tile } from './figures.ts';
import type { CurrentUser } from '../http/current-user.ts';

/** What a dashboard page gives the targets' reads. */
interface TargetsPage {
  tiles: Tile[];
  indicator: DashIndicator;
  period: { to: string };
  closureScope: TrajectoryArea['closure'];
  freshness: { baseCode: 'validated' | 'validated_or_submitted' };
}

/** National and regional dashboards: filters from the query string, figures from the dashboards service. */
export function createDashboardsHandlers({
  dashboards,
  targetProgress,
  trajectory,
}: Pick<Services, 'dashboards' | 'targetProgress' | 'trajectory'>) {
  /**
   * What the targets add to a dashboard: each headline tile's progress, and the trajectory of the chosen
   * flow (« Réalisé cumulé et trajectoire de l'objectif », null when none), over the same poles and targets
   * read once.
   */
  async function targetsOf(user: CurrentUser, region: string | null, page: TargetsPage) {
    const end = quarterIndex(parseQuarter(page.period.to)!);
    const base = page.freshness.baseCode;
    const loaded = await targetProgress.areaTargets(user, region, fromIndex(end).year);
    const [progress, traj] = await Promise.all([
      targetProgress.tiles(
        user,
        region,
        page.tiles.map((x) => x.id),
        end,
        base,
        loaded,
      ),
      trajectory.of({ closure: page.closureScope }, loaded, page.indicator, end, base),
    ]);
    return {
      tiles: page.tiles.map((x) => ({ ...x, target: tileTargetText(progress.get(x.id), x.ytd.provisional) })),
      trajectory: traj ? trajectoryView(traj, page.indicator, page.period.to) : null,
    };
  }

  return {
    async national(req: Request, res: Response) {
      const user = req.user!;
      const filters = parseFilters(req.query, user);
      const page = await dashboards.national(user, filters);
      const shown = await targetsOf(user, null, page);
      res.render('pages/dashboards/national', {
        ...page,
        ...shown,
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
      const shown = await targetsOf(user, code, page);
      res.render('pages/dashboards/region', {
        ...page,
        ...shown,
        targets: progress ? areaPanelView(progress, Boolean(lastRow?.provisional)) : null,
        nav: 'dashboard',
        action: `/regions/${code}`,
        isStaff: user.role === 'staff',
      });
    },
  };
}
