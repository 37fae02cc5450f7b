// Large, realistic, deterministic data sets for the bench: N poles over the 18 regions, 40 quarters each
// (ending at the last closed quarter), one report per pole-quarter and the 13 entered indicators.
//
//   node --import tsx bench/generate.ts --values 1000000 [--file tmp/bench/x.sqlite] [--seed 2026] [--out summary.json]
//
// Rows go straight into the tables in multi-row batches inside transactions (the app's services would
// take hours for a million values); the schema, the regions and the catalogue come from prepareDatabase.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { prepareDatabase } from '../server/bootstrap.ts';
import { writeTimestamp } from '../server/db/dialect.ts';
import { addQuarters, fromIndex, lastClosedQuarter, opensAt, quarterIndex } from '../server/lib/quarters.ts';
import { seededRandom, type Random } from '../seeds/random.ts';
import {
  arg,
  closeServices,
  BENCH_NOW,
  benchFile,
  INDICATORS_PER_QUARTER,
  openServices,
  progressBar,
  QUARTERS_PER_POLE,
  removeSqlite,
} from './common.ts';

export interface GenerateOptions {
  /** The SQLite file to create (replaced if it exists); ignored when `databaseUrl` is given. */
  file: string;
  /** A PostgreSQL database to fill instead (it must exist and be empty; `npm run bench -- --pg` creates it). */
  databaseUrl?: string;
  /** Values wanted: poles = round(values / (13 × 40)), at least 1. */
  values: number;
  seed?: number;
  /** How many poles get their last quarter as a draft, for the incremental-refresh measure. */
  drafts?: number;
  progress?: boolean;
}

export interface GenerateSummary {
  file: string;
  poles: number;
  reports: number;
  values: number;
  notAvailable: number;
  /** Validated annual targets (five poles in six, the last two years, four indicators). */
  targets: number;
  /** Poles whose last closed quarter is a draft (ready to be submitted by the bench). */
  draftPoleIds: number[];
  statuses: Record<string, number>;
  seconds: number;
  maxRssMb: number;
}

/** SQLite allows 32 766 bound parameters per statement: rows × columns stays under it. */
const MAX_PARAMS = 32_766;
const rowsPerStatement = (columns: number) => Math.floor(MAX_PARAMS / columns) - 10;

/** The 13 entered indicators (flows, stocks and the score; ratios are computed, never entered). */
export const BENCH_CODES = [
  'EMP_CREES',
  'ACT_CONSOLIDEES',
  'TE_ACTIONS',
  'EMP_ETP_FIN',
  'ACT_CREEES',
  'MEMBRES',
  'MUTUALISATIONS',
  'PERS_FORMEES',
  'REEMPLOI_T',
  'RESSOURCES_PROPRES',
  'RESSOURCES_TOTALES',
  'PROJ_INNOV_SOCIALE',
  'MATURITE_COOP',
] as const;
type Code = (typeof BENCH_CODES)[number];

const SEASON = [1.0, 1.1, 0.8, 1.15];
const NA_REASONS: Partial<Record<Code, string>> = {
  REEMPLOI_T: 'Pesées de la déchetterie non transmises',
  PERS_FORMEES: 'Bilan de formation en cours',
  TE_ACTIONS: 'Bilan énergétique non finalisé',
};
const WAVES = ['aap_2013', 'aap_2015', 'ami_2021_2023', 'autre'];

/**
 * One multi-row `INSERT … VALUES (…), (…)` per slice. (knex's own multi-row insert on SQLite is a
 * compound SELECT, capped at 500 terms; a VALUES list is only capped by the bound parameters.)
 */
async function insertBatched(
  trx: Knex.Transaction,
  table: string,
  rows: Record<string, unknown>[],
  onSlice?: (inserted: number) => void,
): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]);
  const size = rowsPerStatement(columns.length);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += size) {
    const slice = rows.slice(i, i + size);
    const bindings: unknown[] = [];
    for (const r of slice) for (const c of columns) bindings.push(r[c]);
    const sql = `insert into ${table} (${columns.join(', ')}) values ${slice.map(() => tuple).join(', ')}`;
    try {
      await trx.raw(sql, bindings as Knex.RawBinding[]);
    } catch (err) {
      // knex puts the whole statement in the message: keep it readable.
      const e = err as Error;
      throw new Error(`insert into ${table} (${slice.length} rows): ${e.message.slice(-300)}`);
    }
    onSlice?.(i + slice.length);
  }
}

/** Scaled integer (× 10 000) of a figure rounded to the indicator's decimals. */
const scaled = (x: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.max(0, Math.round(x * f)) * (10_000 / f);
};

/** One quarter's figures for a pole: plausible magnitudes with seasons, growth and noise (as the demo). */
function figures(
  rand: Random,
  profile: { size: number; growth: number; selfFinancing: number },
  i: number,
  quarter: number,
): Record<Code, number> {
  const { size, growth } = profile;
  const season = SEASON[quarter - 1];
  const trend = 1 + growth * i;
  const noise = () => 0.85 + rand.next() * 0.3;
  const total = Math.round(size * 42_000 * season * noise());
  return {
    EMP_CREES: scaled(size * 1.6 * season * trend * noise(), 1),
    ACT_CONSOLIDEES: scaled(size * 2 * season * noise(), 0),
    TE_ACTIONS: scaled(size * 1.3 * season * (1 + growth * i * 2) * noise(), 0),
    EMP_ETP_FIN: scaled(size * 55 * (1 + growth * i * 0.8), 1),
    ACT_CREEES: scaled(size * 0.8 * season * noise(), 0),
    MEMBRES: scaled(4 + size * 6 + i / 8, 0),
    MUTUALISATIONS: scaled(size * 1.5 * season * noise(), 0),
    PERS_FORMEES: scaled(size * 24 * season * trend * noise(), 0),
    REEMPLOI_T: scaled(size * 11 * season * trend * noise(), 1),
    RESSOURCES_PROPRES: scaled(Math.round(total * profile.selfFinancing * noise() * 0.9), 0),
    RESSOURCES_TOTALES: scaled(total, 0),
    PROJ_INNOV_SOCIALE: scaled(size * 2.5 + i / 4, 0),
    MATURITE_COOP: scaled(Math.min(4, 1 + Math.floor(i / 10) + (size > 1.6 ? 1 : 0)), 0),
  };
}

/** Indicators the bench's poles have targets for: three headline flows and a stock. */
const TARGET_CODES = ['EMP_CREES', 'ACT_CONSOLIDEES', 'TE_ACTIONS', 'EMP_ETP_FIN'] as const;

/**
 * Validated annual targets for five poles in six, for the last two years, so that the measured pages
 * draw their progress (tiles, the region's table, the trajectory): each the pole's own figure for the
 * year (a flow's total, a stock's level at the last quarter generated) × 0.8 to 1.25 (some met, some
 * behind), rounded to a whole unit.
 */
function targetRows(
  rand: Random,
  poles: { id: number }[],
  years: number[],
  yearFigures: Map<string, number>,
  indicatorIds: Map<string, number>,
  stamp: string,
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  poles.forEach((pole, k) => {
    if (k % 6 === 5) return;
    for (const year of years)
      for (const code of TARGET_CODES) {
        const figure = yearFigures.get(`${pole.id}|${year}|${code}`);
        if (figure === undefined) continue;
        rows.push({
          pole_id: pole.id,
          indicator_id: indicatorIds.get(code)!,
          first_year: year,
          last_year: year,
          value_scaled: Math.max(10_000, Math.round((figure * (0.8 + rand.next() * 0.45)) / 10_000) * 10_000),
          status: 'validated',
          proposed_by: null,
          proposed_at: null,
          validated_by: null,
          validated_at: stamp,
          version: 1,
          created_at: stamp,
          updated_at: stamp,
        });
      }
  });
  return rows;
}

/** Creates a fresh SQLite file and fills it. Deterministic for a given seed, size and BENCH_NOW. */
export async function generateBenchData(opts: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const seed = opts.seed ?? 2026;
  const rand = seededRandom(seed);
  if (!opts.databaseUrl) {
    fs.mkdirSync(path.dirname(opts.file), { recursive: true });
    removeSqlite(opts.file);
  }
  const s = openServices(opts.file, opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {});
  const bar = progressBar(`generating ${opts.values} values`);
  try {
    await prepareDatabase(s);
    const db = s.db;
    const now = DateTime.fromISO(BENCH_NOW, { zone: 'Europe/Paris' });
    const nowStamp = writeTimestamp(now);
    const last = lastClosedQuarter(now);
    const first = addQuarters(last, -(QUARTERS_PER_POLE - 1));
    const firstIndex = quarterIndex(first);

    const regions = ((await db('regions').select('code').orderBy('code')) as { code: string }[]).map((r) => r.code);
    const depsByRegion = new Map<string, { code: string; name: string }[]>();
    for (const d of (await db('departements').select('code', 'name', 'region_code').orderBy('code')) as {
      code: string;
      name: string;
      region_code: string;
    }[]) {
      const list = depsByRegion.get(d.region_code) ?? [];
      list.push({ code: d.code, name: d.name });
      depsByRegion.set(d.region_code, list);
    }
    const indicatorIds = new Map<string, number>(
      (
        (await db('indicators')
          .whereIn('code', [...BENCH_CODES])
          .select('id', 'code')) as { id: number; code: string }[]
      ).map((r) => [r.code, r.id]),
    );
    for (const c of BENCH_CODES) if (!indicatorIds.has(c)) throw new Error(`indicator ${c} missing from the catalogue`);

    const poleCount = Math.max(1, Math.round(opts.values / (INDICATORS_PER_QUARTER * QUARTERS_PER_POLE)));
    const draftCount = Math.min(opts.drafts ?? 5, poleCount);

    // Poles: round-robin over the regions, a real département of the region each.
    const poleRows = Array.from({ length: poleCount }, (_, k) => {
      const region = regions[k % regions.length];
      const dep = rand.pick(depsByRegion.get(region)!);
      return {
        name: `Pôle banc d’essai ${k + 1} (${dep.name})`,
        slug: `banc-essai-${k + 1}`,
        region_code: region,
        departement_code: dep.code,
        creation_year: rand.int(2012, 2016),
        first_report_year: first.year,
        first_report_quarter: first.quarter,
        archived_on: null,
        legal_form: rand.pick(['Association loi 1901', 'SCIC SAS', 'SCIC SARL']),
        description: 'Pôle généré pour le banc de performance.',
        contact_email: '',
        website: '',
        founding_wave: rand.pick(WAVES),
        version: 1,
        created_at: nowStamp,
        updated_at: nowStamp,
      };
    });
    await db.transaction(async (trx) => {
      await insertBatched(trx, 'poles', poleRows);
    });
    const idBySlug = new Map(((await db('poles').select('id', 'slug')) as { id: number; slug: string }[]).map((p) => [p.slug, p.id]));
    const poles = poleRows.map((p) => ({ ...p, id: idBySlug.get(p.slug)! }));
    await db.transaction(async (trx) => {
      await insertBatched(
        trx,
        'pole_territories',
        poles.map((p) => ({
          pole_id: p.id,
          kind: 'departement',
          code: p.departement_code,
          name: depsByRegion.get(p.region_code)!.find((d) => d.code === p.departement_code)!.name,
        })),
      );
    });

    const statuses: Record<string, number> = {};
    // What each pole's targets are drawn from: its flows' totals and its stocks' level per year.
    const targetYears = [last.year - 1, last.year];
    const yearFigures = new Map<string, number>();
    let reports = 0;
    let values = 0;
    let notAvailable = 0;
    const totalValues = poleCount * QUARTERS_PER_POLE * INDICATORS_PER_QUARTER;
    const quarters = Array.from({ length: QUARTERS_PER_POLE }, (_, i) => fromIndex(firstIndex + i));
    // Submission times: some days after each quarter ends (computed once per quarter, jittered per pole).
    const opened = quarters.map((q) => opensAt(q));
    const POLES_PER_TRANSACTION = 100;
    for (let start = 0; start < poles.length; start += POLES_PER_TRANSACTION) {
      const reportRows: Record<string, unknown>[] = [];
      const valueRows: Record<string, unknown>[] = [];
      for (let k = start; k < Math.min(poles.length, start + POLES_PER_TRANSACTION); k++) {
        const pole = poles[k];
        const profile = { size: 0.5 + rand.next() * 2, growth: rand.next() * 0.04, selfFinancing: 0.2 + rand.next() * 0.35 };
        for (let i = 0; i < QUARTERS_PER_POLE; i++) {
          const q = quarters[i];
          const lastOne = i === QUARTERS_PER_POLE - 1;
          const status =
            lastOne && k < draftCount
              ? 'draft'
              : (lastOne && k % 12 === 7) || (i === QUARTERS_PER_POLE - 2 && k % 25 === 3)
                ? 'submitted'
                : 'validated';
          statuses[status] = (statuses[status] ?? 0) + 1;
          const submittedAt = writeTimestamp(opened[i].plus({ days: rand.int(3, 40), hours: rand.int(8, 18) }));
          const reviewedAt = status === 'validated' ? writeTimestamp(opened[i].plus({ days: rand.int(41, 60) })) : null;
          const updatedAt = reviewedAt ?? submittedAt;
          reportRows.push({
            pole_id: pole.id,
            year: q.year,
            quarter: q.quarter,
            status,
            highlights: i % 4 === 0 ? 'Lancement d’un groupement d’achats entre membres.' : '',
            difficulties: '',
            submitted_by: null,
            submitted_at: status === 'draft' ? null : submittedAt,
            reviewed_by: null,
            reviewed_at: reviewedAt,
            reason: null,
            version: status === 'validated' ? 2 : 1,
            last_form_token: null,
            created_at: submittedAt,
            updated_at: updatedAt,
          });
          const fig = figures(rand, profile, i, q.quarter);
          if (targetYears.includes(q.year))
            for (const code of TARGET_CODES) {
              const key = `${pole.id}|${q.year}|${code}`;
              yearFigures.set(key, code === 'EMP_ETP_FIN' ? fig[code] : (yearFigures.get(key) ?? 0) + fig[code]);
            }
          for (const code of BENCH_CODES) {
            const na = NA_REASONS[code] !== undefined && rand.next() < 0.02;
            if (na) notAvailable++;
            valueRows.push({
              pole_id: pole.id,
              indicator_id: indicatorIds.get(code)!,
              category: '',
              year: q.year,
              quarter: q.quarter,
              value_scaled: na ? null : fig[code],
              not_available: na,
              na_reason: na ? NA_REASONS[code]! : '',
              comment: '',
              carried_over: false,
              updated_by: null,
              updated_at: submittedAt,
            });
          }
        }
      }
      await db.transaction(async (trx) => {
        await insertBatched(trx, 'quarter_reports', reportRows);
        await insertBatched(trx, 'quarter_values', valueRows, (n) => opts.progress !== false && bar.update(values + n, totalValues));
      });
      reports += reportRows.length;
      values += valueRows.length;
    }
    bar.done();
    const targets = targetRows(rand, poles, targetYears, yearFigures, indicatorIds, nowStamp);
    await db.transaction(async (trx) => insertBatched(trx, 'targets', targets));
    if (!opts.databaseUrl) await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    else await db.raw('analyze');
    return {
      file: opts.file,
      poles: poleCount,
      reports,
      values,
      notAvailable,
      targets: targets.length,
      draftPoleIds: poles.slice(0, draftCount).map((p) => p.id),
      statuses,
      seconds: (performance.now() - started) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await closeServices(s);
  }
}

async function main() {
  const values = Number(arg('values') ?? '100000');
  if (!Number.isInteger(values) || values < 1 || values > 20_000_000) throw new Error('--values: an integer between 1 and 20000000');
  const file = path.resolve(arg('file') || benchFile(values));
  const summary = await generateBenchData({ file, values, seed: Number(arg('seed') ?? '2026') });
  // The summary: as JSON to --out (run.ts reads it) or stdout; the progress bar went to stderr.
  const out = arg('out');
  if (out) fs.writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  else process.stdout.write(`${JSON.stringify(summary)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
