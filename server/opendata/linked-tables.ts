// Confidentiality across the tables open data offers together. Pure: no I/O.
//
// Within one table, national − Σ regions must never isolate one hidden figure (confidentiality.ts). The
// tables of one calendar year are linked too: a flow's year figure is the sum of its four quarters, and a
// stock's (or a score's, or a ratio's) is close to its fourth quarter's. So, for every indicator and area
// (each region and the nation), until nothing changes:
//  - a figure hidden in a quarter is hidden in the year too (else year − other quarters gives it away);
//  - a year figure of another kind than a flow is hidden when 1 or 2 poles have a value in the year but
//    none in its fourth quarter (year − fourth quarter would be their figure);
//  - a quarter offered without an area (no pole there yet) counts as empty for that area;
//  - a hidden year figure of a flow, when all four quarters are offered and shown, hides its largest
//    quarter with it; for the other kinds it hides its fourth quarter;
//  - and every table's own rule runs again on what changed.
// Each pass only ever hides more, so it ends. Checked by a property test on random families of tables.
import type { SummaryFigure, SummaryIndicator, SummaryPeriod } from '../exports/summary.types.ts';
import {
  isHidden,
  MIN_CONTRIBUTORS,
  primaryStates,
  secondaryStep,
  type Cell,
  type CellState,
  type ProtectedIndicator,
} from './confidentiality.ts';

export const NATION = 'FR';

/** One table offered: a publication's national and regional figures. */
export interface LinkedTable {
  key: string;
  period: SummaryPeriod;
  indicators: Pick<SummaryIndicator, 'code' | 'kind'>[];
  national: Pick<SummaryFigure, 'indicator' | 'area' | 'value' | 'contributors'>[];
  regions: Pick<SummaryFigure, 'indicator' | 'area' | 'value' | 'contributors'>[];
}

/** Per table key, per indicator code: the state of the nation and of each region. */
export type LinkedStates = Map<string, Map<string, ProtectedIndicator>>;

interface Slot {
  national: Cell;
  regions: Cell[];
  state: ProtectedIndicator;
}

const toCell = (f: LinkedTable['national'][number]): Cell => ({ area: f.area, value: f.value, contributors: f.contributors ?? 0 });

function cellOf(slot: Slot | undefined, area: string): { cell: Cell; state: CellState } | undefined {
  if (!slot) return undefined;
  if (area === NATION) return { cell: slot.national, state: slot.state.national };
  const cell = slot.regions.find((r) => r.area === area);
  return cell ? { cell, state: slot.state.regions.get(area) ?? 'empty' } : undefined;
}

function hide(slot: Slot, area: string): void {
  if (area === NATION) slot.state.national = 'secondary';
  else slot.state.regions.set(area, 'secondary');
}

/**
 * Whether a year figure that is not a flow differs from its fourth quarter's by the last figures of fewer
 * than MIN_CONTRIBUTORS poles (those with a value in the year but none in its fourth quarter): then
 * year − fourth quarter (for a score, weighted by the pole counts) gives those poles' figure away.
 */
function stragglers(year: Cell, q4: Cell): boolean {
  const apart = year.contributors - q4.contributors;
  return apart > 0 && apart < MIN_CONTRIBUTORS;
}

/** Applies primary and secondary suppression to every table, and the links between a year and its quarters. */
export function protectLinked(tables: readonly LinkedTable[]): LinkedStates {
  const slots = primarySlots(tables);
  // Each pass only ever hides more, so this ends.
  let changed = true;
  while (changed) {
    const insideTables = protectInsideTables(slots);
    const acrossPeriods = protectYearsAndQuarters(tables, slots);
    changed = insideTables || acrossPeriods;
  }
  return new Map([...slots].map(([key, byIndicator]) => [key, new Map([...byIndicator].map(([code, slot]) => [code, slot.state]))]));
}

/** Per table key, per indicator code: the cells, with each table's own primary suppression applied. */
function primarySlots(tables: readonly LinkedTable[]): Map<string, Map<string, Slot>> {
  const slots = new Map<string, Map<string, Slot>>();
  for (const t of tables) {
    const byIndicator = new Map<string, Slot>();
    for (const n of t.national) {
      const national = toCell(n);
      const regions = t.regions.filter((r) => r.indicator === n.indicator).map(toCell);
      byIndicator.set(n.indicator, { national, regions, state: primaryStates(national, regions) });
    }
    slots.set(t.key, byIndicator);
  }
  return slots;
}

/** One step of every table's own secondary suppression (national − Σ regions); true when it hid anything. */
function protectInsideTables(slots: Map<string, Map<string, Slot>>): boolean {
  let changed = false;
  for (const byIndicator of slots.values()) {
    for (const slot of byIndicator.values()) if (secondaryStep(slot.national, slot.regions, slot.state)) changed = true;
  }
  return changed;
}

/** One pass of the links between each year and its quarters, for every indicator and area; true when it hid anything. */
function protectYearsAndQuarters(tables: readonly LinkedTable[], slots: Map<string, Map<string, Slot>>): boolean {
  let changed = false;
  for (const y of tables.filter((t) => t.period.kind === 'year')) {
    const quarters = quarterTablesOf(tables, y.period.year).map((q) => (q ? slots.get(q.key) : undefined));
    const offered = quarters.map((q) => q !== undefined);
    for (const ind of y.indicators) {
      const ySlot = slots.get(y.key)?.get(ind.code);
      if (!ySlot) continue;
      const qSlots = quarters.map((q) => q?.get(ind.code));
      for (const area of [NATION, ...ySlot.regions.map((r) => r.area)]) {
        if (protectYearOfArea(ind.kind, area, ySlot, qSlots, offered)) changed = true;
      }
    }
  }
  return changed;
}

/** The four quarter tables of a year, in order; undefined for a quarter not offered. */
function quarterTablesOf(tables: readonly LinkedTable[], year: number): (LinkedTable | undefined)[] {
  const out: (LinkedTable | undefined)[] = [undefined, undefined, undefined, undefined];
  for (const t of tables) if (t.period.kind === 'quarter' && t.period.year === year) out[t.period.quarter - 1] = t;
  return out;
}

/**
 * The year rules for one indicator and area (see the top of this file): hides the year when a quarter or
 * the stragglers would give a figure away, or a quarter when the hidden year could be recovered from them.
 */
function protectYearOfArea(
  kind: LinkedTable['indicators'][number]['kind'],
  area: string,
  ySlot: Slot,
  qSlots: (Slot | undefined)[],
  offered: boolean[],
): boolean {
  const yc = cellOf(ySlot, area)!;
  // A quarter offered without this area (no pole there yet) or this indicator says « nothing »:
  // an empty cell, not a missing table, else the year minus the other quarters would give it away.
  const qc = qSlots.map((q, i) =>
    offered[i] ? (cellOf(q, area) ?? { cell: { area, value: null, contributors: 0 }, state: 'empty' as const }) : undefined,
  );
  const q4 = qc[3];
  if (yc.state === 'shown' && qc.some((c) => c && isHidden(c.state))) return hideAndSay(ySlot, area);
  // Year − fourth quarter is the last figure of the poles that skipped the fourth quarter: 1 or 2 poles.
  if (kind !== 'flow' && yc.state === 'shown' && q4?.state === 'shown' && stragglers(yc.cell, q4.cell)) return hideAndSay(ySlot, area);
  if (!isHidden(yc.state)) return false;
  if (kind !== 'flow') return q4?.state === 'shown' ? hideAndSay(qSlots[3]!, area) : false;
  // Every quarter offered and none hidden: the year is their sum, so its largest quarter goes with it.
  const shownQuarters = qc.map((c, i) => ({ c, i })).filter((x) => x.c?.state === 'shown');
  if (!qc.every((c) => c !== undefined) || qc.some((c) => isHidden(c!.state)) || !shownQuarters.length) return false;
  const largest = shownQuarters.sort((a, b) => Math.abs(b.c!.cell.value ?? 0) - Math.abs(a.c!.cell.value ?? 0))[0];
  return hideAndSay(qSlots[largest.i]!, area);
}

function hideAndSay(slot: Slot, area: string): true {
  hide(slot, area);
  return true;
}
