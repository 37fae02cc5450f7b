// A convention's (multi-year) targets against the pole's figures over the span so far, by the rule of
// server/aggregates/progress.ts; read with the year's by target-progress.service.ts.
import type { Knex } from 'knex';
import type { AggregatesReadRepo } from '../aggregates/aggregates-read.repo.ts';
import type { Base, StoredAggregate } from '../aggregates/aggregates.repo.ts';
import { progress } from '../aggregates/progress.ts';
import type { IndicatorRow } from '../indicators/indicators.repo.ts';
import { fromIndex, quarterIndex, quarterLabel } from '../lib/quarters.ts';
import type { PoleRow } from '../poles/poles.repo.ts';
import type { PoleProgressLine } from './target-progress.service.ts';
import type { TargetRow } from './targets.repo.ts';

/**
 * A convention's targets (spans holding the year) against the pole's figure over the span so far: a flow's
 * years added up to the last consolidated quarter, a level's value there; the trajectory over the span.
 */
export async function spanProgress(
  db: Knex,
  aggregatesRead: AggregatesReadRepo,
  {
    pole,
    validated,
    byId,
    lastConsolidated,
    base,
  }: {
    pole: Pick<PoleRow, 'id'>;
    validated: TargetRow[];
    byId: Map<number, IndicatorRow>;
    lastConsolidated: number | null;
    base: Base;
  },
): Promise<PoleProgressLine[]> {
  const spans = validated.filter((x) => x.first_year !== x.last_year && byId.has(x.indicator_id));
  const out: PoleProgressLine[] = [];
  for (const target of spans) {
    const indicator = byId.get(target.indicator_id)!;
    const first = quarterIndex({ year: target.first_year, quarter: 1 });
    const quarters = 4 * (target.last_year - target.first_year + 1);
    const end = lastConsolidated === null ? null : Math.min(lastConsolidated, quarterIndex({ year: target.last_year, quarter: 4 }));
    if (end === null || end < first) continue;
    const endYear = fromIndex(end).year;
    const read = (grain: 'year' | 'ytd', from: number, to: number) =>
      poleCells(db, aggregatesRead, { base, pole, indicator, category: target.category, grain, from, to });
    const last = (await read('ytd', end, end))[0] ?? null;
    const years =
      indicator.kind === 'flow' && endYear > target.first_year
        ? await read('year', quarterIndex({ year: target.first_year, quarter: 4 }), quarterIndex({ year: endYear - 1, quarter: 4 }))
        : [];
    const actual = spanActual(indicator, years, last);
    const value = actual?.value ?? null;
    const elapsed = end - first + 1;
    out.push({
      indicator,
      category: null,
      target,
      actual,
      elapsed,
      through: quarterLabel(fromIndex(end)),
      progress: progress({
        kind: indicator.kind,
        direction: indicator.direction,
        target: target.value_scaled,
        actual: value,
        elapsed,
        span: quarters,
      }),
    });
  }
  return out;
}

/** A flow's years added up (the running one to date), a level's last value; with what they hold. */
function spanActual(indicator: IndicatorRow, years: StoredAggregate[], last: StoredAggregate | null): PoleProgressLine['actual'] {
  const cells = [...years, ...(last ? [last] : [])];
  if (!cells.length) return null;
  const counted = cells.filter((c) => c.value !== null);
  const value = indicator.kind === 'flow' ? (counted.length ? counted.reduce((n, c) => n + c.value!, 0) : null) : (last?.value ?? null);
  return { value, reported: cells.reduce((n, c) => n + c.reported, 0), expected: cells.reduce((n, c) => n + c.expected, 0) };
}

/** One pole's cells of one indicator (its total, or a category) over a range of one grain. */
function poleCells(
  db: Knex,
  aggregatesRead: AggregatesReadRepo,
  o: { base: Base; pole: Pick<PoleRow, 'id'>; indicator: IndicatorRow; category: string; grain: 'year' | 'ytd'; from: number; to: number },
): Promise<StoredAggregate[]> {
  return aggregatesRead.read(db, {
    base: o.base,
    level: 'pole',
    areas: [String(o.pole.id)],
    indicatorIds: [o.indicator.id],
    category: o.category,
    grain: o.grain,
    fromIndex: o.from,
    toIndex: o.to,
  });
}
