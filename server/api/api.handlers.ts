import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Services } from '../services.ts';
import { checkNoParameters, parseAggregatesQuery, parseTargetsQuery } from './api-query.ts';
import { emptyQuery } from './api.schema.ts';
import { openApiDocument } from './openapi.ts';

/**
 * Sends JSON that a client may keep but must revalidate: a strong ETag (SHA-256 of the body) and
 * `Cache-Control: private, no-cache`; `If-None-Match` with the same tag answers 304 without a body.
 */
function sendRevalidated(req: Request, res: Response, body: unknown) {
  const json = JSON.stringify(body);
  const etag = `"${createHash('sha256').update(json).digest('base64url')}"`;
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('ETag', etag);
  res.setHeader('Vary', 'Authorization, Cookie');
  const ifNoneMatch = req.headers['if-none-match'];
  const tags = typeof ifNoneMatch === 'string' ? ifNoneMatch.split(',').map((s) => s.trim().replace(/^W\//, '')) : [];
  if (tags.includes(etag) || tags.includes('*')) return res.status(304).end();
  res.type('application/json').send(json);
}

/** The read API: /api/v1/… (the route table declares who may call each one). */
export function createApiHandlers({ api, config, clock }: Pick<Services, 'api' | 'config' | 'clock'>) {
  let document: Record<string, unknown> | undefined;
  const link = (req: Request, page: number) => {
    const params = new URLSearchParams(req.query as Record<string, string>);
    params.set('page', String(page));
    return `${config.publicUrl}${req.baseUrl}${req.path}?${params.toString()}`;
  };

  return {
    openapi(req: Request, res: Response) {
      document ??= openApiDocument(config.publicUrl);
      sendRevalidated(req, res, document);
    },

    async indicators(req: Request, res: Response) {
      checkNoParameters(emptyQuery, req.query);
      sendRevalidated(req, res, { data: await api.indicators() });
    },

    async regions(req: Request, res: Response) {
      checkNoParameters(emptyQuery, req.query);
      sendRevalidated(req, res, { data: await api.regions(req.user!) });
    },

    async targets(req: Request, res: Response) {
      const q = parseTargetsQuery(req.query, clock.now().setZone('Europe/Paris').year);
      sendRevalidated(req, res, { data: await api.targetsOf(req.user!, q) });
    },

    async aggregates(req: Request, res: Response) {
      const q = parseAggregatesQuery(req.query);
      const { items, more } = await api.aggregates(req.user!, q);
      sendRevalidated(req, res, {
        data: items,
        links: { self: link(req, q.page), ...(more ? { next: link(req, q.page + 1) } : {}) },
        meta: { page: q.page, limit: q.limit, count: items.length },
      });
    },
  };
}
