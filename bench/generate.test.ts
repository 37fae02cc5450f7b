import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDb } from '../server/db/connection.ts';
import { BENCH_NOW, INDICATORS_PER_QUARTER, QUARTERS_PER_POLE } from './common.ts';
import { BENCH_CODES, generateBenchData, type GenerateSummary } from './generate.ts';
import { addQuarters, lastClosedQuarter, quarterIndex } from '../server/lib/quarters.ts';
import { DateTime } from 'luxon';

describe('bench data generator', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptce-bench-gen-'));
  const file = path.join(dir, 'bench.sqlite');
  let summary: GenerateSummary;
  const db = () => createDb({ client: 'sqlite3', filename: file });

  before(async () => {
    summary = await generateBenchData({ file, values: 2000, progress: false });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes poles × 40 quarters × 13 indicators, one report per pole-quarter', async () => {
    const poles = Math.round(2000 / (INDICATORS_PER_QUARTER * QUARTERS_PER_POLE));
    expect(summary.poles).to.equal(poles);
    const k = db();
    try {
      const count = async (table: string) => Number((await k(table).count({ n: '*' }).first())?.n);
      expect(await count('poles')).to.equal(poles);
      expect(await count('quarter_reports')).to.equal(poles * QUARTERS_PER_POLE);
      expect(await count('quarter_values')).to.equal(poles * QUARTERS_PER_POLE * INDICATORS_PER_QUARTER);
      expect(summary.values).to.equal(poles * QUARTERS_PER_POLE * INDICATORS_PER_QUARTER);
      // The 13 entered indicators, totals only, never a ratio.
      const used = (await k('quarter_values as v')
        .join('indicators as i', 'i.id', 'v.indicator_id')
        .distinct('i.code', 'i.kind', 'v.category')) as { code: string; kind: string; category: string }[];
      expect(used.map((u) => u.code).sort()).to.deep.equal([...BENCH_CODES].sort());
      expect(used.every((u) => u.kind !== 'ratio' && u.category === '')).to.equal(true);
    } finally {
      await k.destroy();
    }
  });

  it('gives every value a report, and every pole 40 quarters ending at the last closed one in a real département of its region', async () => {
    const k = db();
    try {
      const orphans = await k('quarter_values as v')
        .leftJoin('quarter_reports as r', function () {
          this.on('r.pole_id', 'v.pole_id').andOn('r.year', 'v.year').andOn('r.quarter', 'v.quarter');
        })
        .whereNull('r.id')
        .count({ n: '*' })
        .first();
      expect(Number(orphans?.n)).to.equal(0);
      const last = lastClosedQuarter(DateTime.fromISO(BENCH_NOW, { zone: 'Europe/Paris' }));
      const first = addQuarters(last, -(QUARTERS_PER_POLE - 1));
      const poles = (await k('poles as p')
        .join('departements as d', 'd.code', 'p.departement_code')
        .select('p.*', 'd.region_code as dep_region')) as Record<string, unknown>[];
      for (const p of poles) {
        expect(p.dep_region).to.equal(p.region_code);
        expect({ year: p.first_report_year, quarter: p.first_report_quarter }).to.deep.equal(first);
        const span = (await k('quarter_reports')
          .where({ pole_id: p.id })
          .min({ lo: k.raw('year * 4 + quarter - 1') })
          .max({ hi: k.raw('year * 4 + quarter - 1') })
          .first()) as { lo: number; hi: number };
        expect([span.lo, span.hi]).to.deep.equal([quarterIndex(first), quarterIndex(last)]);
      }
      // Mostly validated; the last quarter of the first poles is a draft, ready for the bench to submit.
      const statuses = (await k('quarter_reports').select('status').count({ n: '*' }).groupBy('status')) as { status: string; n: number }[];
      const by = Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)]));
      expect(by.validated).to.be.greaterThan(0.9 * poles.length * QUARTERS_PER_POLE);
      expect(by.draft).to.equal(summary.draftPoleIds.length);
      const drafts = await k('quarter_reports').where({ status: 'draft' }).select('pole_id', 'year', 'quarter');
      for (const d of drafts) expect({ year: d.year, quarter: d.quarter }).to.deep.equal(last);
      // « Non disponible » rows carry no value and a reason; every other row a value.
      const bad = await k('quarter_values')
        .where((w) => w.where({ not_available: true }).andWhere((x) => x.whereNotNull('value_scaled').orWhere('na_reason', '')))
        .orWhere((w) => w.where({ not_available: false }).whereNull('value_scaled'))
        .count({ n: '*' })
        .first();
      expect(Number(bad?.n)).to.equal(0);
    } finally {
      await k.destroy();
    }
  });

  it('gives five poles in six validated targets for the last two years, drawn from their own figures', async () => {
    const k = db();
    try {
      const rows = (await k('targets').select('pole_id', 'first_year', 'last_year', 'status', 'value_scaled')) as {
        pole_id: number;
        first_year: number;
        last_year: number;
        status: string;
        value_scaled: number;
      }[];
      const last = lastClosedQuarter(DateTime.fromISO(BENCH_NOW, { zone: 'Europe/Paris' }));
      const withTargets = summary.poles - Math.floor((summary.poles + 1) / 6);
      expect(rows).to.have.length(withTargets * 2 * 4);
      expect(summary.targets).to.equal(rows.length);
      expect(new Set(rows.map((r) => r.first_year))).to.deep.equal(new Set([last.year - 1, last.year]));
      expect(rows.every((r) => r.first_year === r.last_year && r.status === 'validated' && Number(r.value_scaled) >= 10_000)).to.equal(
        true,
      );
    } finally {
      await k.destroy();
    }
  });

  it('is deterministic for a seed', async () => {
    const other = path.join(dir, 'again.sqlite');
    await generateBenchData({ file: other, values: 2000, progress: false });
    const fingerprint = async (f: string) => {
      const k = createDb({ client: 'sqlite3', filename: f });
      try {
        return await k('quarter_values')
          .select(k.raw('count(*) as n, sum(value_scaled) as s, sum(pole_id * indicator_id * value_scaled % 97) as h'))
          .first();
      } finally {
        await k.destroy();
      }
    };
    expect(await fingerprint(other)).to.deep.equal(await fingerprint(file));
  });
});
