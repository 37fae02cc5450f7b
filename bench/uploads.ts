// Uploads under the bench: the app's peak memory and `/healthz` latency while the largest accepted files
// and hostile ones are imported.
//
//   npm run bench:uploads            (or: npm run bench -- --only uploads)
//   node --import tsx bench/uploads.ts [--no-write] [--out result.json] [--only name,name]
//
// A fresh SQLite file (migrated, 430 poles reporting since 2017, a staff account and four managers).
// The app runs in a fresh child process for each file (its RSS sampled every 20 ms); this process uploads each
// file as the upload form does and, meanwhile, asks `/healthz` one request at a time, every 10 ms.
// Targets: RSS < 300 MB and `/healthz` p99 < 100 ms during a staff import of the largest accepted
// file. Writes its table between the `<!-- uploads -->` markers of BENCHMARKS.md.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import { createApp } from '../server/app.ts';
import { prepareDatabase } from '../server/bootstrap.ts';
import { MAX_ROWS, QUARTER_MAX_ROWS, MAX_CELL } from '../server/imports/import-files.ts';
import { arg, benchDirectory, closeServices, flag, openServices, removeSqlite, writeBetweenMarkers } from './common.ts';
import { signIn, STAFF_EMAIL, STAFF_PASSWORD } from './measure.ts';
import { makePole } from '../test/support/factories.ts';
import { oneHugeString, workbook } from '../test/imports/xlsx-zip.ts';

export const TARGET_RSS_MB = 300;
export const TARGET_P99_MS = 100;
const POLES = 430;
const MANAGERS = 4;
const managerEmail = (i: number) => `banc.gestionnaire${i}@bench.ptce-impact.fr`;
const INDICATORS = [
  'EMP_CREES',
  'TE_ACTIONS',
  'ACT_CONSOLIDEES',
  'EMP_ETP_FIN',
  'ACT_CREEES',
  'MUTUALISATIONS',
  'PERS_FORMEES',
  'REEMPLOI_T',
  'RESSOURCES_PROPRES',
  'RESSOURCES_TOTALES',
  'PROJ_INNOV_SOCIALE',
  'MATURITE_COOP',
];
const LONG_HEADER = ['pole', 'indicateur', 'categorie', 'annee', 'trimestre', 'valeur', 'non_disponible', 'raison', 'commentaire'];

interface Scenario {
  name: string;
  label: string;
  kind: 'accepted' | 'hostile';
  /** Whose upload (staff, or manager i), how many in parallel. */
  who: 'staff' | 'managers';
  parallel: number;
  file: () => Promise<{ bytes: Buffer; filename: string }>;
}

export interface UploadResult {
  name: string;
  label: string;
  kind: 'accepted' | 'hostile';
  bytes: number;
  statuses: number[];
  seconds: number;
  baselineRssMb: number;
  peakRssMb: number;
  healthz: { count: number; p50: number; p99: number; max: number };
}

const mb = (bytes: number) => bytes / 2 ** 20;

/** A fresh data file: migrated, poles reporting since 2017-T1, the bench's staff account and managers. */
async function prepare(file: string): Promise<string[]> {
  removeSqlite(file);
  const s = openServices(file);
  const slugs: string[] = [];
  try {
    // Migrations and the reference data (regions, départements, indicators), as at start.
    await prepareDatabase(s);
    await s.users.createUser(
      { email: STAFF_EMAIL, displayName: 'Banc de performance', role: 'staff', poleIds: [], regionCodes: [], password: STAFF_PASSWORD },
      { userId: null },
    );
    for (let i = 0; i < POLES; i++)
      slugs.push((await makePole(s, { name: `Pôle du banc ${i + 1}`, firstReport: { year: 2017, quarter: 1 } })).slug);
    const first = (await s.repos.poles.findBySlug(s.db, slugs[0]))!;
    for (let i = 0; i < MANAGERS; i++) {
      await s.users.createUser(
        {
          email: managerEmail(i),
          displayName: `Gestionnaire ${i}`,
          role: 'manager',
          poleIds: [first.id],
          regionCodes: [],
          password: STAFF_PASSWORD,
        },
        { userId: null },
      );
    }
  } finally {
    await closeServices(s);
  }
  return slugs;
}

/** MAX_ROWS long-format rows over the poles × quarters × indicators. */
function longRows(slugs: string[]): (string | number)[][] {
  const rows: (string | number)[][] = [];
  outer: for (const slug of slugs) {
    for (let year = 2017; year <= 2026; year++) {
      for (let quarter = 1; quarter <= 4; quarter++) {
        if (year === 2026 && quarter === 4) continue;
        for (const code of INDICATORS) {
          rows.push([
            slug,
            code,
            '',
            year,
            quarter,
            (rows.length % 97) + 1,
            '',
            '',
            rows.length % 40 === 0 ? `Donnée historique n° ${rows.length}` : '',
          ]);
          if (rows.length >= MAX_ROWS) break outer;
        }
      }
    }
  }
  return rows;
}

async function xlsxOf(rows: (string | number)[][]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new PassThrough().on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true });
  const ws = wb.addWorksheet('Import');
  for (const r of rows) ws.addRow(r).commit();
  await ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

const csvOf = (rows: (string | number)[][]) => Buffer.from(`\uFEFF${rows.map((r) => r.join(';')).join('\r\n')}\r\n`, 'utf8');

/** Text that compresses like prose, not like a run of one letter. */
function prose(n: number, seed: number): string {
  const words = [
    'coopération',
    'territoire',
    'emploi',
    'réemploi',
    'formation',
    'filière',
    'économie',
    'sociale',
    'solidaire',
    'marché',
    'atelier',
    'réunion',
  ];
  let s = '';
  let x = seed;
  while (s.length < n) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    s += `${words[x % words.length]} `;
  }
  return s.slice(0, n);
}

function scenarios(slugs: string[]): Scenario[] {
  const quarterRows = () => {
    const rows: (string | number)[][] = [
      ['code', 'categorie', 'libelle', 'unite', 'valeur_trimestre_precedent', 'valeur', 'non_disponible', 'raison', 'commentaire'],
    ];
    for (let i = 0; rows.length <= QUARTER_MAX_ROWS; i++)
      rows.push([INDICATORS[i % INDICATORS.length], '', 'Libellé', 'ETP', '', i % 10, '', '', prose(2000, i)]);
    return rows;
  };
  let long: (string | number)[][] | null = null;
  const longWithHeader = () => (long ??= [LONG_HEADER, ...longRows(slugs)]);
  return [
    {
      name: 'quarter-xlsx',
      label: `quarter XLSX, ${QUARTER_MAX_ROWS} rows with a 2,000-character comment each (largest accepted)`,
      kind: 'accepted',
      who: 'managers',
      parallel: 1,
      file: async () => ({ bytes: await xlsxOf(quarterRows()), filename: 'trimestre.xlsx' }),
    },
    {
      name: 'long-xlsx',
      label: `staff long-format XLSX, ${MAX_ROWS.toLocaleString('en-US')} rows (largest accepted)`,
      kind: 'accepted',
      who: 'staff',
      parallel: 1,
      file: async () => ({ bytes: await xlsxOf(longWithHeader()), filename: 'historique.xlsx' }),
    },
    {
      name: 'long-csv',
      label: `staff long-format CSV, ${MAX_ROWS.toLocaleString('en-US')} rows (largest accepted)`,
      kind: 'accepted',
      who: 'staff',
      parallel: 1,
      file: async () => ({ bytes: csvOf(longWithHeader()), filename: 'historique.csv' }),
    },
    {
      name: 'huge-cell',
      label: 'quarter XLSX of one 190 MB cell (≈ 190 KB uploaded)',
      kind: 'hostile',
      who: 'managers',
      parallel: 1,
      file: async () => ({
        bytes: workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', { shared: oneHugeString(190 * 2 ** 20) }),
        filename: 'bombe.xlsx',
      }),
    },
    {
      name: 'huge-cell-x4',
      label: 'the same, four managers at once',
      kind: 'hostile',
      who: 'managers',
      parallel: 4,
      file: async () => ({
        bytes: workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', { shared: oneHugeString(190 * 2 ** 20) }),
        filename: 'bombe.xlsx',
      }),
    },
    {
      name: 'lying-zip',
      label: 'quarter XLSX whose zip directory lies (says 100 bytes, inflates to 190 MB)',
      kind: 'hostile',
      who: 'managers',
      parallel: 1,
      file: async () => ({
        bytes: workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', { shared: oneHugeString(190 * 2 ** 20), sharedDeclaredSize: 100 }),
        filename: 'bombe.xlsx',
      }),
    },
    {
      name: 'long-cells',
      label: `quarter XLSX, ${QUARTER_MAX_ROWS} rows of cells just over ${MAX_CELL.toLocaleString('en-US')} characters`,
      kind: 'hostile',
      who: 'managers',
      parallel: 1,
      file: async () => ({
        bytes: await xlsxOf([
          ['code', 'valeur', 'commentaire'],
          ...Array.from({ length: QUARTER_MAX_ROWS }, (_, i) => ['EMP_CREES', 1, prose(MAX_CELL + 1, i)]),
        ]),
        filename: 'long.xlsx',
      }),
    },
    {
      name: 'quarter-csv-150k',
      label: 'quarter CSV of 150,000 rows',
      kind: 'hostile',
      who: 'managers',
      parallel: 1,
      file: async () => ({ bytes: Buffer.from(`code;valeur\r\n${'EMP_CREES;1\r\n'.repeat(150_000)}`), filename: 'gros.csv' }),
    },
    {
      name: 'long-csv-150k-duplicates',
      label: 'staff long-format CSV of 150,000 duplicated rows (150,000 problems)',
      kind: 'hostile',
      who: 'staff',
      parallel: 1,
      file: async () => ({
        bytes: Buffer.from(`pole;indicateur;categorie;annee;trimestre;valeur\r\n${`${slugs[0]};EMP_CREES;;2026;1;1\r\n`.repeat(150_000)}`),
        filename: 'doublons.csv',
      }),
    },
  ];
}

/** The server side, in a fresh process: the app on 127.0.0.1, its RSS sampled every 20 ms, over IPC. */
async function serveAndSample(work: string): Promise<void> {
  const s = openServices(work);
  const app = createApp(s);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  let baseline = 0;
  let peakRss = 0;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  process.on('message', async (msg: string) => {
    if (msg === 'start') {
      // Each phase starts from a collected heap when the process allows it.
      (globalThis as { gc?: () => void }).gc?.();
      baseline = peakRss = process.memoryUsage().rss;
      process.send!({ started: true });
    } else if (msg === 'peak') {
      process.send!({ baseline, peakRss });
    } else if (msg === 'stop') {
      clearInterval(timer);
      await new Promise((resolve) => server.close(resolve));
      await closeServices(s);
      process.disconnect();
    }
  });
  process.send!({ port: (server.address() as AddressInfo).port });
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : 0;
};

async function upload(
  base: string,
  cookie: string,
  pathname: string,
  file: { bytes: Buffer; filename: string },
  fields: Record<string, string>,
): Promise<number> {
  const page = await fetch(`${base}/profil`, { headers: { cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!token) throw new Error('no CSRF token on /profil');
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('fichier', new Blob([new Uint8Array(file.bytes)]), file.filename);
  const res = await fetch(`${base}${pathname}?_csrf=${encodeURIComponent(token)}`, {
    method: 'POST',
    body: form,
    headers: { cookie },
    redirect: 'manual',
  });
  await res.arrayBuffer();
  return res.status;
}

/** The app in a fresh child process (so that each upload's peak memory is its own). */
async function startServer(work: string) {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', work], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Record<string, number>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`uploads server exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as Record<string, number>);
      });
    });
  const { port } = await next();
  return {
    base: `http://127.0.0.1:${port}`,
    next,
    send: (m: string) => child.send(m),
    async stop() {
      if (child.exitCode !== null) return;
      child.send('stop');
      const timer = setTimeout(() => child.kill(), 5000);
      await new Promise((resolve) => child.once('exit', resolve));
      clearTimeout(timer);
    },
  };
}

async function measure(work: string, slugs: string[], only: string[] | null): Promise<UploadResult[]> {
  const results: UploadResult[] = [];
  for (const sc of scenarios(slugs)) {
    if (only && !only.includes(sc.name)) continue;
    process.stderr.write(`uploads: ${sc.name}… `);
    const file = await sc.file();
    const server = await startServer(work);
    try {
      const { base } = server;
      const staff = await signIn(base);
      const managers: string[] = [];
      for (let i = 0; i < MANAGERS; i++) managers.push(await signIn(base, managerEmail(i), STAFF_PASSWORD));
      // Warm: templates compiled and modules loaded by a small import of each kind first, as in a running app.
      await upload(
        base,
        managers[0],
        `/mon-pole/${slugs[0]}/trimestres/2026-T3/import`,
        { bytes: Buffer.from('code;valeur\r\nTE_ACTIONS;1\r\n'), filename: 'petit.csv' },
        {},
      );
      await upload(
        base,
        staff,
        '/admin/import',
        { bytes: Buffer.from(`pole;indicateur;annee;trimestre;valeur\r\n${slugs[1]};TE_ACTIONS;2026;1;1\r\n`), filename: 'petit.csv' },
        { statut: 'brouillon' },
      );
      server.send('start');
      await server.next();
      let running = true;
      const latencies: number[] = [];
      const prober = (async () => {
        while (running) {
          const t0 = performance.now();
          await (await fetch(`${base}/healthz`)).arrayBuffer();
          latencies.push(performance.now() - t0);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const t0 = performance.now();
      const jobs = Array.from({ length: sc.parallel }, (_, i) =>
        sc.who === 'staff'
          ? upload(base, staff, '/admin/import', file, { statut: 'brouillon' })
          : upload(base, managers[i], `/mon-pole/${slugs[0]}/trimestres/2026-T3/import`, file, {}),
      );
      const statuses = await Promise.all(jobs);
      const seconds = (performance.now() - t0) / 1000;
      running = false;
      await prober;
      server.send('peak');
      const mem = await server.next();
      const r: UploadResult = {
        name: sc.name,
        label: sc.label,
        kind: sc.kind,
        bytes: file.bytes.length,
        statuses,
        seconds,
        baselineRssMb: mb(mem.baseline),
        peakRssMb: mb(mem.peakRss),
        healthz: {
          count: latencies.length,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          max: latencies.reduce((a, b) => Math.max(a, b), 0),
        },
      };
      results.push(r);
      process.stderr.write(
        `${statuses.join(',')} in ${seconds.toFixed(1)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB, /healthz p99 ${r.healthz.p99.toFixed(0)} ms\n`,
      );
    } finally {
      await server.stop();
    }
  }
  return results;
}

export function renderUploads(results: UploadResult[], measuredAt: string): string {
  const n = (x: number, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const size = (b: number) => (b >= 2 ** 20 ? `${n(mb(b), 1)} MB` : `${n(b / 1024)} KB`);
  const met = (r: UploadResult) =>
    r.peakRssMb < TARGET_RSS_MB && r.healthz.p99 < TARGET_P99_MS && r.statuses.every((s) => s < 500) ? 'met' : 'missed';
  return [
    '_Written by `npm run bench:uploads` (bench/uploads.ts). Do not edit between the markers._',
    '',
    `| file | uploaded | answers | time | RSS before | peak RSS | /healthz p50 | p99 | max | target (RSS < ${TARGET_RSS_MB} MB, p99 < ${TARGET_P99_MS} ms, no 5xx) |`,
    '|---|---:|---|---:|---:|---:|---:|---:|---:|:---:|',
    ...results.map(
      (r) =>
        `| ${r.kind === 'hostile' ? 'hostile: ' : ''}${r.label} | ${size(r.bytes)} | ${r.statuses.join(', ')} | ${n(r.seconds, 1)} s | ${n(r.baselineRssMb)} MB | **${n(r.peakRssMb)} MB** | ${n(r.healthz.p50, 1)} ms | **${n(r.healthz.p99, 1)} ms** | ${n(r.healthz.max)} ms | ${met(r)} |`,
    ),
    '',
    `Measured on ${measuredAt}, SQLite, a fresh app process per file (\`/healthz\` asked one request at a time, every 10 ms, during each upload: ${results.map((r) => r.healthz.count).reduce((a, b) => a + b, 0)} requests in all).`,
  ].join('\n');
}

async function main() {
  const serveFile = arg('serve');
  if (serveFile) return serveAndSample(serveFile);
  fs.mkdirSync(benchDirectory, { recursive: true });
  const work = path.join(benchDirectory, 'uploads.sqlite');
  process.stderr.write(`uploads: preparing ${path.relative(process.cwd(), work)} (${POLES} poles)…\n`);
  const slugs = await prepare(work);
  const only = arg('only') ? arg('only')!.split(',') : null;
  let results: UploadResult[];
  try {
    results = await measure(work, slugs, only);
  } finally {
    removeSqlite(work);
  }
  const measuredAt = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  fs.writeFileSync(path.join(benchDirectory, 'uploads.json'), `${JSON.stringify({ measuredAt, results }, null, 2)}\n`);
  const md = renderUploads(results, measuredAt);
  if (flag('no-write') || only) process.stdout.write(`${md}\n`);
  else writeBetweenMarkers(path.resolve(import.meta.dirname, '../BENCHMARKS.md'), 'uploads', md);
  const out = arg('out');
  if (out) fs.writeFileSync(out, JSON.stringify(results));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
