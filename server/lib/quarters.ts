/** A calendar quarter. Written '2026-T3' in French; '2026-Q3' is accepted on input. */
export interface Quarter {
  year: number;
  quarter: number;
}

export function parseQuarter(text: string): Quarter | null {
  const m = /^\s*(\d{4})\s*-?\s*[TtQq]\s*([1-4])\s*$/.exec(text);
  if (!m) return null;
  return { year: Number(m[1]), quarter: Number(m[2]) };
}

export function quarterLabel(q: Quarter): string {
  return `${q.year}-T${q.quarter}`;
}

export function compareQuarters(a: Quarter, b: Quarter): number {
  return a.year - b.year || a.quarter - b.quarter;
}
