// The REAL application as a child process (`node --import tsx server/main.ts`), for the tests that need
// signals, crashes, several instances or the logs a real process writes. Every child started here is
// tracked and killed by `killAllApps()` (call it in an `after` hook) and, failing that, when this process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import type { Config } from '../../server/config.ts';
import { CONFIG_VARIABLES, loadConfig } from '../../server/config.ts';
import { createDb } from '../../server/db/connection.ts';
import { createLogger } from '../../server/logger.ts';
import { systemClock } from '../../server/lib/clock.ts';
import { buildServices, type Services } from '../../server/services.ts';
import { prepareDatabase } from '../../server/bootstrap.ts';
import type { Role } from '../../server/http/current-user.ts';
import { csrfFrom, TEST_PASSWORD } from './test-app.ts';
import { makePole } from './factories.ts';

const root = path.resolve(import.meta.dirname, '../..');

// Every variable server/config.ts reads: the child gets exactly what the test gives, nothing inherited.
const CONFIG_KEYS = CONFIG_VARIABLES;

export interface AppProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Every line the child wrote, stdout and stderr, in order of arrival. */
  logs: string[];
  /** Resolves when the child has exited (with its exit code, null when killed by a signal). */
  exited: Promise<number | null>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** Waits until a line matching `pattern` has been logged. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Kills every child still running (use in `after`/`afterEach` hooks, so a failed test leaves nothing behind). */
export async function killAllApps(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  live.clear();
}

/** A TCP port free right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The environment variables that point the app at `database`. */
export function databaseEnv(database: Config['database']): Record<string, string> {
  return database.client === 'pg' ? { DATABASE_URL: database.url } : { SQLITE_FILE: database.filename };
}

export interface StartOptions {
  /** The database, or give SQLITE_FILE / DATABASE_URL in `env`. */
  database?: Config['database'];
  /** Extra variables; defaults: NODE_ENV=test, DEMO_DATA=false, PASSWORD_HASH_COST=10, LOG_LEVEL=info. */
  env?: Record<string, string>;
  /** How long to wait for /healthz (ms). */
  timeoutMs?: number;
}

/** Starts the real app on a free port and resolves once /healthz answers 200. */
export async function startApp(opts: StartOptions = {}): Promise<AppProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      // Another process may grab the port between freePort() and listen(): try another one.
      if (attempt < 3 && /EADDRINUSE/.test(String(err))) continue;
      throw err;
    }
  }
}

/** The child's environment: this process's, without any configuration variable, then the test's own. */
export function childEnvironment(opts: StartOptions, port: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !CONFIG_KEYS.includes(k)) env[k] = v;
  return Object.assign(
    env,
    { NODE_ENV: 'test', DEMO_DATA: 'false', PASSWORD_HASH_COST: '10', LOG_LEVEL: 'info', PORT: String(port) },
    opts.database ? databaseEnv(opts.database) : {},
    opts.env ?? {},
  );
}

async function startOnce(opts: StartOptions): Promise<AppProcess> {
  const port = opts.env?.PORT ? Number(opts.env.PORT) : await freePort();
  const env = childEnvironment(opts, port);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const logs: string[] = [];
  const waiters: { pattern: RegExp; resolve(line: string): void }[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        for (const w of [...waiters])
          if (w.pattern.test(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
      }
    });
    stream.on('end', () => {
      if (rest) logs.push(rest);
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  // Resolves once both pipes are drained, so `logs` is complete after a stop.
  const drained = Promise.all([child.stdout!, child.stderr!].map((s) => new Promise<void>((r) => s.once('close', () => r()))));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  for (;;) {
    if (exitCode !== undefined) {
      await drained;
      throw new Error(`the app exited (${exitCode}) before answering:\n${logs.slice(-30).join('\n')}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`the app did not answer /healthz in time:\n${logs.slice(-30).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    port,
    child,
    logs,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 35_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      await drained;
      return code;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await drained;
    },
    waitForLog(pattern: RegExp, timeoutMs = 30_000) {
      const found = logs.find((l) => pattern.test(l));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no log line matching ${pattern}:\n${logs.slice(-20).join('\n')}`)), timeoutMs);
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      });
    },
  };
}

export interface Account {
  id: number;
  email: string;
  role: Role;
}

export interface Installation {
  staff: Account;
  manager: Account;
  pole: { id: number; slug: string };
  /** The password of both accounts. */
  password: string;
}

/**
 * Prepares `database` before a child starts on it: migrations and reference data, one pole, a staff
 * account and a manager of that pole (through the real services, on the system clock the child uses).
 */
export async function prepareInstallation(
  database: Config['database'],
  opts: { withServices?: (s: Services) => Promise<void> } = {},
): Promise<Installation> {
  const db = createDb(database);
  try {
    const s = buildServices({ config: loadConfig({ NODE_ENV: 'test' }), db, clock: systemClock, logger: createLogger('silent') });
    await prepareDatabase(s);
    const pole = await makePole(s, { name: 'Pôle Exploitation', region: '76', departement: '31' });
    const create = async (role: Role, email: string, poleIds: number[] = []): Promise<Account> => {
      const { id } = await s.users.createUser(
        { email, displayName: email.split('@')[0], role, poleIds, regionCodes: [], password: TEST_PASSWORD },
        { userId: null },
      );
      return { id, email, role };
    };
    const staff = await create('staff', 'exploitation.staff@test.ptce-impact.fr');
    const manager = await create('manager', 'exploitation.manager@test.ptce-impact.fr', [pole.id]);
    if (opts.withServices) await opts.withServices(s);
    return { staff, manager, pole: { id: pole.id, slug: pole.slug }, password: TEST_PASSWORD };
  } finally {
    await db.destroy();
  }
}

export type HttpAgent = ReturnType<typeof request.agent>;

/** A supertest agent on the child's URL (keeps cookies), signed in over real HTTP with the CSRF token. */
export async function signInOverHttp(url: string, email: string, password = TEST_PASSWORD): Promise<HttpAgent> {
  const agent = request.agent(url);
  const page = await agent.get('/connexion').expect(200);
  const res = await agent
    .post('/connexion')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password });
  if (res.status !== 303) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  return agent;
}
