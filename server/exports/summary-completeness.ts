// A summary's completeness table: the whole area (the nation or a funder's scope) and each of its regions,
// all indicators together, from the pole-quarters of the period (summary.service.ts reads them). Pure.
import { completenessUnit } from '../aggregates/completeness.ts';
import type { AggregateKey } from '../aggregates/periods.ts';
import type { ExportRegion } from './exports.repo.ts';
import type { SummaryCompleteness } from './summary.types.ts';

/** A pole in one quarter of the period: expected by some indicator, reported for some indicator. */
export interface PoleQuarter {
  region: string;
  expected: boolean;
  reported: boolean;
}

/** The completeness table: the whole area first (the nation or a scope), then each of its regions. */
export function completenessTable(
  area: string,
  name: string,
  regions: ExportRegion[],
  quarters: PoleQuarter[],
  key: AggregateKey,
): SummaryCompleteness[] {
  return [
    areaCompleteness(area, name, quarters, key),
    ...regions.map((r) =>
      areaCompleteness(
        r.code,
        r.name,
        quarters.filter((q) => q.region === r.code),
        key,
      ),
    ),
  ];
}

/** An area's completeness, all indicators together: poles for one quarter, pole-quarters beyond. */
function areaCompleteness(code: string, name: string, quarters: PoleQuarter[], key: AggregateKey): SummaryCompleteness {
  const expected = quarters.filter((q) => q.expected).length;
  const reported = quarters.filter((q) => q.expected && q.reported).length;
  return { area: code, areaName: name, reported, expected, unit: completenessUnit(key.grain), rate: expected ? reported / expected : null };
}
