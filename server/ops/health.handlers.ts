import type { Request, Response } from 'express';
import type { Services } from '../services.ts';

/** Liveness and readiness probes, in JSON, never cached. */
export function createHealthHandlers({ health }: Pick<Services, 'health'>) {
  return {
    /** The process answers; says nothing about the database. */
    healthz(_req: Request, res: Response) {
      res.json({ status: 'ok' });
    },

    /** 200 when the instance can serve (database reachable, migrations current), else 503. */
    async readyz(_req: Request, res: Response) {
      const r = await health.readiness();
      res.status(r.status === 'ok' ? 200 : 503).json(r);
    },
  };
}
