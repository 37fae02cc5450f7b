// What a target may be, wherever it is typed (the staff form, a manager's proposal, a spreadsheet): its
// field, its decimals and bounds, the years it may cover, and the window of a year it is compared over.
// Pure: no I/O.
import type { Clock } from '../lib/clock.ts';
import { SCALE } from '../lib/decimal.ts';
import { quarterIndex } from '../lib/quarters.ts';
import type { IndicatorCategoryRow, IndicatorRow } from '../indicators/indicators.repo.ts';
import { parseValue, type NumberRule } from '../reporting/entry-number.ts';

/** The form's field for an indicator's target (`o.MEMBRES`), or one of its categories' (`o.MEMBRES.ess`). */
export const targetField = (code: string, category = '') => (category ? `o.${code}.${category}` : `o.${code}`);

/** A target's key among a pole's targets of one span: its indicator and its category ('' for the total). */
export const targetKey = (indicatorId: number, category = '') => `${indicatorId}|${category}`;

/** Decimals a target is written with: a rate or a score aims at a level between whole values (« 3,5 »). */
export const targetDecimals = (ind: Pick<IndicatorRow, 'kind' | 'decimals'>) =>
  ind.kind === 'ratio' || ind.kind === 'score' ? Math.max(1, ind.decimals) : ind.decimals;

/** The years a target covers: one (`first` = `last`), or a convention's span. */
export interface Span {
  first: number;
  last: number;
}
export const MAX_SPAN_YEARS = 6;

/** What a target aims at: an indicator's total, or one of its categories. */
export interface TargetSlot {
  indicator: IndicatorRow;
  category: Pick<IndicatorCategoryRow, 'code' | 'label_fr'> | null;
}

/** Every slot a pole's targets may fill: each active indicator's total, then each of its categories. */
export function targetSlots(indicators: IndicatorRow[], categories: IndicatorCategoryRow[]): TargetSlot[] {
  return indicators.flatMap((indicator) => [
    { indicator, category: null },
    ...categories.filter((c) => c.indicator_id === indicator.id).map((category) => ({ indicator, category })),
  ]);
}

/** The years a target may be set for: from ten years back to five ahead of this one (Paris time). */
export function targetYears(clock: Clock): { min: number; max: number; current: number } {
  const current = clock.now().setZone('Europe/Paris').year;
  return { min: current - 10, max: current + 5, current };
}

/** A flow's target over `years` may reach that many years of quarters' bound; levels keep the quarter's bounds. */
function rule(ind: IndicatorRow, years: number): NumberRule {
  const unit = ind.unit as NumberRule['unit'];
  const decimals = targetDecimals(ind);
  if (ind.kind === 'flow') return { unit, decimals, min: ind.min_scaled, max: ind.max_scaled === null ? null : ind.max_scaled * 4 * years };
  if (ind.kind === 'ratio') return { unit, decimals, min: ind.min_scaled ?? 0, max: ind.max_scaled ?? 100 * SCALE };
  return { unit, decimals, min: ind.min_scaled, max: ind.max_scaled };
}

/** A target as typed (a form's field, a file's cell), by its indicator's rules over `years` years. */
export const parseTarget = (ind: IndicatorRow, text: string, years: number) => parseValue(text, rule(ind, years));

/** The period a target covers: the year to date at the last consolidated quarter, or the whole year. */
export function targetWindow(year: number, lastConsolidated: number | null): { end: number; elapsed: number } | null {
  const first = quarterIndex({ year, quarter: 1 });
  if (lastConsolidated === null || lastConsolidated < first) return null;
  const end = Math.min(lastConsolidated, quarterIndex({ year, quarter: 4 }));
  return { end, elapsed: end - first + 1 };
}
