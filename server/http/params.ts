import type { Request } from 'express';

/** A named route parameter as a string (Express 5 types wildcard parameters as arrays). */
export function param(req: Request, name: string): string | undefined {
  const v = (req.params as Record<string, string | string[] | undefined>)[name];
  return typeof v === 'string' ? v : undefined;
}
