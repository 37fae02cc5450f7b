// Process entry: configuration → database → app.listen. Everything else is built by createApp.
import { ConfigError, loadConfigFromProcess } from './config.ts';
import { createDb } from './db/connection.ts';
import { createLogger } from './logger.ts';
import { systemClock } from './lib/clock.ts';
import { buildServices } from './services.ts';
import { createApp } from './app.ts';
import { isEmptyInstallation, prepareDatabase } from './bootstrap.ts';
import { DEMO_PASSWORD, loadDemoData } from '../seeds/demo.ts';

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

  const app = createApp(services);
  const server = app.listen(config.port, () => {
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
      ]) console.log(`  ${line}`);
      console.log('');
    }
  });

  // Scheduled jobs start once the app answers; an installation without aggregates rebuilds them at once.
  await services.scheduler.start();

  // Stop accepting, let requests in flight finish, stop the jobs (waiting for a run in progress), close the pool.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close(async () => {
      try {
        await services.scheduler.stop();
        if (jobsDb !== db) await jobsDb.destroy();
        await db.destroy();
        process.exit(0);
      } catch (err) {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      }
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 30_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
