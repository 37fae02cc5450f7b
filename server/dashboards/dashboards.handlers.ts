import type { Request, Response } from 'express';
import { NotFound } from '../http/errors.ts';
import type { Services } from '../services.ts';

const todo = (_req: Request, _res: Response) => {
  throw new NotFound();
};

/** National and regional dashboards. (To be completed.) */
export function createDashboardsHandlers(_s: Services) {
  return { national: todo, region: todo };
}
