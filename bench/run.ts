// `npm run bench`: generates (or reuses) each data set, measures it in a process of its own, and writes
// the results between the markers of BENCHMARKS.md.
//
//   npm run bench                                  # 100k then 1M values, fresh data files
//   npm run bench -- --sizes 100000 --reuse        # one size, reusing tmp/bench/bench-100000.sqlite
//   npm run bench -- --profile                     # also profile the rebuild and the incremental refresh
//   (each size also runs export-raw.ts: the raw values export's peak memory, its own table in BENCHMARKS.md)
//   npm run bench -- --report-only                 # rewrite BENCHMARKS.md from the last saved results
//   options: --seconds 10 (each load run) · --repeats 3 (load runs per route) · --incremental-runs 3 ·
//            --no-write (leave BENCHMARKS.md alone)
//   npm run bench -- --only uploads                # only the uploads' memory and /healthz latency (uploads.ts)
//   then the SQLite / PostgreSQL comparison (compare.ts, at the first size; --pg <url> or BENCH_DATABASE_URL
//   names the PostgreSQL server; --no-compare skips it, --compare-only runs it alone)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GenerateSummary } from './generate.ts';
import type { MeasureResult } from './measure.ts';
import type { ExportRawResult } from './export-raw.ts';
import { renderResults, writeBenchmarks, type Machine, type ProfileResult, type SizeRecord } from './report.ts';
import { arg, benchDirectory, benchFile, flag } from './common.ts';

const root = path.resolve(import.meta.dirname, '..');
const here = import.meta.dirname;

/**
 * Runs a TypeScript script of this folder in a child process (its stderr, the progress, is shown) and
 * reads the JSON result it writes to `--out` (stdout may carry the app's logs).
 */
function runScript<T>(script: string, args: string[]): Promise<T> {
  const out = path.join(benchDirectory, `.${path.basename(script, '.ts')}-${process.pid}.json`);
  fs.rmSync(out, { force: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, script), ...args, '--out', out], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
        if (!fs.existsSync(out)) return reject(new Error(`${script}: no result written to ${out}`));
        resolve(JSON.parse(fs.readFileSync(out, 'utf8')) as T);
      } finally {
        fs.rmSync(out, { force: true });
      }
    });
  });
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trimEnd();
  } catch {
    return '';
  }
}

/** The commit under measure and the files changed beside it (read-only git commands). */
function codeState(): { commit: string; dirty: string[] } {
  return {
    commit: git(['rev-parse', 'HEAD']).trim() || 'unknown',
    dirty: git(['status', '--porcelain'])
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3))
      // The bench's own files are not the code under measure.
      .filter((f) => !/^(test\/bench\/|test\/unit\/bench-|BENCHMARKS\.md$|package(-lock)?\.json$|tmp\/)/.test(f)),
  };
}

function machine(): Machine {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // os.availableParallelism() then
  }
  return {
    date: new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC'),
    cpus: nproc,
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    memoryGb: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    ...codeState(),
  };
}

const resultFile = (size: number) => path.join(benchDirectory, `result-${size}.json`);

async function main() {
  const sizes = (arg('sizes') || '100000,1000000').split(',').map((x) => Number(x.trim()));
  if (sizes.some((x) => !Number.isInteger(x) || x < 1 || x > 20_000_000))
    throw new Error('--sizes: comma-separated integers, e.g. 100000,1000000');
  const seconds = Number(arg('seconds') || '10');
  if (!(seconds >= 1 && seconds <= 120)) throw new Error('--seconds: between 1 and 120');
  fs.mkdirSync(benchDirectory, { recursive: true });
  if (flag('compare-only')) return compare(sizes[0], seconds);
  if (arg('only') === 'uploads') {
    await runScript('uploads.ts', flag('no-write') ? ['--no-write'] : []);
    return;
  }
  const records: SizeRecord[] = [];
  for (const size of sizes) {
    if (flag('report-only')) {
      if (!fs.existsSync(resultFile(size))) throw new Error(`no saved result for ${size} values (${resultFile(size)})`);
      records.push(JSON.parse(fs.readFileSync(resultFile(size), 'utf8')) as SizeRecord);
      continue;
    }
    const file = benchFile(size);
    let generated: GenerateSummary | null = null;
    if (flag('reuse') && fs.existsSync(file)) {
      process.stderr.write(`\n== ${size} values: reusing ${path.relative(root, file)}\n`);
    } else {
      process.stderr.write(`\n== ${size} values: generating ${path.relative(root, file)}\n`);
      generated = await runScript<GenerateSummary>('generate.ts', ['--values', String(size), '--file', file]);
      process.stderr.write(`generated ${generated.values} values for ${generated.poles} poles in ${generated.seconds.toFixed(1)} s\n`);
    }
    const measuredAt = new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC');
    const code = codeState();
    const result = await runScript<MeasureResult>('measure.ts', [
      '--file',
      file,
      '--seconds',
      String(seconds),
      '--incremental-runs',
      arg('incremental-runs') || '3',
      '--repeats',
      arg('repeats') || '3',
    ]);
    let profile: ProfileResult | null = null;
    if (flag('profile')) {
      process.stderr.write('profiling the rebuild and the incremental refresh…\n');
      profile = await runScript<ProfileResult>('profile.ts', ['--file', file, '--incremental', '--http']);
    }
    // The raw values export's memory (writes its own table between the export-raw markers).
    process.stderr.write('raw values export…\n');
    await runScript<ExportRawResult>('export-raw.ts', flag('no-write') ? ['--file', file, '--no-write'] : ['--file', file]);
    const record: SizeRecord = { size, measuredAt, code, generated, result, profile };
    fs.writeFileSync(resultFile(size), `${JSON.stringify(record, null, 2)}\n`);
    records.push(record);
  }
  const md = renderResults(machine(), records);
  if (flag('no-write')) process.stdout.write(`${md}\n`);
  else {
    writeBenchmarks(path.join(root, 'BENCHMARKS.md'), md);
    process.stderr.write(`\nBENCHMARKS.md written (${records.map((r) => r.size).join(', ')} values).\n`);
  }
  if (!flag('no-compare') && !flag('report-only')) await compare(sizes[0], seconds);
}

/** The SQLite / PostgreSQL comparison, in a process of its own (it writes its own part of BENCHMARKS.md). */
function compare(size: number, seconds: number): Promise<void> {
  const args = ['--values', String(Math.min(size, 1_000_000)), '--seconds', String(seconds)];
  if (arg('pg')) args.push('--pg', arg('pg')!);
  if (flag('no-write')) args.push('--no-write');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'compare.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`compare.ts exited with ${code}`))));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
