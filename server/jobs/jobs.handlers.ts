import type { Request, Response } from 'express';
import { NotFound } from '../http/errors.ts';
import type { Services } from '../services.ts';

const todo = (_req: Request, _res: Response) => {
  throw new NotFound();
};

/** « Tâches planifiées » for staff. (To be completed.) */
export function createJobsHandlers(_s: Services) {
  return { list: todo, runNow: todo };
}
