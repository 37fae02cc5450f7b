import request from 'supertest';
import type { Knex } from 'knex';
import { loadConfig, type Config } from '../../server/config.ts';
import { createApp, type App } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { FixedClock } from '../../server/lib/clock.ts';
import { buildServices, type Services } from '../../server/services.ts';
import { createTestDb, type TestDb } from './test-db.ts';

export const TEST_PASSWORD = 'une phrase de passe solide';

export interface TestContext {
  app: App;
  s: Services;
  db: Knex;
  clock: FixedClock;
  config: Config;
  testDb: TestDb;
  close(): Promise<void>;
}

/** The real app on a fresh database, with a frozen clock and cheap password hashing. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestContext> {
  const testDb = await createTestDb();
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const clock = new FixedClock('2026-11-26T10:00:00');
  const s = buildServices({ config, db: testDb.db, clock, logger: createLogger('silent') });
  const app = createApp(s);
  return {
    app,
    s,
    db: testDb.db,
    clock,
    config,
    testDb,
    async close() {
      await app.ready;
      await testDb.destroy();
    },
  };
}

/** The CSRF token of the first form in a page. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in page');
  return m[1];
}

/** A supertest agent (keeps cookies) signed in as `email`. */
export async function signIn(app: App, email: string, password = TEST_PASSWORD) {
  const agent = request.agent(app);
  const page = await agent.get('/connexion').expect(200);
  const res = await agent
    .post('/connexion')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password });
  if (res.status !== 303) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  return agent;
}

/** GETs a page with the agent and returns a valid CSRF token from it. */
export async function csrfToken(agent: ReturnType<typeof request.agent>, path = '/profil'): Promise<string> {
  const page = await agent.get(path);
  return csrfFrom(page.text);
}
