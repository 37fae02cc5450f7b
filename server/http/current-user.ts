import 'express-session';

export type Role = 'staff' | 'manager' | 'funder';
export const ROLES: readonly Role[] = ['staff', 'manager', 'funder'];

/** The signed-in user as every handler sees it: who, which role, which poles or regions. */
export interface CurrentUser {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  /** Managers: the poles they manage. */
  poleIds: number[];
  /** Funders: the regions in their scope; empty means national scope. */
  regionCodes: string[];
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    generation?: number;
    /** When the user signed in (ms since epoch): the absolute timeout counts from here. */
    signedInAt?: number;
    /** Last request seen (ms), for the idle timeout. */
    lastSeenAt?: number;
    /** A one-time message shown on the next page. */
    flash?: string;
    returnTo?: string;
    /** The user whose session timed out, so a form they post next can be kept for them. */
    expiredUserId?: number;
    /** A form posted after the session expired: shown again, filled, once the same user signs in. */
    pendingForm?: { path: string; userId: number; body: Record<string, unknown> };
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: CurrentUser;
    requestId: string;
  }
}
