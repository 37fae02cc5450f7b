import type { Request } from 'express';
import type { PersonActor } from '../lib/actor.ts';

/** The signed-in user of a request as the actor of what it writes (routes behind the access guard only). */
export function actor(req: Request): PersonActor {
  return { userId: req.user!.id, requestId: req.requestId };
}
