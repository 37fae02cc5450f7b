// Turns measured results into the markdown between the `<!-- results -->` markers of BENCHMARKS.md.
import fs from 'node:fs';
import type { GenerateSummary } from './generate.ts';
import type { LoadSummary } from './load.ts';
import type { MeasureResult } from './measure.ts';

export interface Machine {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  os: string;
  commit: string;
  dirty: string[];
}

export interface ProfileResult {
  rebuild?: {
    totalSeconds: number;
    rows: number;
    rowsPerSecond: number;
    byLevel: Record<string, number>;
    rowsWithoutValue: number;
    statements: number;
    transactions: number;
    phasesSeconds: Record<string, number>;
    phasesShare: Record<string, number>;
    sampleRows: number;
    alternativeInsertRowsPerSecond: Record<string, number>;
  };
  incremental?: {
    totalMs: number;
    sqlMs: number;
    statements: number;
    aggregatesRows: number;
    topShapes: { shape: string; count: number; ms: number }[];
    plans: Record<string, string[]>;
  };
  http?: Record<
    string,
    {
      msPerRequest: number;
      sqlMsPerRequest: number;
      statementsPerRequest: number;
      shapes: { shape: string; perRequest: number; msPerRequest: number }[];
    }
  >;
}

export interface SizeRecord {
  size: number;
  measuredAt: string;
  /** The commit measured and the files changed beside it, when the size was measured. */
  code?: { commit: string; dirty: string[] };
  generated: GenerateSummary | null;
  result: MeasureResult;
  profile: ProfileResult | null;
}

export const TARGETS = {
  rebuildRatio: 5,
  incrementalMs: 100,
  dashboardP99Ms: 25,
  dashboardShareOfTrivial: 0.1,
  sameSpeedWithin: 0.2,
  duringRebuildP99Ms: 100,
};

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const n1 = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const n2 = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (x: number) => `${x >= 0 ? '+' : ''}${Math.round(x * 100)} %`;
const mark = (ok: boolean) => (ok ? '✅ met' : '❌ **missed**');
/** A SQL shape fit for a markdown code span in a table cell. */
const sqlCell = (sql: string, max: number) => `\`${sql.replace(/`/g, '').replace(/\|/g, '\\|').slice(0, max)}…\``;
const sizeLabel = (n: number) =>
  n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);

export const clean = (l: LoadSummary) => l.errors === 0 && l.timeouts === 0 && l.non2xx === 0;
const codes = (l: LoadSummary) =>
  Object.entries(l.statusCodes)
    .map(([c, k]) => `${c}×${n0(k)}`)
    .join(', ') || '—';
const loadCell = (l: LoadSummary) => `${n0(l.rps)} req/s · p50 ${n1(l.p50)} ms · p99 ${n1(l.p99)} ms`;
const faults = (l: LoadSummary) => `${l.errors} / ${l.timeouts} / ${l.non2xx}${l.non2xx ? ` (${codes(l)})` : ''}`;

/** Every load run of a size, summed per route (errors, timeouts and non-2xx count in every run). */
function allRuns(m: MeasureResult): [string, LoadSummary][] {
  const sum = (runs: LoadSummary[]): LoadSummary => ({
    ...runs[0],
    errors: runs.reduce((a, b) => a + b.errors, 0),
    timeouts: runs.reduce((a, b) => a + b.timeouts, 0),
    non2xx: runs.reduce((a, b) => a + b.non2xx, 0),
    statusCodes: runs.reduce<Record<string, number>>((acc, r) => {
      for (const [c, k] of Object.entries(r.statusCodes)) acc[c] = (acc[c] ?? 0) + k;
      return acc;
    }, {}),
  });
  const r = m.httpRuns ?? {
    trivial: [m.http.trivial],
    trivialAnonymous: [m.http.trivialAnonymous],
    national: [m.http.national],
    regional: [m.http.regional],
    comparison: m.http.comparison ? [m.http.comparison] : undefined,
  };
  return [
    ['healthz', sum(r.trivial)],
    ['healthz anonymous', sum(r.trivialAnonymous)],
    ['national', sum(r.national)],
    ['regional', sum(r.regional)],
    // Results saved before the comparison page was measured have none.
    ...(r.comparison ? [['comparison', sum(r.comparison)] as [string, LoadSummary]] : []),
    ['during rebuild', m.duringRebuild.load],
  ];
}

/** The median run, and the others beside it when there were several. */
function loadRuns(m: MeasureResult, key: 'trivial' | 'trivialAnonymous' | 'national' | 'regional' | 'comparison'): string {
  const runs = m.httpRuns?.[key];
  const main = loadCell(m.http[key]);
  if (!runs || runs.length < 2) return main;
  return `${main} (median of ${runs.length} runs by throughput; runs: ${runs.map((l) => `${n0(l.rps)} req/s p99 ${n0(l.p99)} ms`).join(' · ')})`;
}

export interface Verdict {
  size: number;
  what: string;
  measured: string;
  target: string;
  met: boolean;
}

export function verdicts(r: SizeRecord): Verdict[] {
  const m = r.result;
  const v: Verdict[] = [];
  const add = (what: string, measured: string, target: string, met: boolean) => v.push({ size: r.size, what, measured, target, met });
  add(
    'Full rebuild vs the floor',
    `${n1(m.rebuild.ratioToFloor)}× (${n1(m.rebuild.seconds)} s vs ${n0(m.floor.medianMs)} ms)`,
    `≤ ${TARGETS.rebuildRatio}×`,
    m.rebuild.ratioToFloor <= TARGETS.rebuildRatio,
  );
  add(
    'Incremental refresh (median)',
    `${n0(m.incremental.medianMs)} ms`,
    `< ${TARGETS.incrementalMs} ms`,
    m.incremental.medianMs < TARGETS.incrementalMs && m.incremental.kinds.every((k) => k === 'incremental'),
  );
  for (const [label, l] of [
    ['National dashboard', m.http.national],
    ['Regional dashboard', m.http.regional],
    ...(m.http.comparison ? ([['Comparison page', m.http.comparison]] as const) : []),
  ] as const) {
    add(`${label} p99`, `${n1(l.p99)} ms`, `< ${TARGETS.dashboardP99Ms} ms`, l.p99 < TARGETS.dashboardP99Ms);
    add(
      `${label} throughput vs /healthz`,
      `${n0(l.rps)} vs ${n0(m.http.trivial.rps)} req/s (${n2(l.rps / m.http.trivial.rps)}×)`,
      `≥ ${TARGETS.dashboardShareOfTrivial}×`,
      l.rps >= m.http.trivial.rps * TARGETS.dashboardShareOfTrivial,
    );
  }
  add(
    'Dashboards p99 during a full rebuild',
    `${n1(m.duringRebuild.load.p99)} ms`,
    `< ${TARGETS.duringRebuildP99Ms} ms`,
    m.duringRebuild.load.p99 < TARGETS.duringRebuildP99Ms,
  );
  const runs = allRuns(m);
  add(
    'Errors / timeouts / non-2xx (all load runs)',
    runs.map(([k, l]) => `${k} ${faults(l)}`).join(' · '),
    '0 / 0 / 0',
    runs.every(([, l]) => clean(l)),
  );
  return v;
}

function sizeTable(r: SizeRecord): string {
  const m = r.result;
  const g = r.generated;
  const v = new Map(verdicts(r).map((x) => [x.what, x]));
  const at1M = r.size >= 1_000_000 ? '' : ' (target set for 1M)';
  const row = (measure: string, value: string, target = '—', key?: string) =>
    `| ${measure} | ${value} | ${target}${key && v.has(key) ? ` ${mark(v.get(key)!.met)}${at1M}` : ''} |`;
  const lines = [
    `### ${sizeLabel(r.size)} values — ${n0(m.counts.values)} values, ${n0(m.counts.poles)} poles, ${n0(m.counts.reports)} quarter reports`,
    '',
    `Measured ${r.measuredAt}${
      r.code
        ? ` on commit \`${r.code.commit.slice(0, 12)}\`${
            r.code.dirty.length
              ? ` + uncommitted changes in ${r.code.dirty.length} file(s): ${r.code.dirty
                  .slice(0, 6)
                  .map((f) => `\`${f}\``)
                  .join(', ')}${r.code.dirty.length > 6 ? ', …' : ''}`
              : ''
          }`
        : ''
    }; ${g ? `generated in ${n1(g.seconds)} s (generator peak RSS ${n0(g.maxRssMb)} MB)` : 'data file reused (`--reuse`)'}; machine load average (1 min) at the start of each phase: ${Object.entries(
      m.loadAverage,
    )
      .map(([k, x]) => `${k} ${n1(x)}`)
      .join(', ')}.`,
    '',
    '| measure | result | target |',
    '|---|---|---|',
    row(
      'Floor: one `GROUP BY` over every value (median of 3)',
      `${n0(m.floor.medianMs)} ms (runs ${m.floor.runsMs.map(n0).join(' / ')} ms; ${n0(m.floor.rows)} rows)`,
    ),
    row(
      'Full rebuild `s.refresh.rebuild()`',
      `${n1(m.rebuild.seconds)} s · ${n0(m.rebuild.rows)} rows written · ${n0(m.rebuild.rowsPerSecond)} rows/s`,
    ),
    row('Full rebuild / floor', `${n1(m.rebuild.ratioToFloor)}×`, `≤ ${TARGETS.rebuildRatio}×`, 'Full rebuild vs the floor'),
    row(
      `Incremental refresh after one pole submits one quarter (median of ${m.incremental.runsMs.length}, one pole each)`,
      `${n0(m.incremental.medianMs)} ms (runs ${m.incremental.runsMs.map(n0).join(' / ')} ms; ${m.incremental.rows[0] ?? 0} rows rewritten each; kind ${[...new Set(m.incremental.kinds)].join(', ')})`,
      `< ${TARGETS.incrementalMs} ms`,
      'Incremental refresh (median)',
    ),
    row('Submission itself (prepare + applyAll, median)', `${n0(median(m.incremental.submitMs))} ms`),
    row('`/healthz`, signed in (trivial route)', loadRuns(m, 'trivial')),
    row('`/healthz`, anonymous (no session, for reference)', loadRuns(m, 'trivialAnonymous')),
    row('`/tableau-de-bord` (national), p99', loadRuns(m, 'national'), `p99 < ${TARGETS.dashboardP99Ms} ms`, 'National dashboard p99'),
    row(
      '`/tableau-de-bord` throughput / trivial',
      `${n2(m.http.national.rps / m.http.trivial.rps)}×`,
      `≥ ${TARGETS.dashboardShareOfTrivial}×`,
      'National dashboard throughput vs /healthz',
    ),
    row('`/regions/84` (regional), p99', loadRuns(m, 'regional'), `p99 < ${TARGETS.dashboardP99Ms} ms`, 'Regional dashboard p99'),
    ...(m.http.comparison
      ? [
          row(
            '`/comparer` (two regions and France per 10 000 inhabitants), p99',
            loadRuns(m, 'comparison'),
            `p99 < ${TARGETS.dashboardP99Ms} ms`,
            'Comparison page p99',
          ),
        ]
      : []),
    row(
      '`/regions/84` throughput / trivial',
      `${n2(m.http.regional.rps / m.http.trivial.rps)}×`,
      `≥ ${TARGETS.dashboardShareOfTrivial}×`,
      'Regional dashboard throughput vs /healthz',
    ),
    row(
      'Both dashboards while a full rebuild runs in the same process',
      `${loadCell(m.duringRebuild.load)} · max ${n0(m.duringRebuild.load.max)} ms (rebuild took ${n1(m.duringRebuild.rebuildSeconds)} s under load, ${n0(m.duringRebuild.load.requests)} requests)`,
      `p99 < ${TARGETS.duringRebuildP99Ms} ms`,
      'Dashboards p99 during a full rebuild',
    ),
    row(
      'Errors / timeouts / non-2xx, every load run',
      allRuns(m)
        .map(([k, l]) => `${k} ${faults(l)}`)
        .join(' · '),
      '0 / 0 / 0',
      'Errors / timeouts / non-2xx (all load runs)',
    ),
    row(
      'Peak RSS of the measuring process (sampled every 100 ms / `maxRSS`)',
      `${n0(m.memory.peakRssMb)} MB / ${n0(m.memory.maxRssMb)} MB (during the first rebuild: ${n0(m.rebuild.peakRssMb)} MB; peak heap ${n0(m.memory.peakHeapUsedMb)} MB)`,
    ),
  ];
  return lines.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return 0;
  const k = Math.floor(s.length / 2);
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

function comparison(small: SizeRecord, big: SizeRecord): { text: string; verdicts: Verdict[] } {
  const out: Verdict[] = [];
  const lines = [
    `### Dashboard speed, ${sizeLabel(small.size)} vs ${sizeLabel(big.size)} values`,
    '',
    `| route | ${sizeLabel(small.size)} | ${sizeLabel(big.size)} | throughput change | p50 change | p99 change | target: same speed within ${Math.round(TARGETS.sameSpeedWithin * 100)} % |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const [label, key] of [
    ['`/tableau-de-bord`', 'national'],
    ['`/regions/84`', 'regional'],
    ['`/comparer`', 'comparison'],
  ] as const) {
    const a = small.result.http[key];
    const b = big.result.http[key];
    if (!a || !b) continue;
    const change = b.rps / a.rps - 1;
    const met = Math.abs(change) <= TARGETS.sameSpeedWithin;
    out.push({
      size: big.size,
      what: `${label} throughput ${sizeLabel(small.size)} → ${sizeLabel(big.size)}`,
      measured: `${n0(a.rps)} → ${n0(b.rps)} req/s (${pct(change)})`,
      target: `within ±${Math.round(TARGETS.sameSpeedWithin * 100)} %`,
      met,
    });
    lines.push(
      `| ${label} | ${loadCell(a)} | ${loadCell(b)} | ${pct(change)} | ${pct(b.p50 / a.p50 - 1)} | ${pct(b.p99 / a.p99 - 1)} | ${mark(met)} |`,
    );
  }
  return { text: lines.join('\n'), verdicts: out };
}

function profileSection(r: SizeRecord): string {
  const p = r.profile;
  if (!p) return '';
  const lines = [`### Where the time goes, ${sizeLabel(r.size)} values (\`bench/profile.ts\`)`, ''];
  if (p.rebuild) {
    const b = p.rebuild;
    lines.push(
      `Instrumented copy of the rebuild loop: ${n1(b.totalSeconds)} s for ${n0(b.rows)} rows (${n0(b.rowsPerSecond)} rows/s). Rows by level: ${Object.entries(
        b.byLevel,
      )
        .map(([k, x]) => `${k} ${n0(x)}`)
        .join(
          ', ',
        )}; ${n0(b.rowsWithoutValue)} of them (${Math.round((b.rowsWithoutValue / b.rows) * 100)} %) carry no value. About ${n0(b.statements)} INSERT statements in ${n0(b.transactions)} transactions.`,
      '',
      '| phase | seconds | share |',
      '|---|---|---|',
      ...Object.entries(b.phasesSeconds).map(([k, x]) => `| ${PHASES[k] ?? k} | ${n1(x)} | ${Math.round(b.phasesShare[k] * 100)} % |`),
      '',
      `The same ${n0(b.sampleRows)} rows inserted other ways, in one transaction:`,
      '',
      '| insertion | rows/s |',
      '|---|---|',
      ...Object.entries(b.alternativeInsertRowsPerSecond).map(([k, x]) => `| ${k} | ${n0(x)} |`),
      '',
    );
  }
  if (p.incremental) {
    const i = p.incremental;
    lines.push(
      `Incremental refresh after one submission: ${n0(i.totalMs)} ms, of which ${n0(i.sqlMs)} ms in ${n0(i.statements)} SQL statements (aggregates table: ${n0(i.aggregatesRows)} rows).`,
      '',
      '| statement shape | count | ms |',
      '|---|---|---|',
      ...i.topShapes.slice(0, 5).map((s) => `| ${sqlCell(s.shape, 150)} | ${s.count} | ${n0(s.ms)} |`),
      '',
      `SQLite's plan for the slowest: ${(Object.values(i.plans)[0] ?? []).map((x) => `\`${x.replace(/`/g, '')}\``).join('; ')}.`,
      '',
    );
  }
  if (p.http) {
    lines.push(
      'One request at a time (no concurrency), after a warm-up:',
      '',
      '| request | ms per request | of which SQL | SQL statements | heaviest statements (per request) |',
      '|---|---|---|---|---|',
      ...Object.entries(p.http).map(
        ([k, x]) =>
          `| ${k} | ${n1(x.msPerRequest)} | ${n1(x.sqlMsPerRequest)} | ${n1(x.statementsPerRequest)} | ${
            x.shapes
              .slice(0, 3)
              .map(
                (sh) =>
                  `${sqlCell(sh.shape, 70)} ×${n1(sh.perRequest)}${sh.msPerRequest === undefined ? '' : `, ${n1(sh.msPerRequest)} ms`}`,
              )
              .join('<br>') || '—'
          } |`,
      ),
      '',
    );
  }
  return lines.join('\n');
}

const PHASES: Record<string, string> = {
  read: 'reading observations (`repo.observed`: SQL + maps)',
  compute: 'engine (`computeCells` + nation rows)',
  insert: '`repo.insertRows`: building bindings + SQLite executing the 2 000-row INSERTs',
  commit: 'commits (WAL, `synchronous=FULL`)',
  bindings: '…of which building the bindings in JS (timed apart, on a copy)',
};

export function renderResults(machine: Machine, records: SizeRecord[]): string {
  const sorted = [...records].sort((a, b) => a.size - b.size);
  const parts = [
    `_Written by \`npm run bench\` on ${machine.date}. Do not edit between the markers: the next run replaces it._`,
    '',
    '### Machine',
    '',
    `- ${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}, ${n1(machine.memoryGb)} GB RAM, ${machine.os}`,
    `- Node ${machine.node}; SQLite through node-sqlite3 and knex (one connection for the pages, one for the jobs, as \`server/main.ts\` opens them; WAL, \`synchronous=FULL\`)`,
    `- Code: commit \`${machine.commit.slice(0, 12)}\`${
      machine.dirty.length
        ? ` plus uncommitted changes (outside the bench) in ${machine.dirty.length} file(s) (${machine.dirty
            .slice(0, 8)
            .map((f) => `\`${f}\``)
            .join(', ')}${machine.dirty.length > 8 ? ', …' : ''})`
        : ''
    }`,
    "- The 2 cores are shared with other work (other sessions' tests and servers): the load averages below say how busy the machine was.",
    '',
  ];
  const all: Verdict[] = [];
  for (const r of sorted) {
    parts.push(sizeTable(r), '');
    all.push(...verdicts(r));
  }
  if (sorted.length >= 2) {
    const c = comparison(sorted[0], sorted[sorted.length - 1]);
    parts.push(c.text, '');
    all.push(...c.verdicts);
  }
  const biggest = sorted[sorted.length - 1]?.size ?? 0;
  const missed = all.filter((v) => !v.met && (v.size === biggest || biggest < 1_000_000));
  parts.push(`### Targets missed (at ${sizeLabel(biggest)} values)`, '');
  if (!missed.length) parts.push('None.', '');
  else
    parts.push(
      '| what | measured | target |',
      '|---|---|---|',
      ...missed.map((v) => `| ${v.what} | ${v.measured} | ${v.target} |`),
      '',
      'The reasons, and what would fix each, are in the hand-written section below.',
      '',
    );
  for (const r of sorted) {
    const p = profileSection(r);
    if (p) parts.push(p);
  }
  return parts
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export const START = '<!-- results -->';
export const END = '<!-- /results -->';

/** Replaces what is between the markers, keeping the hand-written text around them. */
export function writeBenchmarks(file: string, results: string): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  const next =
    a === -1 || b === -1 || b < a
      ? `${text.trimEnd()}\n\n${START}\n${results}\n${END}\n`
      : `${text.slice(0, a + START.length)}\n${results}\n${text.slice(b)}`;
  fs.writeFileSync(file, next);
}
