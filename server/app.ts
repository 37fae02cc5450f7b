import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import express, { type Express } from 'express';
import { authenticate } from './http/authenticate.ts';
import { csrfProtection } from './http/csrf.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { refuseNulCharacters } from './http/input-guard.ts';
import { requestLog } from './http/request-log.ts';
import { noStore, securityHeaders } from './http/security-headers.ts';
import { saveSessionBeforeRedirect, sessionMiddleware } from './http/session.ts';
import { flashLocals } from './http/flash.ts';
import type { DeclaredRoute } from './http/route-table.ts';
import { registerRoutes } from './routes.ts';
import { apiAuthenticate } from './http/api-auth.ts';
import { apiErrorHandler, apiNotFound } from './http/api-errors.ts';
import type { Services } from './services.ts';
import { setUpViews } from './http/view-engine.ts';
import { anonymousForms } from './http/anonymous-forms.ts';

export const publicDirectory = path.resolve(import.meta.dirname, '../public');
// chart.js's package exports hide dist/: find it through the resolver (import.meta.resolve is not
// available under every loader, createRequire is).
const chartJsDirectory = path.dirname(createRequire(import.meta.url).resolve('chart.js'));

export type App = Express & {
  declaredRoutes: DeclaredRoute[];
  /** Settles when start-up checks (the session store's) are done; close the pool only after it. */
  ready: Promise<void>;
};

/** Builds the Express application from its services. Never listens, never reads the environment. */
export function createApp(s: Services): App {
  const app = express() as App;
  app.disable('x-powered-by');
  app.set('trust proxy', s.config.trustProxy);
  app.set('query parser', 'simple');
  setUpViews(app, s.config.env === 'production');

  app.use((req, res, next) => {
    req.requestId = randomUUID();
    res.setHeader('X-Request-Id', req.requestId);
    next();
  });
  app.use(requestLog(s.logger));
  app.use(securityHeaders(s.config));
  app.use('/static', express.static(publicDirectory, { index: false, maxAge: s.config.env === 'production' ? '1h' : 0 }));
  app.use('/static/vendor/chartjs', express.static(chartJsDirectory, { index: false, maxAge: s.config.env === 'production' ? '1h' : 0 }));

  app.use(noStore);
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 }));
  app.use(refuseNulCharacters);
  const sessions = sessionMiddleware(s.config, s.db, s.logger);
  app.ready = sessions.ready;
  app.use(sessions);
  app.use(saveSessionBeforeRedirect);
  app.use(authenticate(s.auth, s.clock, { idleMinutes: s.config.sessionIdleMinutes, absoluteHours: s.config.sessionAbsoluteHours }));
  app.use(csrfProtection(anonymousForms({ secret: s.config.sessionSecret, secure: s.config.tls, now: () => s.clock.now().toMillis() })));
  app.use((req, res, next) => {
    res.locals.user = req.user;
    next();
  });
  app.use(flashLocals);
  // The read API: a bearer token may stand in for the session; every request is rate-limited.
  app.use('/api/v1', apiAuthenticate(s.apiTokens, s.limiter, s.config.apiRateLimitPerMinute));

  app.declaredRoutes = registerRoutes(app, s);

  // The API answers JSON, errors included.
  app.use('/api', apiNotFound);
  app.use('/api', apiErrorHandler(s.logger));

  app.use(notFoundHandler);
  app.use(errorHandler(s.logger, s.config.env !== 'production'));
  return app;
}
