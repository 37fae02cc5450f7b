import type { Request, Response } from 'express';
import { NotFound } from '../http/errors.ts';
import type { Services } from '../services.ts';

const todo = (_req: Request, _res: Response) => {
  throw new NotFound();
};

/** Staff review: queue, review page, decisions, completeness. (To be completed.) */
export function createReviewHandlers(_s: Services) {
  return { queue: todo, show: todo, validate: todo, returnReport: todo, reopen: todo, completeness: todo };
}
