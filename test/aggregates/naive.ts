// An independent, deliberately naive computation of every aggregate, straight from the raw tables, to
// check the engine against. It shares no code with server/aggregates.
import type { Knex } from 'knex';

const SCALE = 10_000;
const idx = (y: number, q: number) => y * 4 + q - 1;
const unidx = (i: number) => ({ year: Math.floor(i / 4), quarter: (i % 4) + 1 });

function quartersOf(grain: string, end: number): number[] {
  const { year, quarter } = unidx(end);
  if (grain === 'quarter') return [end];
  if (grain === 'year') return [1, 2, 3, 4].map((q) => idx(year, q));
  if (grain === 'ytd') return Array.from({ length: quarter }, (_, k) => idx(year, k + 1));
  return [end - 3, end - 2, end - 1, end];
}

export interface NaiveRow {
  key: string;
  value: number | null;
  /** The stored numerator: a ratio's Σ numerator, a score's Σ values; null for the other kinds or without a value. */
  num: number | null;
  reported: number;
  expected: number;
  /** Poles expected in the period, and the like-for-like comparison « poles: cur/curDen vs prev/prevDen ». */
  polesExpected: number;
  cmp: string;
}

/** A comparison in the shape both sides print. */
function cmpText(poles: number, cur: number | null, prev: number | null, curDen: number | null, prevDen: number | null): string {
  return poles ? `${poles}: ${cur}/${curDen} vs ${prev}/${prevDen}` : 'none';
}

export async function naiveAggregates(db: Knex, lastClosed: number): Promise<Map<string, NaiveRow>> {
  const poles = (await db('poles').select('*')).map((p: Record<string, unknown>) => {
    let last = lastClosed;
    if (p.archived_on) {
      const [y, m] = String(p.archived_on).split('-').map(Number);
      last = Math.min(last, idx(y, Math.floor((m - 1) / 3) + 1));
    }
    return {
      id: Number(p.id),
      region: String(p.region_code),
      first: idx(Number(p.first_report_year), Number(p.first_report_quarter)),
      last,
    };
  });
  // Quarters declared « sans objet »: read from the reports directly, not through the engine's repo.
  const exempt = new Set(
    (await db('quarter_reports').where({ status: 'exempt' }).select('pole_id', 'year', 'quarter')).map(
      (r: Record<string, unknown>) => `${Number(r.pole_id)}|${idx(Number(r.year), Number(r.quarter))}`,
    ),
  );
  const indicators = await db('indicators').select('*');
  const categories = await db('indicator_categories').select('*');
  const rows = await db('quarter_values as v')
    .join('quarter_reports as r', function () {
      this.on('r.pole_id', 'v.pole_id').andOn('r.year', 'v.year').andOn('r.quarter', 'v.quarter');
    })
    .select('v.*', 'r.status');
  const out = new Map<string, NaiveRow>();
  if (!poles.length) return out;
  const firstAll = Math.min(...poles.map((p) => p.first));

  for (const base of ['validated', 'validated_or_submitted']) {
    const ok = base === 'validated' ? ['validated'] : ['validated', 'submitted'];
    const value = (indicatorId: number, category: string, poleId: number, q: number): number | null | undefined => {
      const r = rows.find(
        (x) =>
          Number(x.indicator_id) === indicatorId &&
          x.category === category &&
          Number(x.pole_id) === poleId &&
          idx(Number(x.year), Number(x.quarter)) === q &&
          ok.includes(x.status),
      );
      if (!r) return undefined;
      return r.not_available === true || r.not_available === 1 ? null : Number(r.value_scaled);
    };
    for (const ind of indicators) {
      const kind = String(ind.kind);
      // The indicator's window: a year without a quarter opens at T1 and closes at T4.
      const indFirst = ind.first_year === null ? -Infinity : idx(Number(ind.first_year), Number(ind.first_quarter ?? 1));
      const indLast = ind.last_year === null ? Infinity : idx(Number(ind.last_year), Number(ind.last_quarter ?? 4));
      const expectedIn = (pole: (typeof poles)[0], q: number) =>
        q >= pole.first && q <= pole.last && q >= indFirst && q <= indLast && !exempt.has(`${pole.id}|${q}`);
      /** A value counted: expected there, and a number (not « non disponible », not missing). */
      const counted = (id: number, category: string, pole: (typeof poles)[0], q: number): number | null => {
        if (!expectedIn(pole, q)) return null;
        const v = value(id, category, pole.id, q);
        return typeof v === 'number' ? v : null;
      };
      const cats =
        kind === 'ratio' ? [''] : ['', ...categories.filter((c) => Number(c.indicator_id) === Number(ind.id)).map((c) => String(c.code))];
      const num = indicators.find((i) => i.id === ind.numerator_id);
      const den = indicators.find((i) => i.id === ind.denominator_id);
      for (const category of cats) {
        for (const grain of ['quarter', 'year', 'ytd', 'rolling4']) {
          const ends: number[] = [];
          if (grain === 'year') for (let y = unidx(firstAll).year; y <= unidx(lastClosed).year; y++) ends.push(idx(y, 4));
          else for (let e = firstAll; e <= lastClosed; e++) ends.push(e);
          for (const end of ends) {
            const P = quartersOf(grain, end);
            const lastQ = P[P.length - 1];
            type Naive = {
              region: string;
              v: number | null;
              n: number | null;
              d: number | null;
              reported: number;
              expected: number;
              c: { poles: number; cur: number | null; prev: number | null; curDen: number | null; prevDen: number | null };
            };
            const cells: Naive[] = [];
            for (const pole of poles) {
              const expectedQ = P.filter((q) => expectedIn(pole, q));
              if (!expectedQ.length) continue;
              let cell: Omit<Naive, 'region'>;
              const none = { poles: 0, cur: null, prev: null, curDen: null, prevDen: null };
              if (kind === 'ratio') {
                const nk = String(num.kind);
                const dk = String(den.kind);
                const nc = ind.numerator_category ?? '';
                const dc = ind.denominator_category ?? '';
                const both = (q: number) => counted(Number(num.id), nc, pole, q) !== null && counted(Number(den.id), dc, pole, q) !== null;
                // Over a set of quarters: a flow component sums them, a stock one takes the last.
                const over = (k: string, id: number, c: string, Q: number[]) =>
                  k === 'flow' ? Q.reduce((s, q) => s + counted(id, c, pole, q)!, 0) : counted(id, c, pole, Q[Q.length - 1])!;
                const paired = P.filter(both);
                const a = paired.length ? over(nk, Number(num.id), nc, paired) : null;
                const b = paired.length ? over(dk, Number(den.id), dc, paired) : null;
                let common = P.filter((q) => both(q) && both(q - 4));
                if (nk === 'stock' || dk === 'stock') common = common.filter((q) => q === lastQ);
                const before = common.map((q) => q - 4);
                cell = {
                  v: a !== null && b !== null && b > 0 ? Math.round((a * 100 * SCALE) / b) : null,
                  n: a,
                  d: b,
                  reported: paired.length,
                  expected: expectedQ.length,
                  c: common.length
                    ? {
                        poles: 1,
                        cur: over(nk, Number(num.id), nc, common),
                        prev: over(nk, Number(num.id), nc, before),
                        curDen: over(dk, Number(den.id), dc, common),
                        prevDen: over(dk, Number(den.id), dc, before),
                      }
                    : none,
                };
              } else {
                const vals = P.map((q) => counted(Number(ind.id), category, pole, q)).filter((v): v is number => v !== null);
                const v =
                  kind === 'flow' ? (vals.length ? vals.reduce((s, x) => s + x, 0) : null) : vals.length ? vals[vals.length - 1] : null;
                let c: Naive['c'] = none;
                if (kind === 'flow') {
                  const common = P.filter(
                    (q) => counted(Number(ind.id), category, pole, q) !== null && counted(Number(ind.id), category, pole, q - 4) !== null,
                  );
                  if (common.length)
                    c = {
                      poles: 1,
                      cur: common.reduce((s, q) => s + counted(Number(ind.id), category, pole, q)!, 0),
                      prev: common.reduce((s, q) => s + counted(Number(ind.id), category, pole, q - 4)!, 0),
                      curDen: null,
                      prevDen: null,
                    };
                } else {
                  const atEnd = counted(Number(ind.id), category, pole, lastQ);
                  const yearBefore = counted(Number(ind.id), category, pole, lastQ - 4);
                  if (atEnd !== null && yearBefore !== null) c = { poles: 1, cur: atEnd, prev: yearBefore, curDen: null, prevDen: null };
                }
                cell = {
                  v,
                  n: kind === 'score' ? v : null,
                  d: kind === 'score' ? (v === null ? 0 : 1) : null,
                  reported: vals.length,
                  expected: expectedQ.length,
                  c,
                };
              }
              cells.push({ region: pole.region, ...cell });
              out.set(`${base}|pole|${pole.id}|${ind.id}|${category}|${grain}|${end}`, {
                key: '',
                value: cell.v,
                num: cell.n,
                reported: cell.reported,
                expected: cell.expected,
                polesExpected: 1,
                cmp: cmpText(cell.c.poles, cell.c.cur, cell.c.prev, cell.c.curDen, cell.c.prevDen),
              });
            }
            const agg = (list: typeof cells) => {
              const reported = list.reduce((s, c) => s + c.reported, 0);
              const expected = list.reduce((s, c) => s + c.expected, 0);
              const comparable = list.filter((c) => c.c.poles > 0);
              const total = (pick: (c: Naive['c']) => number | null) => {
                const vs = comparable.map((c) => pick(c.c)).filter((v): v is number => v !== null);
                return vs.length ? vs.reduce((s, v) => s + v, 0) : null;
              };
              const counts = {
                reported,
                expected,
                polesExpected: list.length,
                cmp: cmpText(
                  comparable.length,
                  total((c) => c.cur),
                  total((c) => c.prev),
                  total((c) => c.curDen),
                  total((c) => c.prevDen),
                ),
              };
              if (kind === 'flow' || kind === 'stock') {
                const w = list.filter((c) => c.v !== null);
                return { value: w.length ? w.reduce((s, c) => s + c.v!, 0) : null, num: null, ...counts };
              }
              if (kind === 'ratio') {
                const w = list.filter((c) => c.n !== null && c.d !== null);
                const n = w.reduce((s, c) => s + c.n!, 0);
                const d = w.reduce((s, c) => s + c.d!, 0);
                return { value: w.length && d > 0 ? Math.round((n * 100 * SCALE) / d) : null, num: w.length ? n : null, ...counts };
              }
              const w = list.filter((c) => c.v !== null);
              const sum = w.reduce((s, c) => s + c.v!, 0);
              return { value: w.length ? Math.round(sum / w.length) : null, num: w.length ? sum : null, ...counts };
            };
            for (const region of new Set(cells.map((c) => c.region))) {
              out.set(`${base}|region|${region}|${ind.id}|${category}|${grain}|${end}`, {
                key: '',
                ...agg(cells.filter((c) => c.region === region)),
              });
            }
            if (cells.length) out.set(`${base}|nation|FR|${ind.id}|${category}|${grain}|${end}`, { key: '', ...agg(cells) });
          }
        }
      }
    }
  }
  for (const [k, v] of out) v.key = k;
  return out;
}

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The engine's current aggregates, in the same shape. */
export async function storedAggregates(db: Knex): Promise<Map<string, NaiveRow>> {
  const { generation } = await db('aggregate_state').where({ id: 1 }).first();
  const rows = await db('aggregates').where({ generation });
  return new Map(
    rows.map((r: Record<string, unknown>) => {
      const key = `${r.base}|${r.level}|${r.area}|${r.indicator_id}|${r.category}|${r.grain}|${idx(Number(r.year), Number(r.quarter))}`;
      return [
        key,
        {
          key,
          value: r.value_scaled === null ? null : Number(r.value_scaled),
          num: r.num_scaled === null ? null : Number(r.num_scaled),
          reported: Number(r.reported),
          expected: Number(r.expected),
          polesExpected: Number(r.poles_expected),
          cmp: cmpText(Number(r.cmp_poles), n(r.cmp_cur), n(r.cmp_prev), n(r.cmp_cur_den), n(r.cmp_prev_den)),
        },
      ];
    }),
  );
}
