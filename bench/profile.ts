// Where the time goes, for the lead who owns server/aggregates (nothing here changes that code):
//
//   node --import tsx bench/profile.ts --file tmp/bench/bench-100000.sqlite --rebuild --incremental --http
//
// --rebuild      a copy of RefreshService.rebuild's loop with a timer on each phase (reads, engine,
//                row mapping, knex's SQL building, SQLite's execution), written into a new generation
//                exactly as the real one; then the same rows inserted other ways, for comparison.
// --incremental  one pole submits its draft quarter, then the real incremental refresh with every SQL
//                statement timed and grouped by shape, and SQLite's plan for the slowest shapes.
// --http         time and SQL statements per request (one at a time) of /healthz and the two dashboards.
// Works on a copy of the file; writes a JSON report to --out (or stdout) and a readable one on stderr.
// The rebuild loop below copies RefreshService.rebuild as of commit 1ba4a87: keep it in step when that changes.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Knex } from 'knex';
import { BASES, type Base } from '../server/aggregates/aggregates.repo.ts';
import { computeCells, type CellRow } from '../server/aggregates/engine.ts';
import { GRAINS, periodEnds } from '../server/aggregates/periods.ts';
import { createApp } from '../server/app.ts';
import { writeTimestamp } from '../server/db/dialect.ts';
import { fromIndex, lastClosedQuarter, quarterIndex } from '../server/lib/quarters.ts';
import { archiveIndex, nationRows, observedFor, sourceIds } from '../server/aggregates/refresh.service.ts';
import { arg, closeServices, flag, openServices, removeSqlite } from './common.ts';
import { PATHS, STAFF_EMAIL, STAFF_PASSWORD } from './measure.ts';

const ms = (t0: number) => performance.now() - t0;
const log = (m: string) => process.stderr.write(`${m}\n`);
// The rebuild's own helpers, so this profile runs the same loop as refresh.service.ts.

const COLUMNS = [
  'generation',
  'base',
  'indicator_id',
  'grain',
  'level',
  'year',
  'quarter',
  'area',
  'category',
  'value_scaled',
  'num_scaled',
  'den_scaled',
  'reported',
  'expected',
  'distribution',
  'computed_at',
];
function toTuple(generation: number, base: Base, r: CellRow, computedAt: string): unknown[] {
  const q = fromIndex(r.endIndex);
  return [
    generation,
    base,
    r.indicatorId,
    r.grain,
    r.level,
    q.year,
    q.quarter,
    r.area,
    r.category,
    r.cell.value,
    r.cell.num,
    r.cell.den,
    r.cell.reported,
    r.cell.expected,
    r.cell.distribution ? JSON.stringify(r.cell.distribution) : null,
    computedAt,
  ];
}

/**
 * RefreshService.rebuild's loop, phase by phase, on the jobs' connection. The inserts go through the
 * real AggregatesRepo.insertRows; the JS share of it (building the bindings) is timed apart on a copy.
 */
async function profileRebuild(s: ReturnType<typeof openServices>) {
  const db = (s as { jobsDb?: Knex }).jobsDb ?? s.db;
  const phases = { read: 0, compute: 0, insert: 0, commit: 0 };
  let bindingsMs = 0;
  const started = performance.now();
  const now = s.clock.now();
  const last = lastClosedQuarter(now);
  const lastIndex = quarterIndex(last);
  const state = await s.repos.aggregates.state(db);
  const generation = state.generation + 1;
  const poles = await s.repos.aggregates.poles(db, lastIndex, archiveIndex);
  const indicators = (await s.repos.aggregates.indicators(db)).filter((i) => i.kind !== 'ratio' || (i.numerator && i.denominator));
  const computedAt = writeTimestamp(now);
  const firstIndex = Math.min(...poles.map((p) => p.firstIndex));
  let rows = 0;
  let transactions = 0;
  const byLevel = { pole: 0, region: 0, nation: 0 };
  let nullValueRows = 0;
  const sample: unknown[][] = [];
  for (const base of BASES) {
    for (const ind of indicators) {
      let t0 = performance.now();
      const observed = observedFor(ind, await s.repos.aggregates.observed(db, base, sourceIds(ind)));
      phases.read += ms(t0);
      for (const grain of GRAINS) {
        t0 = performance.now();
        const batch: CellRow[] = [];
        computeCells(ind, observed, poles, { [grain]: periodEnds(grain, firstIndex, lastIndex) }, (r) => batch.push(r));
        batch.push(
          ...nationRows(
            ind,
            batch.filter((r) => r.level === 'region'),
          ),
        );
        phases.compute += ms(t0);
        for (const r of batch) {
          byLevel[r.level]++;
          if (r.cell.value === null) nullValueRows++;
        }
        t0 = performance.now();
        const tuples = batch.map((r) => toTuple(generation, base, r, computedAt));
        bindingsMs += ms(t0);
        for (let i = 0; i < tuples.length && sample.length < 200_000; i++) sample.push(tuples[i]);
        for (let i = 0; i < batch.length; i += 5000) {
          t0 = performance.now();
          const trx = await db.transaction();
          transactions++;
          await s.repos.aggregates.insertRows(trx, generation, base, batch.slice(i, i + 5000), computedAt);
          phases.insert += ms(t0);
          t0 = performance.now();
          await trx.commit();
          phases.commit += ms(t0);
        }
        rows += batch.length;
      }
    }
  }
  const totalMs = ms(started) - bindingsMs;
  // The switch, as the real rebuild does it, so the copy stays consistent for the incremental profile.
  await db.transaction(async (trx) => {
    await s.repos.aggregates.setState(trx, {
      generation,
      last_closed_year: last.year,
      last_closed_quarter: last.quarter,
      rebuilt_at: computedAt,
      refreshed_at: computedAt,
    });
  });

  // The same rows written other ways, into scratch tables, in one transaction: rows per second.
  const alt: Record<string, number> = {};
  const ddl = ((await db('sqlite_master').where({ type: 'table', name: 'aggregates' }).first()) as { sql: string }).sql;
  const rate = async (label: string, table: string, tuples: unknown[][]) => {
    await db.raw(`delete from ${table}`);
    const t0 = performance.now();
    await db.transaction(async (trx) => {
      const tuple = `(${COLUMNS.map(() => '?').join(',')})`;
      for (let i = 0; i < tuples.length; i += 2000) {
        const slice = tuples.slice(i, i + 2000);
        await trx.raw(
          `insert into ${table} (${COLUMNS.join(',')}) values ${slice.map(() => tuple).join(',')}`,
          slice.flat() as Knex.RawBinding[],
        );
      }
    });
    alt[label] = tuples.length / (ms(t0) / 1000);
  };
  await db.raw(ddl.replace(/create table [`"]?aggregates[`"]?/i, 'create table bench_agg_same'));
  await db.raw('create table bench_agg_bare as select * from aggregates where 0');
  await rate(
    'same table (WITHOUT ROWID, primary key ordered for readers), rows in the order the engine emits them (as today)',
    'bench_agg_same',
    sample,
  );
  const pkOrder = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const sorted = [...sample].sort((x, y) => {
    for (const k of pkOrder) {
      const a = x[k] as string | number;
      const b = y[k] as string | number;
      if (a !== b) return a < b ? -1 : 1;
    }
    return 0;
  });
  await rate('same table, rows sorted by primary key before inserting', 'bench_agg_same', sorted);
  await rate("plain rowid table without any index (SQLite's floor for these rows)", 'bench_agg_bare', sample);
  // Pole × quarter rows of one base computed by SQLite itself (INSERT … SELECT), as STACK.md suggests.
  await db.raw('delete from bench_agg_same');
  const t0 = performance.now();
  await db.raw(
    `insert into bench_agg_same (${COLUMNS.join(',')})
     select 999, 'validated', v.indicator_id, 'quarter', 'pole', v.year, v.quarter, cast(v.pole_id as text), v.category, v.value_scaled, null, null,
            case when v.not_available then 0 else 1 end, 1, null, ?
     from quarter_values v join quarter_reports r on r.pole_id = v.pole_id and r.year = v.year and r.quarter = v.quarter
     where r.status = 'validated'`,
    [computedAt],
  );
  const sqlRows = Number((await db('bench_agg_same').count({ n: '*' }).first())?.n ?? 0);
  alt[`INSERT … SELECT in SQL: the ${sqlRows.toLocaleString('en-US')} pole × quarter rows of one base, straight from quarter_values`] =
    sqlRows / (ms(t0) / 1000);
  await db.raw('drop table bench_agg_same');
  await db.raw('drop table bench_agg_bare');

  return {
    totalSeconds: totalMs / 1000,
    rows,
    rowsPerSecond: rows / (totalMs / 1000),
    byLevel,
    rowsWithoutValue: nullValueRows,
    statements: Math.ceil(rows / 2000),
    transactions,
    phasesSeconds: { ...Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v / 1000])), bindings: bindingsMs / 1000 },
    phasesShare: { ...Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v / totalMs])), bindings: bindingsMs / totalMs },
    sampleRows: sample.length,
    alternativeInsertRowsPerSecond: alt,
  };
}

/** Times every SQL statement between start() and stop(), grouped by shape (literals and lists folded). */
function queryTimer(db: Knex) {
  const pending = new Map<string, { sql: string; t0: number; bindings: unknown[] }>();
  const shapes = new Map<string, { n: number; ms: number; example: { sql: string; bindings: unknown[] } }>();
  let on = false;
  const shape = (sql: string) =>
    sql
      .replace(/\(\?(, ?\?)*\)/g, '(?…)')
      .replace(/\s+/g, ' ')
      .slice(0, 220);
  db.on('query', (q: { __knexQueryUid: string; sql: string; bindings?: unknown[] }) => {
    if (on) pending.set(q.__knexQueryUid, { sql: q.sql, t0: performance.now(), bindings: q.bindings ?? [] });
  });
  db.on('query-response', (_r: unknown, q: { __knexQueryUid: string }) => {
    const p = pending.get(q.__knexQueryUid);
    if (!p) return;
    pending.delete(q.__knexQueryUid);
    const k = shape(p.sql);
    const e = shapes.get(k) ?? { n: 0, ms: 0, example: { sql: p.sql, bindings: p.bindings } };
    e.n++;
    e.ms += ms(p.t0);
    shapes.set(k, e);
  });
  return {
    start: () => ((on = true), shapes.clear()),
    stop: () => (
      (on = false),
      [...shapes.entries()].map(([k, v]) => ({ shape: k, count: v.n, ms: v.ms, example: v.example })).sort((a, b) => b.ms - a.ms)
    ),
  };
}

async function profileIncremental(db: Knex, s: ReturnType<typeof openServices>) {
  const { field } = await import('../server/reporting/entry-rules.ts');
  const staff = await s.users.createUser(
    { email: STAFF_EMAIL, displayName: 'Banc', role: 'staff', poleIds: [], regionCodes: [], password: STAFF_PASSWORD },
    { userId: null },
  );
  const last = lastClosedQuarter(s.clock.now());
  const draft = (await db('quarter_reports')
    .where({ status: 'draft', year: last.year, quarter: last.quarter })
    .orderBy('pole_id')
    .first()) as { pole_id: number };
  const pole = (await s.repos.poles.findById(db, draft.pole_id))!;
  const body: Record<string, string> = await s.reporting.storedAsBody(pole, last);
  const { ctx } = await s.reporting.context(pole, last);
  for (const ind of ctx.indicators) {
    body[field.comment(ind.code)] = 'Profil';
    if (ind.kind !== 'flow') body[field.confirm(ind.code)] = '1';
  }
  const total = Number(body[field.value('MEMBRES')] ?? '0');
  body[field.value('MEMBRES', 'ess')] = String(total);
  for (const c of ['non_ess', 'collectivite', 'recherche', 'formation', 'autre']) body[field.value('MEMBRES', c)] = '0';
  const prepared = await s.reporting.prepare(pole, last, body, { submit: true, checkVersion: false });
  if (prepared.kind !== 'ready') throw new Error(JSON.stringify(prepared).slice(0, 400));
  await s.reporting.applyAll([prepared.plan], { userId: staff.id });
  const timer = queryTimer(db);
  timer.start();
  const t0 = performance.now();
  const result = await s.refresh.incremental();
  const totalMs = ms(t0);
  const shapes = timer.stop();
  const sqlMs = shapes.reduce((a, b) => a + b.ms, 0);
  const plans: Record<string, string[]> = {};
  for (const sh of shapes.slice(0, 3)) {
    const rows = (await db.raw(`explain query plan ${sh.example.sql}`, sh.example.bindings as Knex.RawBinding[])) as { detail: string }[];
    plans[sh.shape] = rows.map((r) => r.detail);
  }
  return {
    result,
    totalMs,
    sqlMs,
    statements: shapes.reduce((a, b) => a + b.count, 0),
    aggregatesRows: Number((await db('aggregates').count({ n: '*' }).first())?.n ?? 0),
    topShapes: shapes.slice(0, 8).map(({ shape, count, ms: t }) => ({ shape, count, ms: Math.round(t) })),
    plans,
  };
}

async function profileHttp(s: ReturnType<typeof openServices>) {
  const app = createApp(s);
  await app.ready;
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
  });
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (!(await s.repos.users.count(s.db))) {
      await s.users.createUser(
        { email: STAFF_EMAIL, displayName: 'Banc', role: 'staff', poleIds: [], regionCodes: [], password: STAFF_PASSWORD },
        { userId: null },
      );
    }
    const page = await fetch(`${base}/connexion`);
    const first = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const res = await fetch(`${base}/connexion`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: first },
      body: new URLSearchParams({ _csrf: token, email: STAFF_EMAIL, password: STAFF_PASSWORD }).toString(),
    });
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const timer = queryTimer(s.db);
    const out: Record<string, unknown> = {};
    const routes: [string, string, Record<string, string>][] = [
      ['GET /healthz signed in', PATHS.trivial, { cookie }],
      ['GET /healthz anonymous', PATHS.trivial, {}],
      ['GET /tableau-de-bord', PATHS.national, { cookie }],
      ['GET /regions/84', PATHS.regional, { cookie }],
    ];
    for (const [label, route, headers] of routes) {
      await (await fetch(base + route, { headers })).text(); // warm-up
      timer.start();
      const n = 20;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const r = await fetch(base + route, { headers });
        await r.text();
        if (r.status !== 200) throw new Error(`${route} answered ${r.status}`);
      }
      const wall = ms(t0) / n;
      const shapes = timer.stop();
      out[label] = {
        requests: n,
        msPerRequest: wall,
        sqlMsPerRequest: shapes.reduce((a, b) => a + b.ms, 0) / n,
        statementsPerRequest: shapes.reduce((a, b) => a + b.count, 0) / n,
        shapes: shapes.slice(0, 8).map((x) => ({ shape: x.shape, perRequest: x.count / n, msPerRequest: x.ms / n })),
      };
    }
    return out;
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

async function main() {
  // Only an existing .sqlite file: its working copy is deleted and re-created beside it.
  const file = path.resolve(arg('file') ?? '');
  if (!file.endsWith('.sqlite') || !fs.statSync(file, { throwIfNoEntry: false })?.isFile())
    throw new Error(`--file: a .sqlite file is needed (${file})`);
  const work = file.replace(/\.sqlite$/, '.profile.sqlite');
  removeSqlite(work);
  fs.copyFileSync(file, work);
  const s = openServices(work);
  const report: Record<string, unknown> = { file: path.relative(process.cwd(), file) };
  try {
    if (flag('rebuild') || flag('incremental')) {
      log('instrumented rebuild…');
      report.rebuild = await profileRebuild(s);
      log(JSON.stringify(report.rebuild, null, 2));
    }
    if (flag('incremental')) {
      report.incremental = await profileIncremental((s as { jobsDb?: Knex }).jobsDb ?? s.db, s);
      log(JSON.stringify(report.incremental, null, 2));
    }
    if (flag('http')) {
      // The dashboards read the aggregates: build them first when the rebuild was not profiled.
      if (!report.rebuild) await s.refresh.rebuild();
      report.http = await profileHttp(s);
      log(JSON.stringify(report.http, null, 2));
    }
    report.maxRssMb = process.resourceUsage().maxRSS / 1024;
    const out = arg('out');
    if (out) fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await closeServices(s);
    removeSqlite(work);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
