import type { Request, Response } from 'express';
import { NotFound } from '../http/errors.ts';
import type { Services } from '../services.ts';

const todo = (_req: Request, _res: Response) => {
  throw new NotFound();
};

/** Spreadsheet import: templates, upload, preview, confirm. (To be completed.) */
export function createImportHandlers(_s: Services) {
  return {
    template: todo, showUpload: todo, upload: todo, confirm: todo,
    longTemplate: todo, showLongUpload: todo, longUpload: todo, showBatch: todo, longConfirm: todo,
  };
}
