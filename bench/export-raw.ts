// The raw values export under the bench, in a process of its own so that its peak memory is its own:
//
//   node --import tsx bench/export-raw.ts --file tmp/bench/bench-1000000.sqlite [--out result.json] [--no-write]
//
// Works on a copy of the file (migrated to the latest schema, a staff account added). The app runs in a
// fresh child process (the one measured: its RSS sampled every 50 ms); this process signs in as staff and
// downloads GET /admin/exports/valeurs?fichier=csv-excel (every value, no filter), reading the body as it
// arrives and throwing it away, as a client writing to /dev/null would. Target: the app's process stays
// under 200 MB. Writes its table between the `<!-- export-raw -->` markers of BENCHMARKS.md (every size
// measured so far).
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import { createApp } from '../server/app.ts';
import { migrateLatest } from '../server/db/connection.ts';
import { arg, benchDirectory, closeServices, flag, openServices, removeSqlite, writeBetweenMarkers } from './common.ts';
import { signIn, STAFF_EMAIL, STAFF_PASSWORD } from './measure.ts';

export const TARGET_MB = 200;
const URL_PATH = '/admin/exports/valeurs?fichier=csv-excel';

export interface ExportRawResult {
  file: string;
  values: number;
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  baselineRssMb: number;
  peakRssMb: number;
  peakHeapUsedMb: number;
  status: number;
  measuredAt: string;
}

const mb = (bytes: number) => bytes / 2 ** 20;

/** A working copy of the data set, migrated, with the bench's staff account (done before measuring). */
export async function prepare(file: string): Promise<string> {
  if (!file.endsWith('.sqlite') || !fs.statSync(file, { throwIfNoEntry: false })?.isFile())
    throw new Error(`--file: a .sqlite file is needed (${file})`);
  const work = file.replace(/\.sqlite$/, '.export.sqlite');
  removeSqlite(work);
  fs.copyFileSync(file, work);
  if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${work}-wal`);
  const s = openServices(work);
  try {
    await migrateLatest(s.db);
    if (!(await s.db('users').where({ email: STAFF_EMAIL }).first())) {
      await s.users.createUser(
        { email: STAFF_EMAIL, displayName: 'Banc de performance', role: 'staff', poleIds: [], regionCodes: [], password: STAFF_PASSWORD },
        { userId: null },
      );
    }
  } finally {
    await closeServices(s);
  }
  return work;
}

/**
 * The server side, in a fresh process on a prepared copy: the app on 127.0.0.1, its RSS sampled every
 * 50 ms. Talks to the parent over IPC: sends its port, and its memory figures when asked.
 */
async function serveAndSample(work: string): Promise<void> {
  const s = openServices(work);
  const app = createApp(s);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  let baseline = 0;
  let peakRss = 0;
  let peakHeap = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  process.on('message', async (msg: string) => {
    if (msg === 'start') {
      baseline = peakRss = process.memoryUsage().rss;
      peakHeap = 0;
      process.send!({ started: true });
    } else if (msg === 'stop') {
      clearInterval(timer);
      process.send!({ baseline, peakRss, peakHeap, values: Number((await s.db('quarter_values').count({ n: '*' }).first())?.n ?? 0) });
      await new Promise((resolve) => server.close(resolve));
      await closeServices(s);
      process.disconnect();
    }
  });
  process.send!({ port: (server.address() as AddressInfo).port });
}

/** The client side (this process): signs in, downloads the export to the end and throws it away. */
async function measure(work: string, source: string): Promise<ExportRawResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', work], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Record<string, number>>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Record<string, number>));
      child.once('exit', (code) => reject(new Error(`export-raw server exited with ${code}`)));
    });
  try {
    const { port } = await next();
    const base = `http://127.0.0.1:${port}`;
    const cookie = await signIn(base);
    child.send('start');
    await next();
    const t0 = performance.now();
    const res = await fetch(base + URL_PATH, { headers: { cookie } });
    let bytes = 0;
    let rows = 0;
    let shown = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      for (const byte of value) if (byte === 10) rows++;
      if (rows - shown >= 100_000 && process.env.BENCH_QUIET !== '1') {
        shown = rows;
        process.stderr.write(`\rraw export: ${rows} rows`);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    child.send('stop');
    const mem = await next();
    process.stderr.write('\n');
    return {
      file: path.basename(source),
      values: mem.values,
      rows: rows - 1, // the header
      bytes,
      seconds,
      rowsPerSecond: (rows - 1) / seconds,
      baselineRssMb: mb(mem.baseline),
      peakRssMb: mb(mem.peakRss),
      peakHeapUsedMb: mb(mem.peakHeap),
      status: res.status,
      measuredAt: new Date()
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC'),
    };
  } finally {
    if (child.exitCode === null) {
      const timer = setTimeout(() => child.kill(), 5000);
      await new Promise((resolve) => child.once('exit', resolve));
      clearTimeout(timer);
    }
  }
}

const resultFile = (values: number) => path.join(benchDirectory, `export-raw-${values}.json`);

/** The table of every size measured so far. */
export function renderExportRaw(results: ExportRawResult[]): string {
  const n = (x: number, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const lines = [
    `_Written by \`npm run bench\` (bench/export-raw.ts). Do not edit between the markers._`,
    '',
    '| values | rows written | CSV size | time | rows/s | RSS before | peak RSS | peak heap | target < 200 MB |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|:---:|',
    ...results.map(
      (r) =>
        `| ${n(r.values)} | ${n(r.rows)} | ${n(mb(r.bytes), 1)} MB | ${n(r.seconds, 1)} s | ${n(r.rowsPerSecond)} | ${n(r.baselineRssMb)} MB | **${n(r.peakRssMb)} MB** | ${n(r.peakHeapUsedMb)} MB | ${r.peakRssMb < TARGET_MB && r.status === 200 && r.rows === r.values ? 'met' : 'missed'} |`,
    ),
    '',
    `Measured ${results.map((r) => `${n(r.values)} values on ${r.measuredAt}`).join(', ')}.`,
  ];
  return lines.join('\n');
}

async function main() {
  const serveFile = arg('serve');
  if (serveFile) return serveAndSample(serveFile);
  const file = arg('file');
  if (!file) throw new Error('--file tmp/bench/bench-<values>.sqlite');
  const work = await prepare(path.resolve(file));
  let result: ExportRawResult;
  try {
    result = await measure(work, path.resolve(file));
  } finally {
    removeSqlite(work);
  }
  fs.mkdirSync(benchDirectory, { recursive: true });
  fs.writeFileSync(resultFile(result.values), `${JSON.stringify(result, null, 2)}\n`);
  const all = fs
    .readdirSync(benchDirectory)
    .filter((f) => /^export-raw-\d+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(benchDirectory, f), 'utf8')) as ExportRawResult)
    .sort((a, b) => a.values - b.values);
  if (!flag('no-write')) writeBetweenMarkers(path.resolve(import.meta.dirname, '../BENCHMARKS.md'), 'export-raw', renderExportRaw(all));
  const out = arg('out');
  if (out) fs.writeFileSync(out, JSON.stringify(result));
  process.stderr.write(
    `raw export of ${result.values} values: ${result.rows} rows in ${result.seconds.toFixed(1)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
