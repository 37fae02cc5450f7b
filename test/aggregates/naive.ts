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
    // One component of a pole for a period: [value or null, reported in last quarter or count, expected].
    const part = (kind: string, indicatorId: number, category: string, pole: (typeof poles)[0], P: number[]) => {
      const expectedQ = P.filter((q) => q >= pole.first && q <= pole.last);
      const vals = expectedQ.map((q) => ({ q, v: value(indicatorId, category, pole.id, q) })).filter((x) => typeof x.v === 'number') as {
        q: number;
        v: number;
      }[];
      const lastQ = P[P.length - 1];
      if (kind === 'flow')
        return { v: vals.length ? vals.reduce((s, x) => s + x.v, 0) : null, reported: vals.length, expected: expectedQ.length };
      const lastVal = vals.length ? vals[vals.length - 1].v : null;
      return { v: lastVal, reported: vals.some((x) => x.q === lastQ) ? 1 : 0, expected: lastQ >= pole.first && lastQ <= pole.last ? 1 : 0 };
    };
    for (const ind of indicators) {
      const kind = String(ind.kind);
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
            const cells: { region: string; v: number | null; n: number | null; d: number | null; reported: number; expected: number }[] =
              [];
            for (const pole of poles) {
              if (!P.some((q) => q >= pole.first && q <= pole.last)) continue;
              let cell;
              if (kind === 'ratio') {
                // A quarter counts only when both components have a value in it; over those quarters a flow
                // is their sum, a stock its value in the last of them.
                const paired: { n: number; d: number }[] = [];
                for (const q of P) {
                  if (q < pole.first || q > pole.last) continue;
                  const n = value(Number(num.id), ind.numerator_category ?? '', pole.id, q);
                  const d = value(Number(den.id), ind.denominator_category ?? '', pole.id, q);
                  if (typeof n === 'number' && typeof d === 'number') paired.push({ n, d });
                }
                const of = (k: string, pick: (x: { n: number; d: number }) => number) =>
                  k === 'flow' ? paired.reduce((s, x) => s + pick(x), 0) : pick(paired[paired.length - 1]);
                const a = paired.length ? of(String(num.kind), (x) => x.n) : null;
                const b = paired.length ? of(String(den.kind), (x) => x.d) : null;
                const lastQ = P[P.length - 1];
                const inLast = (i: { id: unknown }, c: string | null) => typeof value(Number(i.id), c ?? '', pole.id, lastQ) === 'number';
                cell = {
                  v: a !== null && b !== null && b > 0 ? Math.round((a * 100 * SCALE) / b) : null,
                  n: a,
                  d: b,
                  reported:
                    lastQ >= pole.first &&
                    lastQ <= pole.last &&
                    inLast(num, ind.numerator_category) &&
                    inLast(den, ind.denominator_category)
                      ? 1
                      : 0,
                  expected: lastQ >= pole.first && lastQ <= pole.last ? 1 : 0,
                };
              } else {
                const p = part(kind === 'flow' ? 'flow' : 'last', Number(ind.id), category, pole, P);
                cell = {
                  v: p.v,
                  n: kind === 'score' ? p.v : null,
                  d: kind === 'score' ? (p.v === null ? 0 : 1) : null,
                  reported: p.reported,
                  expected: p.expected,
                };
              }
              cells.push({ region: pole.region, ...cell });
              out.set(`${base}|pole|${pole.id}|${ind.id}|${category}|${grain}|${end}`, {
                key: '',
                value: cell.v,
                num: cell.n,
                reported: cell.reported,
                expected: cell.expected,
              });
            }
            const agg = (list: typeof cells) => {
              const reported = list.reduce((s, c) => s + c.reported, 0);
              const expected = list.reduce((s, c) => s + c.expected, 0);
              if (kind === 'flow' || kind === 'stock') {
                const w = list.filter((c) => c.v !== null);
                return { value: w.length ? w.reduce((s, c) => s + c.v!, 0) : null, num: null, reported, expected };
              }
              if (kind === 'ratio') {
                const w = list.filter((c) => c.n !== null && c.d !== null);
                const n = w.reduce((s, c) => s + c.n!, 0);
                const d = w.reduce((s, c) => s + c.d!, 0);
                return {
                  value: w.length && d > 0 ? Math.round((n * 100 * SCALE) / d) : null,
                  num: w.length ? n : null,
                  reported,
                  expected,
                };
              }
              const w = list.filter((c) => c.v !== null);
              const sum = w.reduce((s, c) => s + c.v!, 0);
              return { value: w.length ? Math.round(sum / w.length) : null, num: w.length ? sum : null, reported, expected };
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
        },
      ];
    }),
  );
}
