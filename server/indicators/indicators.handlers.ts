import type { Request, Response } from 'express';
import { NotFound } from '../http/errors.ts';
import type { Services } from '../services.ts';

const todo = (_req: Request, _res: Response) => {
  throw new NotFound();
};

/** Staff pages for the indicator catalogue. (To be completed.) */
export function createIndicatorsHandlers(_s: Services) {
  return { list: todo, showNew: todo, create: todo, showEdit: todo, update: todo };
}
