// Statistical confidentiality for open data. Pure functions, no I/O.
//
// Primary suppression: a regional (or national) figure resting on fewer than MIN_CONTRIBUTORS poles is
// replaced by « secret statistique ». Secondary suppression, per indicator: the national figure minus the
// regions shown equals the sum of the hidden ones, so a hidden figure must never be alone. When exactly one
// regional figure is hidden, the next weakest shown region (fewest poles, then smallest value) among those
// at least as large as the hidden figure is hidden too (a tiny partner, a zero say, would leave the sum
// equal to the secret), failing that the largest shown region; when no region is left to hide, the
// national figure is hidden instead.
//
// A region with no figure at all (nothing reported: value null) is not a secret: it contributes nothing
// and says so. It is never counted as a hidden figure, so it can never « cover » a real one.

export const MIN_CONTRIBUTORS = 3;

/** One cell of a table: a figure for one area, with the number of distinct poles behind it. */
export interface Cell {
  area: string;
  value: number | null;
  contributors: number;
}

export type CellState = 'shown' | 'empty' | 'primary' | 'secondary';

export interface ProtectedIndicator {
  national: CellState;
  /** One state per region, keyed by area code. */
  regions: Map<string, CellState>;
}

export const isHidden = (s: CellState | undefined): boolean => s === 'primary' || s === 'secondary';

/** Primary suppression of one cell: empty without a value, hidden under MIN_CONTRIBUTORS poles. */
export function primaryState(c: Cell): CellState {
  if (c.value === null) return 'empty';
  return c.contributors < MIN_CONTRIBUTORS ? 'primary' : 'shown';
}

/** Orders candidates for secondary suppression: the weakest first (fewest poles, smallest value, then code). */
function weakestFirst(a: Cell, b: Cell): number {
  return (
    a.contributors - b.contributors || Math.abs(a.value ?? 0) - Math.abs(b.value ?? 0) || (a.area < b.area ? -1 : a.area > b.area ? 1 : 0)
  );
}

/** The shown cell that best covers `secret`: the weakest among those at least as large, else the largest. */
export function partnerFor(secret: Cell, shown: Cell[]): Cell | undefined {
  const covering = shown
    .filter((r) => r.value !== null && r.value !== 0 && Math.abs(r.value) >= Math.abs(secret.value ?? 0))
    .sort(weakestFirst);
  return covering[0] ?? [...shown].sort((a, b) => Math.abs(b.value ?? 0) - Math.abs(a.value ?? 0) || weakestFirst(a, b))[0];
}

/**
 * Secondary suppression on one indicator of one table, in place: when the national figure is shown and
 * exactly one region is hidden, hides its partner (or the national figure). Returns whether it hid a cell.
 */
export function secondaryStep(national: Cell, regions: readonly Cell[], state: ProtectedIndicator): boolean {
  if (isHidden(state.national)) return false;
  const hidden = regions.filter((r) => isHidden(state.regions.get(r.area)));
  if (hidden.length !== 1) return false;
  const partner = partnerFor(
    hidden[0],
    regions.filter((r) => state.regions.get(r.area) === 'shown'),
  );
  if (partner) state.regions.set(partner.area, 'secondary');
  else state.national = 'secondary';
  return true;
}

/** The primary states of one indicator of one table. */
export function primaryStates(national: Cell, regions: readonly Cell[]): ProtectedIndicator {
  return { national: primaryState(national), regions: new Map(regions.map((r) => [r.area, primaryState(r)])) };
}

/** Decides which cells of one indicator of one table (the nation and its regions) may be shown. */
export function protectIndicator(national: Cell, regions: readonly Cell[]): ProtectedIndicator {
  const state = primaryStates(national, regions);
  // One step is enough within one table: afterwards 0 or at least 2 regions are hidden, or the nation is.
  secondaryStep(national, regions, state);
  return state;
}

/** What a hidden or missing cell says in a file or a page. */
export const SECRET = 'secret statistique';
