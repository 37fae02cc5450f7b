// The map of France drawn by the app itself: one square per region on a CSS grid, placed roughly where
// the region lies (positions in public/css/app.css, class map-r<code>), the five overseas regions in a
// row below. Shaded in five classes of equal width between the smallest and the largest value shown.
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

/** Class boundaries (scaled): CLASSES intervals of equal width between the smallest and largest value. */
export function classBreaks(values: number[]): { from: number; to: number }[] {
  if (!values.length) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (min === max) return [{ from: min, to: max }];
  const width = (max - min) / CLASSES;
  return Array.from({ length: CLASSES }, (_, i) => ({ from: min + i * width, to: i === CLASSES - 1 ? max : min + (i + 1) * width }));
}

/** The class (1…CLASSES) of a value; a single-value map puts everything in the darkest class. */
export function classOf(value: number, breaks: { from: number; to: number }[]): number {
  if (breaks.length === 1) return CLASSES;
  for (let i = 0; i < breaks.length; i++) if (value <= breaks[i].to) return i + 1;
  return CLASSES;
}

/**
 * The 18 squares and the legend. `inScope` holds the regions the user may see (with their figure, or
 * null); every other square is drawn empty so that nothing about it is shown.
 */
export function tileMap(inScope: MapInput[], format: (scaled: number) => string) {
  const byCode = new Map(inScope.map((r) => [r.code, r]));
  const values = inScope.map((r) => r.scaled).filter((v): v is number => v !== null);
  const breaks = classBreaks(values);
  const tiles: MapTile[] = MAP_REGIONS.map((m) => {
    const r = byCode.get(m.code);
    if (!r) return { code: m.code, short: '', inScope: false, name: null, value: null, href: null, shade: 'out' };
    return {
      code: m.code,
      short: m.short,
      inScope: true,
      name: r.name,
      value: r.value,
      href: `/regions/${m.code}`,
      shade: r.scaled === null ? 'none' : `c${breaks.length === 1 ? CLASSES : classOf(r.scaled, breaks)}`,
    };
  });
  const overseasCodes = new Set(MAP_REGIONS.filter((m) => m.overseas).map((m) => m.code));
  return {
    metro: tiles.filter((x) => !overseasCodes.has(x.code)),
    overseas: tiles.filter((x) => overseasCodes.has(x.code)),
    legend: breaks.map((b, i) => ({ shade: `c${breaks.length === 1 ? CLASSES : i + 1}`, from: format(b.from), to: format(b.to) })),
    anyOutOfScope: tiles.some((x) => !x.inScope),
    anyWithoutData: tiles.some((x) => x.shade === 'none'),
  };
}
