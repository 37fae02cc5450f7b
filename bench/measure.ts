// Measures one generated data set, in a process of its own (so that its peak memory is its own):
//
//   node --import tsx bench/measure.ts --file tmp/bench/bench-100000.sqlite [--seconds 10] [--repeats 3] [--out result.json]
//
// Works on a copy of the file (the generated one stays pristine for --reuse). Steps: the floor query,
// the full rebuild, incremental refreshes after one pole submits one quarter, then the app on
// 127.0.0.1 under autocannon (/healthz, the national and a regional dashboard), then the dashboards
// again while a full rebuild runs in this same process. Prints a JSON result on stdout.
import fs from 'node:fs';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApp } from '../server/app.ts';
import { lastClosedQuarter } from '../server/lib/quarters.ts';
import { field } from '../server/reporting/entry-rules.ts';
import type { Services } from '../server/services.ts';
import { arg, closeServices, median, openServices, progressBar, removeSqlite } from './common.ts';
import type { LoadJob, LoadSummary } from './load.ts';
import { forkLoad } from './fork-load.ts';

export const FLOOR_SQL =
  'SELECT p.region_code, v.indicator_id, v.year, v.quarter, SUM(v.value_scaled) FROM quarter_values v JOIN poles p ON p.id = v.pole_id GROUP BY 1, 2, 3, 4';

export const STAFF_EMAIL = 'banc.staff@bench.ptce-impact.fr';
export const STAFF_PASSWORD = 'mesure de charge reproductible 2026';
export const REGION = '84';
export const PATHS = {
  trivial: '/healthz',
  national: '/tableau-de-bord',
  regional: `/regions/${REGION}`,
  // Two regions beside France per 10 000 inhabitants: the comparison page's heaviest form.
  comparison: `/comparer?indicateur=EMP_CREES&regions=${REGION}&regions=76&mesure=habitants`,
};

type HttpKey = 'trivial' | 'trivialAnonymous' | 'national' | 'regional' | 'comparison';

export interface MeasureResult {
  file: string;
  counts: { poles: number; reports: number; values: number };
  floor: { runsMs: number[]; medianMs: number; rows: number };
  rebuild: { seconds: number; rows: number; rowsPerSecond: number; ratioToFloor: number; peakRssMb: number };
  incremental: { runsMs: number[]; medianMs: number; rows: number[]; kinds: string[]; submitMs: number[] };
  statusProbe: Record<string, number>;
  /** The run with the median throughput of each route… */
  http: Record<HttpKey, LoadSummary>;
  /** …and every run, in order. */
  httpRuns?: Record<HttpKey, LoadSummary[]>;
  /** 1-minute load average of the machine when each phase started (2 cores, shared with other work). */
  loadAverage: Record<string, number>;
  duringRebuild: { load: LoadSummary; rebuildSeconds: number; rows: number };
  memory: { peakRssMb: number; maxRssMb: number; peakHeapUsedMb: number };
  node: string;
  connections: number;
  seconds: number;
}

/** Peak RSS and heap, sampled every 100 ms (a phase can be watched on its own). */
function memorySampler() {
  let peakRss = 0;
  let peakHeap = 0;
  let phasePeak = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    phasePeak = Math.max(phasePeak, m.rss);
  };
  const timer = setInterval(sample, 100);
  return {
    startPhase() {
      sample();
      phasePeak = process.memoryUsage().rss;
    },
    phasePeakMb: () => (sample(), phasePeak / 2 ** 20),
    stop() {
      clearInterval(timer);
      sample();
      return { peakRssMb: peakRss / 2 ** 20, peakHeapUsedMb: peakHeap / 2 ** 20 };
    },
  };
}

const ms = (t0: number) => performance.now() - t0;

/** Runs one dashboard load job in a child process (see fork-load.ts). */
function load<T>(job: LoadJob, during?: () => Promise<T>): Promise<{ summary: LoadSummary; value?: T }> {
  return forkLoad<LoadSummary, T>('load.ts', job, during);
}

export async function signIn(base: string, email = STAFF_EMAIL, password = STAFF_PASSWORD): Promise<string> {
  const page = await fetch(`${base}/connexion`, { redirect: 'manual' });
  const first = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!token) throw new Error('no CSRF token on /connexion');
  const res = await fetch(`${base}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: first },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie) throw new Error('sign-in set no cookie');
  return cookie;
}

/**
 * The pages measured keep their targets: the generated poles have some, so the national dashboard draws
 * the tiles' progress and the trajectory, the regional one its poles' table too. A page that lost them
 * would be measured doing less than it does for people.
 */
async function expectProgress(base: string, cookie: string): Promise<void> {
  const marks: Record<string, string[]> = {
    [PATHS.national]: ['id="trajectoire"', 'Objectifs '],
    [PATHS.regional]: ['id="trajectoire"', 'id="objectifs"', 'id="targets-table"'],
  };
  for (const [p, wanted] of Object.entries(marks)) {
    const html = await (await fetch(base + p, { headers: { cookie } })).text();
    const missing = wanted.filter((w) => !html.includes(w));
    if (missing.length) throw new Error(`${p} shows no progress against targets (missing ${missing.join(', ')})`);
  }
}

/** A complete submission of a stored draft: its values, the MEMBRES split, a comment and a confirmation on each line. */
async function submissionBody(
  s: Services,
  pole: NonNullable<Awaited<ReturnType<Services['repos']['poles']['findById']>>>,
  q: { year: number; quarter: number },
) {
  const body: Record<string, string> = await s.reporting.storedAsBody(pole, q);
  const { ctx } = await s.reporting.context(pole, q);
  for (const ind of ctx.indicators) {
    body[field.comment(ind.code)] = 'Saisie du banc de performance.';
    if (ind.kind !== 'flow') body[field.confirm(ind.code)] = '1';
  }
  const total = Number(body[field.value('MEMBRES')] ?? '0');
  const split: Record<string, number> = {
    ess: Math.floor(total / 2),
    non_ess: Math.floor(total / 4),
    collectivite: total >= 4 ? 1 : 0,
    recherche: 0,
    formation: 0,
  };
  split.autre = total - Object.values(split).reduce((a, b) => a + b, 0);
  for (const [c, n] of Object.entries(split)) body[field.value('MEMBRES', c)] = String(n);
  return body;
}

export async function measure(opts: {
  file: string;
  seconds?: number;
  connections?: number;
  incrementalRuns?: number;
  repeats?: number;
}): Promise<MeasureResult> {
  const started = performance.now();
  const repeats = opts.repeats ?? 3;
  const seconds = opts.seconds ?? 10;
  const connections = opts.connections ?? 10;
  // Only a .sqlite file: its working copy (deleted and re-created) must never be the file or a folder.
  if (!opts.file.endsWith('.sqlite')) throw new Error(`measure: a .sqlite file is needed (${opts.file})`);
  const work = opts.file.replace(/\.sqlite$/, '.work.sqlite');
  removeSqlite(work);
  fs.copyFileSync(opts.file, work);
  if (fs.existsSync(`${opts.file}-wal`)) fs.copyFileSync(`${opts.file}-wal`, `${work}-wal`);
  const mem = memorySampler();
  const s = openServices(work);
  const log = (m: string) => process.stderr.write(`${m}\n`);
  let server: ReturnType<ReturnType<typeof createApp>['listen']> | undefined;
  try {
    const count = async (table: string) => Number((await s.db(table).count({ n: '*' }).first())?.n ?? 0);
    const counts = { poles: await count('poles'), reports: await count('quarter_reports'), values: await count('quarter_values') };
    log(`${path.basename(opts.file)}: ${counts.poles} poles, ${counts.reports} quarter reports, ${counts.values} values`);

    // 1. The floor: the one GROUP BY that reads every value once.
    const loads: Record<string, number> = { start: os.loadavg()[0] };
    const floorRuns: number[] = [];
    let floorRows = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const rows = (await s.db.raw(FLOOR_SQL)) as unknown[];
      floorRuns.push(ms(t0));
      floorRows = rows.length;
    }
    const floorMs = median(floorRuns);
    log(`floor: ${floorRuns.map((x) => x.toFixed(0)).join(' / ')} ms (${floorRows} rows)`);

    // 2. The full rebuild.
    const bar = progressBar('full rebuild');
    mem.startPhase();
    loads.rebuild = os.loadavg()[0];
    const t0 = performance.now();
    const rebuilt = await s.refresh.rebuild((done, total) => bar.update(done, total));
    const rebuildSeconds = ms(t0) / 1000;
    bar.done();
    const rebuildPeak = mem.phasePeakMb();
    log(`full rebuild: ${rebuildSeconds.toFixed(1)} s, ${rebuilt.rows} rows`);

    // 3. Incremental refreshes: one pole submits its draft quarter, then the refresh (one pole each time).
    const staff = await s.users.createUser(
      { email: STAFF_EMAIL, displayName: 'Banc de performance', role: 'staff', poleIds: [], regionCodes: [], password: STAFF_PASSWORD },
      { userId: null },
    );
    const actor = { userId: staff.id, requestId: 'bench' };
    const last = lastClosedQuarter(s.clock.now());
    const drafts = (await s
      .db('quarter_reports')
      .where({ status: 'draft', year: last.year, quarter: last.quarter })
      .orderBy('pole_id')
      .select('pole_id')) as { pole_id: number }[];
    const incRuns: number[] = [];
    const incRows: number[] = [];
    const incKinds: string[] = [];
    const submitMs: number[] = [];
    for (const { pole_id } of drafts.slice(0, opts.incrementalRuns ?? 3)) {
      const pole = (await s.repos.poles.findById(s.db, pole_id))!;
      let t = performance.now();
      const prepared = await s.reporting.prepare(pole, last, await submissionBody(s, pole, last), { submit: true, checkVersion: false });
      if (prepared.kind !== 'ready') throw new Error(`submission of pole ${pole_id} refused: ${JSON.stringify(prepared).slice(0, 500)}`);
      const saved = await s.reporting.applyAll([prepared.plan], actor);
      if (saved.kind !== 'saved') throw new Error(`submission of pole ${pole_id} not saved: ${saved.kind}`);
      submitMs.push(ms(t));
      t = performance.now();
      const r = await s.refresh.incremental();
      incRuns.push(ms(t));
      incRows.push(r.rows);
      incKinds.push(r.kind);
    }
    log(`incremental refresh: ${incRuns.map((x) => x.toFixed(0)).join(' / ')} ms (${incKinds.join(', ')})`);

    // 4. The app on the loopback, a staff session from a real sign-in.
    const app = createApp(s);
    await app.ready;
    server = await new Promise<NonNullable<typeof server>>((resolve) => {
      const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cookie = await signIn(base);
    const statusProbe: Record<string, number> = {};
    for (const p of Object.values(PATHS)) statusProbe[p] = (await fetch(base + p, { headers: { cookie }, redirect: 'manual' })).status;
    log(`status codes: ${JSON.stringify(statusProbe)}`);
    await expectProgress(base, cookie);
    const job = (paths: string[], duration = seconds): LoadJob => ({ url: base, paths, cookie, connections, duration });
    // Warm-up (compiled templates, SQLite page cache), not reported.
    await load(job([PATHS.national, PATHS.regional], 2));
    mem.startPhase();
    loads.http = os.loadavg()[0];
    // Each route `repeats` times, interleaved (the machine is shared: a busy moment hits every route
    // alike); the run with the median throughput stands for the route, all runs are kept.
    const httpRuns: Record<HttpKey, LoadSummary[]> = { trivial: [], trivialAnonymous: [], national: [], regional: [], comparison: [] };
    for (let i = 0; i < repeats; i++) {
      httpRuns.trivial.push((await load(job([PATHS.trivial]))).summary);
      httpRuns.trivialAnonymous.push((await load({ ...job([PATHS.trivial]), cookie: '' })).summary);
      httpRuns.national.push((await load(job([PATHS.national]))).summary);
      httpRuns.regional.push((await load(job([PATHS.regional]))).summary);
      httpRuns.comparison.push((await load(job([PATHS.comparison]))).summary);
    }
    const medianRun = (runs: LoadSummary[]) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor((runs.length - 1) / 2)];
    const http = {
      trivial: medianRun(httpRuns.trivial),
      trivialAnonymous: medianRun(httpRuns.trivialAnonymous),
      national: medianRun(httpRuns.national),
      regional: medianRun(httpRuns.regional),
      comparison: medianRun(httpRuns.comparison),
    };
    for (const [k, runs] of Object.entries(httpRuns)) {
      log(
        `${k}: ${runs.map((v) => `${v.rps.toFixed(0)} req/s p50 ${v.p50} p99 ${v.p99} ms`).join(' | ')}; errors ${runs.map((v) => v.errors)}, timeouts ${runs.map((v) => v.timeouts)}, non-2xx ${runs.map((v) => v.non2xx)}`,
      );
    }

    // 5. The dashboards while a full rebuild runs in this process.
    loads.duringRebuild = os.loadavg()[0];
    const during = await load({ ...job([PATHS.national, PATHS.regional], 1800), untilStopped: true }, async () => {
      const t = performance.now();
      const r = await s.refresh.rebuild();
      return { seconds: ms(t) / 1000, rows: r.rows };
    });
    log(
      `during a full rebuild (${during.value!.seconds.toFixed(1)} s): ${during.summary.rps.toFixed(0)} req/s, p50 ${during.summary.p50} ms, p99 ${during.summary.p99} ms, non-2xx ${during.summary.non2xx}`,
    );

    loads.end = os.loadavg()[0];
    const m = mem.stop();
    return {
      file: path.relative(process.cwd(), opts.file),
      counts,
      floor: { runsMs: floorRuns, medianMs: floorMs, rows: floorRows },
      rebuild: {
        seconds: rebuildSeconds,
        rows: rebuilt.rows,
        rowsPerSecond: rebuilt.rows / rebuildSeconds,
        ratioToFloor: (rebuildSeconds * 1000) / floorMs,
        peakRssMb: rebuildPeak,
      },
      incremental: { runsMs: incRuns, medianMs: median(incRuns), rows: incRows, kinds: incKinds, submitMs },
      statusProbe,
      http,
      httpRuns,
      loadAverage: loads,
      duringRebuild: { load: during.summary, rebuildSeconds: during.value!.seconds, rows: during.value!.rows },
      memory: { peakRssMb: m.peakRssMb, maxRssMb: process.resourceUsage().maxRSS / 1024, peakHeapUsedMb: m.peakHeapUsedMb },
      node: process.version,
      connections,
      seconds: ms(started) / 1000,
    };
  } finally {
    mem.stop();
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
      // Requests cut off by the load's end may still be finishing their session write.
      await new Promise((r) => setTimeout(r, 500));
    }
    await closeServices(s);
    removeSqlite(work);
  }
}

async function main() {
  const file = path.resolve(arg('file') ?? '');
  if (!fs.existsSync(file)) throw new Error(`--file: ${file} not found`);
  const result = await measure({
    file,
    seconds: Number(arg('seconds') ?? '10'),
    incrementalRuns: Number(arg('incremental-runs') ?? '3'),
    repeats: Number(arg('repeats') ?? '3'),
  });
  const out = arg('out');
  if (out) fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
