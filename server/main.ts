// Process entry: configuration → database → app.listen. Everything else is built by createApp.
import { ConfigError, loadConfigFromProcess } from './config.ts';
import { createDb } from './db/connection.ts';
import { createLogger } from './logger.ts';
import { systemClock } from './lib/clock.ts';
import { buildServices } from './services.ts';
import { createApp } from './app.ts';
import { isEmptyInstallation, prepareDatabase } from './bootstrap.ts';
import { DEMO_PASSWORD, loadDemoData } from '../seeds/demo.ts';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Services } from './services.ts';

async function main() {
  let config;
  try {
    config = loadConfigFromProcess();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const stopper = gracefulShutdown(logger);
  const db = createDb(config.database);
  // SQLite: the jobs get their own connection so pages keep answering during a rebuild (see services.ts).
  const jobsDb = config.database.client === 'sqlite3' ? createDb(config.database) : db;
  const services = buildServices({ config, db, jobsDb, clock: systemClock, logger });
  await prepareDatabase(services);

  if (config.demoData && (await isEmptyInstallation(services))) {
    logger.info('empty database: loading the demo data set');
    console.log('Base vide : chargement des données de démonstration (39 pôles, 12 trimestres chacun ; une demi-minute environ)…');
    await loadDemoData(services);
  }
  if (stopper.requested) {
    // Stopped while starting: the step in progress has finished; nothing is listening yet.
    for (const handle of new Set([db, jobsDb])) await handle.destroy();
    logger.info('stopped before listening');
    process.exit(0);
  }

  const app = createApp(services);
  const server = app.listen(config.port, (err?: Error) => {
    if (err) {
      logger.fatal({ err, port: config.port }, 'cannot listen');
      process.exit(1);
    }
    logger.info({ port: config.port, publicUrl: config.publicUrl }, 'listening');
    // In production stdout carries JSON lines only (log shippers parse every line); the banner is for people.
    if (config.env === 'production') return;
    const where = config.database.client === 'pg' ? 'PostgreSQL' : `SQLite (${config.database.filename})`;
    console.log(`\nPTCE Impact écoute sur ${config.publicUrl} — base : ${where}`);
    if (config.demoData) {
      console.log(`\nComptes de démonstration (mot de passe : ${DEMO_PASSWORD}) :`);
      for (const line of [
        'staff@demo.ptce-impact.fr            équipe nationale',
        'manager.a@demo.ptce-impact.fr        gestionnaire d’un pôle',
        'manager.b@demo.ptce-impact.fr        gestionnaire de deux pôles (même région que A)',
        'manager.c@demo.ptce-impact.fr        gestionnaire d’un pôle d’une autre région',
        'funder.region@demo.ptce-impact.fr    financeur de deux régions',
        'funder.national@demo.ptce-impact.fr  financeur national',
      ])
        console.log(`  ${line}`);
      console.log('');
    }
  });
  stopper.track(server);

  // Scheduled jobs start once the app answers; an installation without aggregates rebuilds them at once.
  await services.scheduler.start();
  stopper.ready(server, services, [db, jobsDb]);
}

/** How long a graceful shutdown may take before the process gives up and exits 1. */
const SHUTDOWN_GRACE_MS = 30_000;

/**
 * Graceful shutdown on SIGTERM or SIGINT: /readyz answers 503 at once, the server stops accepting
 * connections, requests in flight finish (their connections close once answered), the
 * jobs stop (a rebuild in progress stops at its next step), the pools close, exit 0. A signal received while the
 * process is still starting stops it as soon as the start-up step in progress has finished.
 */
function gracefulShutdown(logger: Logger) {
  let stopping = false;
  let target: { server: Server; services: Services; dbs: Knex[] } | null = null;
  const inFlight = new Set<ServerResponse>();

  const stop = async () => {
    const { server, services, dbs } = target!;
    services.health.markStopping();
    // Answers still to come say « Connection: close », so no client reuses a socket we are about to close.
    for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    logger.info('http server closed: no request in flight');
    await services.scheduler.stop();
    for (const db of new Set(dbs)) await db.destroy();
    logger.info('stopped');
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ graceMs: SHUTDOWN_GRACE_MS }, 'shutdown took too long: exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    if (target) run();
  };
  const run = () =>
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );

  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    /** True when a signal arrived during start-up: the caller stops before going further. */
    get requested() {
      return stopping;
    },
    /** Follows the server's answers, to close keep-alive connections as soon as they free up. */
    track(server: Server) {
      server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
        if (stopping) res.shouldKeepAlive = false;
        inFlight.add(res);
        res.once('close', () => {
          inFlight.delete(res);
          // An answer whose headers left before the signal kept its connection open: close it now it is idle.
          if (stopping) setImmediate(() => server.closeIdleConnections());
        });
      });
    },
    ready(server: Server, services: Services, dbs: Knex[]) {
      target = { server, services, dbs };
      if (stopping) run();
    },
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
