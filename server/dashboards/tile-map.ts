// The map of France drawn by the app itself: one square per region on a CSS grid, placed roughly where
// the region lies (positions in public/css/app.css, class map-r<code>), the five overseas regions in a
// row below. Shaded in up to five quantile classes of the values shown (see classBreaks).
// Pure: no I/O, no external map service.

/** Region codes (INSEE) with a short label for the square, metropolitan first, then overseas. */
export const MAP_REGIONS: { code: string; short: string; overseas: boolean }[] = [
  { code: '28', short: 'NOR', overseas: false },
  { code: '32', short: 'HDF', overseas: false },
  { code: '44', short: 'GES', overseas: false },
  { code: '53', short: 'BRE', overseas: false },
  { code: '52', short: 'PDL', overseas: false },
  { code: '11', short: 'IDF', overseas: false },
  { code: '27', short: 'BFC', overseas: false },
  { code: '75', short: 'NAQ', overseas: false },
  { code: '24', short: 'CVL', overseas: false },
  { code: '84', short: 'ARA', overseas: false },
  { code: '76', short: 'OCC', overseas: false },
  { code: '93', short: 'PAC', overseas: false },
  { code: '94', short: 'COR', overseas: false },
  { code: '01', short: 'GUA', overseas: true },
  { code: '02', short: 'MTQ', overseas: true },
  { code: '03', short: 'GUF', overseas: true },
  { code: '04', short: 'REU', overseas: true },
  { code: '06', short: 'MAY', overseas: true },
];

export const CLASSES = 5;

export interface MapInput {
  code: string;
  name: string;
  scaled: number | null;
  value: string | null;
}

export interface MapTile {
  code: string;
  short: string;
  /** Shown only for regions in scope: a region outside it is an empty square, without name or link. */
  inScope: boolean;
  name: string | null;
  value: string | null;
  href: string | null;
  /** 'c1'…'c5', 'none' (in scope, no figure) or 'out' (outside the scope). */
  shade: string;
}

/** One class: the smallest and largest value really in it, and how many regions it holds. */
export interface MapClass {
  from: number;
  to: number;
  count: number;
}

/**
 * Quantile classes: about as many values in each class, so that one outlier only shares the top class
 * with the next largest values instead of squeezing every other region into the lightest one (as equal
 * intervals would). The breaks sit at the quantiles: each distinct value is placed by the middle of its
 * rank among the sorted values, so that equal values always share a class and a large tie sits where its
 * weight lies; classes left empty by ties are dropped. Fewer distinct values than CLASSES give that many
 * classes; a single value gives one class; no value, none.
 */
export function classBreaks(values: number[]): MapClass[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (!n) return [];
  const distinct: { value: number; below: number; count: number }[] = [];
  sorted.forEach((v, i) => {
    const last = distinct[distinct.length - 1];
    if (last && last.value === v) last.count++;
    else distinct.push({ value: v, below: i, count: 1 });
  });
  const k = Math.min(CLASSES, distinct.length);
  const classes = new Map<number, MapClass>();
  for (const d of distinct) {
    const index = Math.min(k - 1, Math.floor((k * (d.below + d.count / 2)) / n));
    const c = classes.get(index);
    if (c) {
      c.to = d.value;
      c.count += d.count;
    } else classes.set(index, { from: d.value, to: d.value, count: d.count });
  }
  return [...classes.values()];
}

/** The class (1…classes.length) of a value: the first class whose largest value it does not exceed. */
export function classOf(value: number, classes: MapClass[]): number {
  for (let i = 0; i < classes.length; i++) if (value <= classes[i].to) return i + 1;
  return classes.length;
}

/**
 * The shade of class `i` (1-based) among `k`: spread over the five shades from light to dark, so that two
 * classes are light and dark rather than the two lightest; a single class keeps the darkest shade.
 */
export function shadeOf(i: number, k: number): string {
  if (k <= 1) return `c${CLASSES}`;
  return `c${1 + Math.round(((i - 1) * (CLASSES - 1)) / (k - 1))}`;
}

/**
 * The 18 squares and the legend. `inScope` holds the regions the user may see (with their figure, or
 * null); every other square is drawn empty so that nothing about it is shown. `number` formats a scaled
 * value without its unit and `unit` is the suffix, so that a legend range names the unit once; `query`
 * (« ?mesure=habitants ») is kept in the links to the regions' pages.
 */
export function tileMap(inScope: MapInput[], number: (scaled: number) => string, unit: string, query = '') {
  const byCode = new Map(inScope.map((r) => [r.code, r]));
  const values = inScope.map((r) => r.scaled).filter((v): v is number => v !== null);
  const classes = classBreaks(values);
  const tiles: MapTile[] = MAP_REGIONS.map((m) => {
    const r = byCode.get(m.code);
    if (!r) return { code: m.code, short: '', inScope: false, name: null, value: null, href: null, shade: 'out' };
    return {
      code: m.code,
      short: m.short,
      inScope: true,
      name: r.name,
      value: r.value,
      href: `/regions/${m.code}${query}`,
      shade: r.scaled === null ? 'none' : shadeOf(classOf(r.scaled, classes), classes.length),
    };
  });
  const overseasCodes = new Set(MAP_REGIONS.filter((m) => m.overseas).map((m) => m.code));
  return {
    metro: tiles.filter((x) => !overseasCodes.has(x.code)),
    overseas: tiles.filter((x) => overseasCodes.has(x.code)),
    legend: classes.map((c, i) => ({
      shade: shadeOf(i + 1, classes.length),
      from: number(c.from),
      to: number(c.to),
      unit,
      count: c.count,
      many: c.count >= 2,
    })),
    /** The note on quantiles only means something with two classes or more. */
    quantiles: classes.length >= 2,
    anyOutOfScope: tiles.some((x) => !x.inScope),
    anyWithoutData: tiles.some((x) => x.shade === 'none'),
  };
}
