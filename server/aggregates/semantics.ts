// How each kind of indicator combines, over time and over space (docs/DOMAIN.md). Pure functions:
// the one place where a sum, a last value, a ratio or an average of figures is decided.
//
//   kind   | over a period (a pole's quarters)         | over poles (region, nation)
//   flow   | sum of the quarters reported               | sum
//   stock  | the last value reported inside the period  | sum
//   ratio  | Σ numerator / Σ denominator over the quarters where both components have a value,
//          | each component aggregated by its own kind over those quarters (then summed over poles)
//   score  | the last value reported inside the period  | average of the poles' values, with the distribution
//
// « Non disponible » is not reported, never zero; nothing is carried in from outside the period.
//
// Completeness counts pole-quarters for every kind: over one quarter they are poles (« 31 pôles sur 39 »),
// over several quarters pole-quarters (« 110 trimestres déclarés sur 117 »).
//
// Each cell also carries its like-for-like comparison with the same period a year earlier (`cmp`): the
// same figure computed on both sides over what the pole reported in both periods only, so that a change
// is never read off two totals of different sets of poles:
//   flow   | the quarters reported in both periods (2026-T2 with 2025-T2…), summed on each side
//   stock  | poles with a value in the last quarter of both periods
//   score  | the same; each side is the average over those poles
//   ratio  | the quarters where both components have a value in both periods, each component by its kind
//          | (a ratio of stocks compares the last quarters of both periods)

export type Kind = 'flow' | 'stock' | 'ratio' | 'score';

/** One aggregate cell, at any level. Values are scaled integers (× 10 000). */
/** The like-for-like comparison of a cell with the same period a year earlier, over a common base. */
export interface Comparison {
  /** Poles in the common base (0: nothing comparable). */
  poles: number;
  /** flow/stock: each side's figure; ratio: each side's Σ numerator; score: each side's Σ values. Null with no pole. */
  cur: number | null;
  prev: number | null;
  /** ratio only: each side's Σ denominator. */
  curDen: number | null;
  prevDen: number | null;
}

export const NO_COMPARISON: Comparison = { poles: 0, cur: null, prev: null, curDen: null, prevDen: null };

export interface Cell {
  /** flow/stock: the figure; ratio: the percentage × 10 000; score: the average × 10 000; null when nothing was reported. */
  value: number | null;
  /** ratio: Σ numerator and Σ denominator; score: Σ values and the number of poles. */
  num: number | null;
  den: number | null;
  /** Completeness in pole-quarters: those with a value (a ratio: with both components), those expected. */
  reported: number;
  expected: number;
  /** Poles expected in at least one quarter of the period (the base a comparison is judged against). */
  polesExpected: number;
  cmp: Comparison;
  /** score: how many poles gave each value (in units, '1'…'4'). */
  distribution: Record<string, number> | null;
}

/** A pole's observations in one period, oldest quarter first; null = expected but not reported. */
export interface PeriodObservations {
  /** One entry per quarter of the period in which the pole was expected. */
  quarters: { index: number; value: number | null; expected: boolean }[];
  /** Index of the period's last quarter. */
  lastIndex: number;
  /** The same pole's observations of the period a year earlier, quarter for quarter (index − 4). */
  previous?: PeriodObservations;
}

const SCALE = 10_000;

type Quarters = PeriodObservations['quarters'];

function lastReported(obs: PeriodObservations): number | null {
  for (let i = obs.quarters.length - 1; i >= 0; i--) if (obs.quarters[i].value !== null) return obs.quarters[i].value;
  return null;
}

/** The value of the period's last quarter, when the pole was expected and reported there. */
function valueAtEnd(obs: PeriodObservations | undefined): number | null {
  const last = obs?.quarters.find((q) => q.index === obs.lastIndex);
  return last?.expected ? last.value : null;
}

const has = (q: Quarters[number] | undefined): q is Quarters[number] & { value: number } => Boolean(q?.expected && q.value !== null);

/** Completeness in pole-quarters: the expected quarters, and those of them `reported` says were. */
function counted(quarters: Quarters, reported: (position: number) => boolean) {
  let expected = 0;
  let withValue = 0;
  quarters.forEach((q, i) => {
    if (!q.expected) return;
    expected++;
    if (reported(i)) withValue++;
  });
  return { reported: withValue, expected, polesExpected: expected ? 1 : 0 };
}

/** A pole's cell for a flow, a stock or a score over one period. */
export function poleCell(kind: Exclude<Kind, 'ratio'>, obs: PeriodObservations): Cell {
  const completeness = counted(obs.quarters, (i) => obs.quarters[i].value !== null);
  if (kind === 'flow') {
    const reported = obs.quarters.filter(has);
    return {
      value: reported.length ? reported.reduce((s, q) => s + q.value, 0) : null,
      num: null,
      den: null,
      ...completeness,
      distribution: null,
      cmp: flowComparison(obs),
    };
  }
  const value = lastReported(obs);
  const cmp = endComparison(obs);
  if (kind === 'stock') return { value, num: null, den: null, ...completeness, distribution: null, cmp };
  return {
    value,
    num: value,
    den: value === null ? 0 : 1,
    ...completeness,
    distribution: value === null ? {} : { [String(Math.round(value / SCALE))]: 1 },
    cmp,
  };
}

/** A flow compared quarter for quarter: only the quarters reported in both periods count, on both sides. */
function flowComparison(obs: PeriodObservations): Comparison {
  const before = obs.previous?.quarters;
  if (!before) return NO_COMPARISON;
  let cur = 0;
  let prev = 0;
  let pairs = 0;
  obs.quarters.forEach((q, i) => {
    const p = before[i];
    if (has(q) && has(p)) {
      cur += q.value;
      prev += p.value;
      pairs++;
    }
  });
  return pairs ? { poles: 1, cur, prev, curDen: null, prevDen: null } : NO_COMPARISON;
}

/** A stock or a score compared on the values of both periods' last quarters. */
function endComparison(obs: PeriodObservations): Comparison {
  const cur = valueAtEnd(obs);
  const prev = valueAtEnd(obs.previous);
  return cur !== null && prev !== null ? { poles: 1, cur, prev, curDen: null, prevDen: null } : NO_COMPARISON;
}

/**
 * A pole's ratio cell from its numerator's and denominator's observations. The two components are paired
 * per quarter: a quarter where either is « non disponible » or missing contributes to neither, otherwise
 * a year's rate would divide a numerator over some quarters by a denominator over others. Over the paired
 * quarters each component then combines by its own kind: a flow sums them, a stock takes its value in the
 * last of them (so both stocks are read on the same quarter).
 *
 * Completeness counts the paired quarters among the expected ones: a quarter is reported only when both
 * components have a value there, the same condition under which it contributes to the figure.
 */
export function ratioCell(
  numKind: 'flow' | 'stock',
  numObs: PeriodObservations,
  denKind: 'flow' | 'stock',
  denObs: PeriodObservations,
): Cell {
  const pairedAt = (i: number) => has(numObs.quarters[i]) && has(denObs.quarters[i]);
  const positions = numObs.quarters.map((_, i) => i).filter(pairedAt);
  const sides = ratioSides(numKind, numObs, denKind, denObs, positions);
  return {
    value: sides.num !== null && sides.den !== null ? percent(sides.num, sides.den) : null,
    num: sides.num,
    den: sides.den,
    ...counted(numObs.quarters, pairedAt),
    distribution: null,
    cmp: ratioComparison(numKind, numObs, denKind, denObs),
  };
}

/** Each component of a ratio over some quarters (positions in the period): a flow sums them, a stock takes the last. */
function ratioSides(
  numKind: 'flow' | 'stock',
  numObs: PeriodObservations,
  denKind: 'flow' | 'stock',
  denObs: PeriodObservations,
  positions: number[],
): { num: number | null; den: number | null } {
  if (!positions.length) return { num: null, den: null };
  const side = (kind: 'flow' | 'stock', obs: PeriodObservations) =>
    kind === 'flow' ? positions.reduce((s, i) => s + obs.quarters[i].value!, 0) : obs.quarters[positions[positions.length - 1]].value!;
  return { num: side(numKind, numObs), den: side(denKind, denObs) };
}

/**
 * A ratio compared on the quarters where both components have a value in both periods; a ratio with a
 * stock component compares the two periods' last quarters only (a stock is read at the period's end).
 */
function ratioComparison(
  numKind: 'flow' | 'stock',
  numObs: PeriodObservations,
  denKind: 'flow' | 'stock',
  denObs: PeriodObservations,
): Comparison {
  const numBefore = numObs.previous;
  const denBefore = denObs.previous;
  if (!numBefore || !denBefore) return NO_COMPARISON;
  const lastPosition = numObs.quarters.findIndex((q) => q.index === numObs.lastIndex);
  let positions = numObs.quarters
    .map((_, i) => i)
    .filter((i) => has(numObs.quarters[i]) && has(denObs.quarters[i]) && has(numBefore.quarters[i]) && has(denBefore.quarters[i]));
  if (numKind === 'stock' || denKind === 'stock') positions = positions.filter((i) => i === lastPosition);
  if (!positions.length) return NO_COMPARISON;
  const cur = ratioSides(numKind, numObs, denKind, denObs, positions);
  const prev = ratioSides(numKind, numBefore, denKind, denBefore, positions);
  return { poles: 1, cur: cur.num, prev: prev.num, curDen: cur.den, prevDen: prev.den };
}

/** Numerator over denominator as a percentage × 10 000, or null without a positive denominator. */
export function percent(num: number, den: number): number | null {
  if (den <= 0) return null;
  return Math.round((num * 100 * SCALE) / den);
}

/** Σ of a nullable field over some items, null when every item's is null. */
function sumOf<T>(items: T[], pick: (x: T) => number | null): number | null {
  let out: number | null = null;
  for (const x of items) {
    const v = pick(x);
    if (v !== null) out = (out ?? 0) + v;
  }
  return out;
}

/** The comparisons of several areas combined: their common bases added up, side by side. */
export function combineComparisons(list: Comparison[]): Comparison {
  const withBase = list.filter((c) => c.poles > 0);
  if (!withBase.length) return NO_COMPARISON;
  return {
    poles: withBase.reduce((s, c) => s + c.poles, 0),
    cur: sumOf(withBase, (c) => c.cur),
    prev: sumOf(withBase, (c) => c.prev),
    curDen: sumOf(withBase, (c) => c.curDen),
    prevDen: sumOf(withBase, (c) => c.prevDen),
  };
}

/** Combines the cells of several areas (poles into a region, regions into the nation). */
export function combine(kind: Kind, cells: Cell[]): Cell {
  const reported = cells.reduce((s, c) => s + c.reported, 0);
  const expected = cells.reduce((s, c) => s + c.expected, 0);
  const polesExpected = cells.reduce((s, c) => s + c.polesExpected, 0);
  const counts = { reported, expected, polesExpected, cmp: combineComparisons(cells.map((c) => c.cmp)) };
  if (kind === 'flow' || kind === 'stock') {
    const withValue = cells.filter((c) => c.value !== null);
    return {
      value: withValue.length ? withValue.reduce((s, c) => s + c.value!, 0) : null,
      num: null,
      den: null,
      ...counts,
      distribution: null,
    };
  }
  if (kind === 'ratio') {
    const withBoth = cells.filter((c) => c.num !== null && c.den !== null);
    const num = withBoth.reduce((s, c) => s + c.num!, 0);
    const den = withBoth.reduce((s, c) => s + c.den!, 0);
    return {
      value: withBoth.length ? percent(num, den) : null,
      num: withBoth.length ? num : null,
      den: withBoth.length ? den : null,
      ...counts,
      distribution: null,
    };
  }
  // score: the average of the poles' values, kept as a sum and a count so it combines again exactly.
  const sum = cells.reduce((s, c) => s + (c.num ?? 0), 0);
  const count = cells.reduce((s, c) => s + (c.den ?? 0), 0);
  const distribution: Record<string, number> = {};
  for (const c of cells) for (const [k, n] of Object.entries(c.distribution ?? {})) distribution[k] = (distribution[k] ?? 0) + n;
  // No pole with a value: a null sum, as a pole's own cell has, not a zero that reads like a figure.
  return { value: count ? Math.round(sum / count) : null, num: count ? sum : null, den: count, ...counts, distribution };
}

/**
 * What `whole` holds beyond `parts` (some of the areas it combines): the inverse of combine(), for a
 * figure whose areas are not all shown (the poles of a region outside a manager's scope). Exact, since
 * every cell combines by sums (a ratio: Σ numerator, Σ denominator; a score: Σ values, number of poles).
 */
export function remainder(kind: Kind, whole: Cell, parts: Cell[]): Cell {
  const minus = (w: number | null, pick: (c: Cell) => number | null): number | null => {
    if (w === null) return null;
    return w - parts.reduce((s, c) => s + (pick(c) ?? 0), 0);
  };
  const counts = {
    reported: whole.reported - parts.reduce((s, c) => s + c.reported, 0),
    expected: whole.expected - parts.reduce((s, c) => s + c.expected, 0),
    polesExpected: whole.polesExpected - parts.reduce((s, c) => s + c.polesExpected, 0),
    cmp: NO_COMPARISON,
  };
  if (kind === 'flow' || kind === 'stock') {
    // The rest has a value only if some pole-quarter outside `parts` was reported.
    const value = counts.reported > 0 ? minus(whole.value, (c) => c.value) : null;
    return { value, num: null, den: null, ...counts, distribution: null };
  }
  const num = minus(whole.num, (c) => c.num);
  const den = minus(whole.den, (c) => c.den);
  const distribution: Record<string, number> | null = whole.distribution ? { ...whole.distribution } : null;
  if (distribution)
    for (const c of parts)
      for (const [k, n] of Object.entries(c.distribution ?? {})) {
        distribution[k] = (distribution[k] ?? 0) - n;
        if (distribution[k] <= 0) delete distribution[k];
      }
  if (kind === 'ratio') {
    const has = num !== null && den !== null && counts.reported > 0;
    return { value: has ? percent(num, den) : null, num: has ? num : null, den: has ? den : null, ...counts, distribution: null };
  }
  const count = den ?? 0;
  const value = count > 0 && num !== null ? Math.round(num / count) : null;
  return { value, num: count > 0 ? num : null, den: count, ...counts, distribution };
}
