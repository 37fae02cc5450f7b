import type { Request, Response } from 'express';
import { NotFound } from '../http/errors.ts';
import type { Services } from '../services.ts';

const todo = (_req: Request, _res: Response) => {
  throw new NotFound();
};

/** Profile, invitation and reset pages. (To be completed.) */
export function createAccountHandlers(_s: Services) {
  return { showProfile: todo, updateProfile: todo, changePassword: todo, showInvitation: todo, acceptInvitation: todo, showReset: todo, reset: todo };
}
