import type { NextFunction, Request, Response } from 'express';
import session, { Store, type SessionData } from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

/**
 * connect-session-knex rethrows database errors from promises that express-session never awaits,
 * which would kill the process with an unhandled rejection. This store hands every error to the
 * callback instead (express-session then answers 500 for that request only) and logs it.
 */
class SafeKnexStore extends Store {
  constructor(
    private readonly inner: ConnectSessionKnexStore,
    private readonly logger: Logger,
  ) {
    super();
  }
  private run<T>(op: string, work: () => Promise<T>, cb?: (err: unknown, value?: T) => void): void {
    work().then(
      (value) => cb?.(null, value),
      (err: unknown) => {
        this.logger.error({ err, op }, 'session store error');
        cb?.(err);
      },
    );
  }
  override get(sid: string, cb: (err: unknown, s?: SessionData | null) => void): void {
    this.run('get', () => this.inner.get(sid, () => {}), cb);
  }
  override set(sid: string, s: SessionData, cb?: (err?: unknown) => void): void {
    this.run('set', () => this.inner.set(sid, s, () => {}), cb && ((err) => cb(err ?? undefined)));
  }
  /**
   * A no-op: express-session would otherwise write the session row on every request. The cookie lives
   * until the absolute timeout and the idle timeout is checked on the server (http/authenticate.ts),
   * which saves the session at most once a minute: nothing needs the row's expiry moved on each request.
   */
  override touch(_sid: string, _s: SessionData, cb?: () => void): void {
    cb?.();
  }
  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.run('destroy', () => this.inner.destroy(sid, () => {}), cb && ((err) => cb(err ?? undefined)));
  }
}

export const SESSION_COOKIE = 'ptce.sid';

/** Sessions in the database; both timeouts are checked in http/authenticate.ts. */
export function sessionMiddleware(config: Config, db: Knex, logger: Logger) {
  const inner = new ConnectSessionKnexStore({
    knex: db,
    tableName: 'sessions',
    createTable: false,
    cleanupInterval: config.env === 'test' ? 0 : 15 * 60 * 1000,
    onDbCleanupError: (err) => logger.warn({ err }, 'session cleanup failed'),
  });
  // The store checks for its table at construction; a missing table is logged, and requests then fail.
  inner.ready.catch((err: unknown) => logger.error({ err }, 'session store not ready'));
  const middleware = session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store: new SafeKnexStore(inner, logger),
    resave: false,
    saveUninitialized: false,
    rolling: false,
    proxy: config.trustProxy !== false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.tls,
      // The cookie lives as long as the absolute timeout; the idle timeout is enforced on the server
      // (http/authenticate.ts), which keeps the session — and its CSRF token — so that a form posted
      // after an idle timeout can still be recognised and given back after sign-in.
      maxAge: config.sessionAbsoluteHours * 3600 * 1000,
    },
  });
  // Settles once the store has checked its table: lets a caller close the pool without aborting that check.
  const ready: Promise<void> = inner.ready.then(
    () => undefined,
    () => undefined,
  );
  return Object.assign(middleware, { ready });
}

/**
 * Saves the session before a redirect leaves. express-session saves a changed session inside res.end,
 * after it has already flushed the response head, and a browser follows a redirect on its head alone:
 * the next page could then load the session without what this request put in it (a flash message, the
 * user just signed in). Seen with the PostgreSQL store under load: « Jeton révoqué » never shown.
 */
export function saveSessionBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  // What the session was when the request came in: an unchanged session is not saved (a new, empty one
  // must not become a row: express-session would not even send its cookie).
  const loaded = req.session ? { id: req.sessionID, json: JSON.stringify(req.session) } : null;
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    const changed = req.session && (!loaded || req.sessionID !== loaded.id || JSON.stringify(req.session) !== loaded.json);
    if (!changed) return redirect(...args);
    req.session.save((err) => (err ? next(err) : redirect(...args)));
  }) as Response['redirect'];
  next();
}
