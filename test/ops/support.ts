// Helpers of the operations tests: databases filled with realistic data, raw HTTP with a session cookie.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { Knex } from 'knex';
import { generateBenchData } from '../../bench/generate.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';
import { TEST_PASSWORD } from '../support/test-app.ts';
import { databaseEnv } from '../support/app-process.ts';
import type { Config } from '../../server/config.ts';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * An empty test database (its own SQLite file or PostgreSQL database) filled by the bench generator:
 * about `values` values over poles of every region, 40 quarters each, mostly validated.
 */
export async function filledDatabase(values: number): Promise<TestDb> {
  const t = await createTestDb({ empty: true });
  await t.db.destroy();
  const database = t.database;
  await generateBenchData(
    database.client === 'pg'
      ? { file: '', databaseUrl: database.url, values, progress: false }
      : { file: database.filename, values, progress: false },
  );
  const { createDb } = await import('../../server/db/connection.ts');
  const db = createDb(database);
  return { database, db, destroy: async () => (await db.destroy(), await t.destroy()) };
}

/** A signed-in session over plain fetch: the cookie header to send, and a CSRF token of /profil. */
export async function sessionCookie(
  url: string,
  email: string,
  password = TEST_PASSWORD,
): Promise<{ cookie: string; csrf: string; page: string }> {
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
  const first = await fetch(`${url}/connexion`);
  let cookie = first.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const signIn = await fetch(`${url}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfOf(await first.text()), email, password }).toString(),
  });
  if (signIn.status !== 303) throw new Error(`sign-in failed: ${signIn.status}`);
  cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const profile = await fetch(`${url}/profil`, { headers: { cookie } });
  const page = await profile.text();
  return { cookie, csrf: csrfOf(page), page };
}

export interface SlowPost {
  /** Sends the rest of the body; resolves with the complete answer. */
  finish(): Promise<{ status: number; body: string }>;
}

/** A form POST whose body is sent in two halves: the request stays in flight until finish() is called. */
export function slowPost(url: string, path: string, cookie: string, form: Record<string, string>): Promise<SlowPost> {
  const body = Buffer.from(new URLSearchParams(form).toString());
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path,
      method: 'POST',
      agent: false,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
    });
    const answer = new Promise<{ status: number; body: string }>((res, rej) => {
      req.on('response', (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (text += c));
        r.on('end', () => res({ status: r.statusCode!, body: text }));
        r.on('error', rej);
      });
      req.on('error', rej);
    });
    answer.catch(() => {}); // observed by finish()
    req.once('socket', (socket) => {
      socket.once('connect', () => {
        req.write(body.subarray(0, body.length >> 1));
        resolve({
          finish: () => {
            req.end(body.subarray(body.length >> 1));
            return answer;
          },
        });
      });
    });
    req.once('error', reject);
    req.flushHeaders();
  });
}

/** Rows per generation of the aggregates, and the state row. */
export async function aggregatesPicture(db: Knex) {
  const state = await db('aggregate_state').where({ id: 1 }).first();
  const perGeneration = (await db('aggregates').select('generation').count({ n: '*' }).groupBy('generation')) as {
    generation: number;
    n: number | string;
  }[];
  return {
    generation: Number(state.generation),
    rows: Object.fromEntries(perGeneration.map((r) => [Number(r.generation), Number(r.n)])) as Record<number, number>,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns something truthy. */
export async function until<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Runs an npm script with the database in its environment; resolves with its exit code and output. */
export function npmRun(script: string, args: string[], database: Config['database']): Promise<{ code: number | null; out: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'DATABASE_URL' && k !== 'SQLITE_FILE') env[k] = v;
  Object.assign(env, databaseEnv(database), { NODE_ENV: 'test' });
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}
