import type { Express, RequestHandler } from 'express';
import { guard, type Access, type ScopeResolver } from './access.ts';

export type Method = 'get' | 'post';

export interface DeclaredRoute {
  method: Method;
  path: string;
  access: Access;
}

/** Registers routes so that each one starts with its access guard; keeps the list for tests and docs. */
export function routeTable(app: Express, scopes: ScopeResolver) {
  const declared: DeclaredRoute[] = [];
  const add =
    (method: Method) =>
    (path: string, access: Access, ...handlers: RequestHandler[]) => {
      declared.push({ method, path, access });
      app[method](path, guard(access, scopes), ...handlers);
    };
  return { get: add('get'), post: add('post'), declared };
}
