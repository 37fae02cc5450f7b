// `npm run bench:compare`: the same dashboard and entry load on SQLite and on PostgreSQL, side by side.
//
//   npm run bench:compare                                   # 100k values, PostgreSQL at BENCH_DATABASE_URL
//   npm run bench:compare -- --values 100000 --seconds 10 --pg postgres://ptce:ptce@127.0.0.1:5432/postgres
//   options: --connections 10,50 · --no-write (print instead of writing BENCHMARKS.md)
//
// For each database: the bench's data set (generate.ts: the same rows on both), a full rebuild of the
// aggregates, a staff user, and one fresh pole per entry connection with its own manager; then the app
// on 127.0.0.1, wired as server/main.ts wires it, under autocannon: the national and a regional dashboard
// (staff session), and the entry form (each connection a manager who opens its own pole's 2026-T3 form
// and saves it as a draft, a figure changed at every save), each at 10 and 50 connections.
// PostgreSQL: the database `ptce_bench_<values>` is dropped and created on the server named by --pg (the
// role needs CREATEDB).
import fs from 'node:fs';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import knex from 'knex';
import { createApp } from '../server/app.ts';
import { lastClosedQuarter, quarterLabel } from '../server/lib/quarters.ts';
import { field } from '../server/reporting/entry-rules.ts';
import type { Services } from '../server/services.ts';
import { completeBody } from '../test/support/reporting.ts';
import { arg, benchDirectory, closeServices, flag, openServices, progressBar, writeBetweenMarkers } from './common.ts';
import { forkLoad } from './fork-load.ts';
import { generateBenchData } from './generate.ts';
import type { LoadJob, LoadSummary } from './load.ts';
import type { EntryJob, EntrySummary } from './load-entry.ts';
import { PATHS, signIn, STAFF_EMAIL, STAFF_PASSWORD } from './measure.ts';

const MANAGER_PASSWORD = 'saisie concurrente du banc 2026';
/** Regions (and a département of each) for the entry poles. */
const ENTRY_PLACES = [
  ['76', '31'],
  ['84', '69'],
  ['11', '75'],
  ['53', '35'],
  ['44', '67'],
] as const;

export interface EngineResult {
  engine: 'sqlite' | 'pg';
  values: number;
  setupSeconds: number;
  rebuildSeconds: number;
  loadAverage: number;
  runs: { route: 'national' | 'regional' | 'entry'; connections: number; summary: LoadSummary | EntrySummary }[];
}

const log = (m: string) => process.stderr.write(`${m}\n`);

async function entryPoles(s: Services, count: number) {
  const made: { slug: string; email: string }[] = [];
  for (let k = 0; k < count; k++) {
    const [region, departement] = ENTRY_PLACES[k % ENTRY_PLACES.length];
    const q = lastClosedQuarter(s.clock.now());
    const slug = await s.poles.create(
      {
        name: `Pôle de saisie concurrente ${k + 1}`,
        slug: '',
        region_code: region,
        departement_code: departement,
        territory_epci: '',
        territory_departements: [departement],
        creation_year: 2020,
        first_report: q,
        legal_form: 'Association loi 1901',
        description: '',
        contact_email: '',
        website: '',
        founding_wave: 'autre',
      },
      { userId: null },
    );
    const pole = (await s.repos.poles.findBySlug(s.db, slug))!;
    const email = `saisie-${k + 1}@bench.ptce-impact.fr`;
    await s.users.createUser(
      { email, displayName: `Gestionnaire ${k + 1}`, role: 'manager', poleIds: [pole.id], regionCodes: [], password: MANAGER_PASSWORD },
      { userId: null },
    );
    made.push({ slug, email });
  }
  return made;
}

async function measureEngine(
  engine: 'sqlite' | 'pg',
  values: number,
  seconds: number,
  connections: number[],
  pgServer: string,
): Promise<EngineResult> {
  const t0 = performance.now();
  let file = path.join(benchDirectory, `compare-${values}.sqlite`);
  let databaseUrl: string | undefined;
  if (engine === 'pg') {
    const name = `ptce_bench_${values}`;
    const admin = knex({ client: 'pg', connection: pgServer, pool: { min: 0, max: 1 } });
    await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.raw(`create database ${name}`);
    await admin.destroy();
    const u = new URL(pgServer);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    file = path.join(benchDirectory, 'not-used-on-postgres.sqlite');
  }
  log(`\n== ${engine}: generating ${values} values`);
  await generateBenchData({ file, values, databaseUrl });
  const s = openServices(file, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  let server: ReturnType<ReturnType<typeof createApp>['listen']> | undefined;
  try {
    const bar = progressBar(`${engine}: full rebuild`);
    const tr = performance.now();
    await s.refresh.rebuild((done, total) => bar.update(done, total));
    bar.done();
    const rebuildSeconds = (performance.now() - tr) / 1000;
    await s.users.createUser(
      { email: STAFF_EMAIL, displayName: 'Banc de performance', role: 'staff', poleIds: [], regionCodes: [], password: STAFF_PASSWORD },
      { userId: null },
    );
    const maxConnections = Math.max(...connections);
    const managers = await entryPoles(s, maxConnections);
    const q = lastClosedQuarter(s.clock.now());
    const body = await completeBody(s, q);

    const app = createApp(s);
    await app.ready;
    server = await new Promise<NonNullable<typeof server>>((resolve) => {
      const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cookie = await signIn(base);
    const sessions: { cookie: string; slug: string }[] = [];
    for (const m of managers) sessions.push({ cookie: await signIn(base, m.email, MANAGER_PASSWORD), slug: m.slug });
    const setupSeconds = (performance.now() - t0) / 1000;

    const dash = (p: string, c: number, duration = seconds): LoadJob => ({ url: base, paths: [p], cookie, connections: c, duration });
    const entry = (c: number): EntryJob => ({
      url: base,
      connections: c,
      duration: seconds,
      managers: sessions.slice(0, c),
      period: quarterLabel(q),
      body,
      varyField: field.value('EMP_CREES'),
    });
    await forkLoad<LoadSummary>('load.ts', dash(PATHS.national, 10, 2) as never); // warm-up, not reported
    const loadAverage = os.loadavg()[0];
    const runs: EngineResult['runs'] = [];
    for (const c of connections) {
      for (const [route, p] of [
        ['national', PATHS.national],
        ['regional', PATHS.regional],
      ] as const) {
        const { summary } = await forkLoad<LoadSummary>('load.ts', dash(p, c) as never);
        runs.push({ route, connections: c, summary });
        log(
          `${engine} ${route} ×${c}: ${summary.rps.toFixed(0)} req/s p50 ${summary.p50} p99 ${summary.p99} ms, errors ${summary.errors}, timeouts ${summary.timeouts}, non-2xx ${summary.non2xx}`,
        );
      }
      const { summary } = await forkLoad<EntrySummary>('load-entry.ts', entry(c) as never);
      runs.push({ route: 'entry', connections: c, summary });
      log(
        `${engine} entry ×${c}: ${summary.savesPerSecond.toFixed(0)} saves/s, p50 ${summary.p50} p99 ${summary.p99} ms, saves ${JSON.stringify(summary.saves)}, errors ${summary.errors}, timeouts ${summary.timeouts}`,
      );
    }
    return { engine, values, setupSeconds, rebuildSeconds, loadAverage, runs };
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
      // The load generator has hung up, but handlers of its last requests may still be running on the pool.
      await new Promise((r) => setTimeout(r, 3000));
    }
    await closeServices(s);
  }
}

const n = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const fivexx = (r: LoadSummary) =>
  Object.entries(r.statusCodes)
    .filter(([k]) => k.startsWith('5'))
    .reduce((a, [, v]) => a + v, 0);

function cell(r: EngineResult['runs'][number] | undefined): string {
  if (!r) return '—';
  const s = r.summary;
  const head = r.route === 'entry' ? `${n((s as EntrySummary).savesPerSecond)} saves/s (${n(s.rps)} req/s)` : `${n(s.rps)} req/s`;
  const failed =
    s.errors + s.timeouts + fivexx(s) > 0 ||
    (r.route === 'entry' ? Object.keys((s as EntrySummary).saves).some((k) => k !== '303') : s.non2xx > 0);
  return `${head} · p50 ${n(s.p50)} ms · p99 ${n(s.p99)} ms · ${s.errors}/${s.timeouts}/${fivexx(s)}${failed ? ' ❌' : ' ✅'}`;
}

export function renderCompare(results: EngineResult[], date: string): string {
  const [a, b] = results;
  const lines = [
    `_Written by \`npm run bench:compare\` on ${date}. Do not edit between the markers._`,
    '',
    `${n(a.values)} values (the bench's data set, the same rows on both), plus one fresh pole per entry connection. ` +
      `Machine: ${os.cpus().length} CPUs shared with other work; load average at the start of the runs: ` +
      results.map((r) => `${r.engine === 'pg' ? 'PostgreSQL' : 'SQLite'} ${r.loadAverage.toFixed(1)}`).join(', ') +
      '. ' +
      `Full rebuild: ${results.map((r) => `${r.engine === 'pg' ? 'PostgreSQL' : 'SQLite'} ${r.rebuildSeconds.toFixed(1)} s`).join(', ')}.`,
    '',
    'Each cell: throughput · p50 · p99 · errors/timeouts/5xx. Entry: a GET of the form then a POST saving it (303), per connection, its own pole; saves/s counts the 303s.',
    '',
    `| route | connections | SQLite | PostgreSQL |`,
    '|---|---|---|---|',
  ];
  for (const route of ['national', 'regional', 'entry'] as const) {
    const label = route === 'national' ? '`/tableau-de-bord`' : route === 'regional' ? '`/regions/84`' : 'entry form, save as draft';
    for (const c of [...new Set(a.runs.map((r) => r.connections))]) {
      const find = (e: EngineResult) => e.runs.find((r) => r.route === route && r.connections === c);
      lines.push(`| ${label} | ${c} | ${cell(find(a))} | ${b ? cell(find(b)) : '—'} |`);
    }
  }
  const entryCodes = results.flatMap((r) =>
    r.runs
      .filter((x) => x.route === 'entry')
      .map((x) => `${r.engine} ×${x.connections}: ${JSON.stringify((x.summary as EntrySummary).saves)}`),
  );
  lines.push('', `Answers to the saves: ${entryCodes.join(' · ')}.`);
  return lines.join('\n');
}

async function main() {
  const values = Number(arg('values') || '100000');
  const seconds = Number(arg('seconds') || '10');
  const connections = (arg('connections') || '10,50').split(',').map(Number);
  const pg = arg('pg') || process.env.BENCH_DATABASE_URL || 'postgres://ptce:ptce@127.0.0.1:5432/postgres';
  if (!Number.isInteger(values) || values < 1000 || values > 5_000_000) throw new Error('--values: an integer between 1000 and 5000000');
  if (!(seconds >= 1 && seconds <= 120)) throw new Error('--seconds: between 1 and 120');
  if (connections.some((c) => !Number.isInteger(c) || c < 1 || c > 200)) throw new Error('--connections: e.g. 10,50');
  fs.mkdirSync(benchDirectory, { recursive: true });
  const results: EngineResult[] = [];
  for (const engine of ['sqlite', 'pg'] as const) results.push(await measureEngine(engine, values, seconds, connections, pg));
  fs.writeFileSync(path.join(benchDirectory, `compare-${values}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const md = renderCompare(
    results,
    new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC'),
  );
  if (flag('no-write')) process.stdout.write(`${md}\n`);
  else {
    writeBetweenMarkers(path.resolve(import.meta.dirname, '../BENCHMARKS.md'), 'compare', md);
    log('BENCHMARKS.md written (SQLite / PostgreSQL comparison).');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
