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

export type Kind = 'flow' | 'stock' | 'ratio' | 'score';

/** One aggregate cell, at any level. Values are scaled integers (× 10 000). */
export interface Cell {
  /** flow/stock: the figure; ratio: the percentage × 10 000; score: the average × 10 000; null when nothing was reported. */
  value: number | null;
  /** ratio: Σ numerator and Σ denominator; score: Σ values and the number of poles. */
  num: number | null;
  den: number | null;
  /** Completeness: flows count pole-quarters, the other kinds count poles in the period's last quarter. */
  reported: number;
  expected: number;
  /** score: how many poles gave each value (in units, '1'…'4'). */
  distribution: Record<string, number> | null;
}

/** A pole's observations in one period, oldest quarter first; null = expected but not reported. */
export interface PeriodObservations {
  /** One entry per quarter of the period in which the pole was expected. */
  quarters: { index: number; value: number | null; expected: boolean }[];
  /** Index of the period's last quarter. */
  lastIndex: number;
}

const SCALE = 10_000;

function lastReported(obs: PeriodObservations): number | null {
  for (let i = obs.quarters.length - 1; i >= 0; i--) if (obs.quarters[i].value !== null) return obs.quarters[i].value;
  return null;
}

function inLastQuarter(obs: PeriodObservations): { expected: boolean; reported: boolean } {
  const last = obs.quarters.find((q) => q.index === obs.lastIndex);
  return { expected: Boolean(last?.expected), reported: last?.value !== null && last?.value !== undefined };
}

/** A pole's cell for a flow, a stock or a score over one period. */
export function poleCell(kind: Exclude<Kind, 'ratio'>, obs: PeriodObservations): Cell {
  if (kind === 'flow') {
    const expectedQuarters = obs.quarters.filter((q) => q.expected);
    const reported = expectedQuarters.filter((q) => q.value !== null);
    return {
      value: reported.length ? reported.reduce((s, q) => s + q.value!, 0) : null,
      num: null,
      den: null,
      reported: reported.length,
      expected: expectedQuarters.length,
      distribution: null,
    };
  }
  const last = inLastQuarter(obs);
  const value = lastReported(obs);
  if (kind === 'stock') {
    return { value, num: null, den: null, reported: last.reported ? 1 : 0, expected: last.expected ? 1 : 0, distribution: null };
  }
  return {
    value,
    num: value,
    den: value === null ? 0 : 1,
    reported: last.reported ? 1 : 0,
    expected: last.expected ? 1 : 0,
    distribution: value === null ? {} : { [String(Math.round(value / SCALE))]: 1 },
  };
}

/**
 * A pole's ratio cell from its numerator's and denominator's observations. The two components are paired
 * per quarter: a quarter where either is « non disponible » or missing contributes to neither, otherwise
 * a year's rate would divide a numerator over some quarters by a denominator over others. Over the paired
 * quarters each component then combines by its own kind: a flow sums them, a stock takes its value in the
 * last of them (so both stocks are read on the same quarter).
 *
 * Completeness counts the pole in the period's last quarter, as for the other non-flow kinds (the
 * dashboards word it in poles): it is reported only when that quarter is paired, i.e. both components
 * have a value there, the same condition under which the quarter contributes to the figure.
 */
export function ratioCell(
  numKind: 'flow' | 'stock',
  numObs: PeriodObservations,
  denKind: 'flow' | 'stock',
  denObs: PeriodObservations,
): Cell {
  const denominators = new Map(denObs.quarters.map((q) => [q.index, q]));
  const paired = numObs.quarters.flatMap((q) => {
    const d = denominators.get(q.index);
    return q.expected && d?.expected && q.value !== null && d.value !== null ? [{ index: q.index, num: q.value, den: d.value }] : [];
  });
  const component = (kind: 'flow' | 'stock', pick: (p: (typeof paired)[number]) => number) =>
    kind === 'flow' ? paired.reduce((s, p) => s + pick(p), 0) : pick(paired[paired.length - 1]);
  const num = paired.length ? component(numKind, (p) => p.num) : null;
  const den = paired.length ? component(denKind, (p) => p.den) : null;
  const n = inLastQuarter(numObs);
  const d = inLastQuarter(denObs);
  return {
    value: num !== null && den !== null ? percent(num, den) : null,
    num,
    den,
    reported: n.reported && d.reported ? 1 : 0,
    expected: n.expected ? 1 : 0,
    distribution: null,
  };
}

/** Numerator over denominator as a percentage × 10 000, or null without a positive denominator. */
export function percent(num: number, den: number): number | null {
  if (den <= 0) return null;
  return Math.round((num * 100 * SCALE) / den);
}

/** Combines the cells of several areas (poles into a region, regions into the nation). */
export function combine(kind: Kind, cells: Cell[]): Cell {
  const reported = cells.reduce((s, c) => s + c.reported, 0);
  const expected = cells.reduce((s, c) => s + c.expected, 0);
  if (kind === 'flow' || kind === 'stock') {
    const withValue = cells.filter((c) => c.value !== null);
    return {
      value: withValue.length ? withValue.reduce((s, c) => s + c.value!, 0) : null,
      num: null,
      den: null,
      reported,
      expected,
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
      reported,
      expected,
      distribution: null,
    };
  }
  // score: the average of the poles' values, kept as a sum and a count so it combines again exactly.
  const sum = cells.reduce((s, c) => s + (c.num ?? 0), 0);
  const count = cells.reduce((s, c) => s + (c.den ?? 0), 0);
  const distribution: Record<string, number> = {};
  for (const c of cells) for (const [k, n] of Object.entries(c.distribution ?? {})) distribution[k] = (distribution[k] ?? 0) + n;
  // No pole with a value: a null sum, as a pole's own cell has, not a zero that reads like a figure.
  return { value: count ? Math.round(sum / count) : null, num: count ? sum : null, den: count, reported, expected, distribution };
}
