// The open data table of one publication: national and regional figures with statistical confidentiality
// applied, and its CSV (UTF-8, comma). Pure: no I/O.
import type { SummaryFigure, SummaryIndicator } from '../exports/summary.types.ts';
import type { Publication } from '../publications/publications.repo.ts';
import { periodKey } from '../publications/publication-period.ts';
import { isHidden, SECRET, type CellState, type ProtectedIndicator } from './confidentiality.ts';
import { protectLinked, type LinkedTable } from './linked-tables.ts';
import { readTimestamp } from '../db/dialect.ts';
import { csvDocument } from '../exports/csv.ts';
import { ZONE } from '../lib/clock.ts';
import { COLUMNS, type ColumnName } from './opendata-columns.ts';

export type OpenRow = Record<ColumnName, string | number>;

const KIND_LABEL: Record<SummaryIndicator['kind'], string> = { flow: 'flux', stock: 'stock', ratio: 'ratio', score: 'score' };

/** A figure as the file writes it: a plain number (a point, trailing zeros dropped), exact to 4 decimals. */
const plainNumber = (v: number): number => Number(v.toFixed(4));

/** The Paris date of a stored timestamp, 'AAAA-MM-JJ'. */
function parisDate(stamp: string): string {
  return readTimestamp(stamp)?.setZone(ZONE).toISODate() ?? '';
}

/** A publication as one of the tables open data offers together. */
export function linkedTableOf(pub: Publication): LinkedTable {
  const s = pub.summary;
  return { key: periodKey(pub.period), period: pub.period, indicators: s.indicators, national: s.national, regions: s.regions };
}

/**
 * The rows of one publication: the nation then each region, per indicator in catalogue order. `states`
 * comes from protectLinked over every table offered with it; alone, the publication is protected by itself.
 */
export function openDataRows(
  pub: Publication,
  states: Map<string, ProtectedIndicator> = protectLinked([linkedTableOf(pub)]).get(periodKey(pub.period))!,
): OpenRow[] {
  const s = pub.summary;
  const byIndicator = new Map(s.indicators.map((i) => [i.code, i]));
  const common = {
    periode: periodKey(pub.period),
    type_periode: pub.period.kind === 'quarter' ? 'trimestre' : 'annee',
    version: pub.version,
    date_publication: parisDate(pub.publishedAt),
  };
  const row = (f: SummaryFigure, niveau: 'national' | 'regional', state: CellState | undefined): OpenRow => {
    const ind = byIndicator.get(f.indicator);
    // A figure the algorithm did not see (should not happen) is withheld rather than shown.
    const hidden = state === undefined || isHidden(state);
    return {
      ...common,
      niveau,
      code_zone: f.area,
      zone: f.areaName,
      code_indicateur: f.indicator,
      indicateur: ind?.label ?? f.indicator,
      nature: ind ? KIND_LABEL[ind.kind] : '',
      unite: ind?.unit ?? '',
      valeur: hidden ? SECRET : f.value === null ? '' : plainNumber(f.value),
      poles_contributeurs: hidden ? '' : (f.contributors ?? 0),
      declarations_recues: hidden ? '' : f.reported,
      declarations_attendues: hidden ? '' : f.expected,
    };
  };
  const out: OpenRow[] = [];
  for (const ind of s.indicators) {
    const st = states.get(ind.code);
    for (const f of s.national.filter((x) => x.indicator === ind.code)) out.push(row(f, 'national', st?.national));
    for (const f of s.regions.filter((x) => x.indicator === ind.code)) out.push(row(f, 'regional', st?.regions.get(f.area)));
  }
  return out;
}

/** The file: RFC 4180 (UTF-8 without BOM, comma, point decimals, CRLF), a header line of column names. */
export function openDataCsv(rows: OpenRow[]): string {
  const names = COLUMNS.map((c) => c.name);
  return csvDocument([names, ...rows.map((r) => names.map((n) => r[n]))], 'standard');
}
