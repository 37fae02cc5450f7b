import type { NextFunction, Request, Response } from 'express';
import { BadRequest } from './errors.ts';

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') return Object.values(value).some(hasNul);
  return false;
}

/**
 * Refuses a NUL character anywhere in the query or the form: PostgreSQL cannot store it in text and
 * would answer with an error, and no French text ever contains it.
 */
export function refuseNulCharacters(req: Request, _res: Response, next: NextFunction) {
  if (hasNul(req.query) || hasNul(req.body) || req.path.includes('\u0000')) return next(new BadRequest('nul'));
  next();
}
