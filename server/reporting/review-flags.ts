// The alerts a reviewer sees, recomputed from what is stored with the form's own rules (unusualMovements
// in entry-rules.ts). Not checkEntry itself: it returns no flags as soon as one line is in error, and a
// stored quarter can turn "in error" later (a bound tightened, a member added to the register), which
// would silently hide every alert.
import { isCarriedOver, lineKey, unusualMovements, type EntryContext } from './entry-rules.ts';

export interface ReviewFlag {
  code: string;
  message: string;
}

/** The form's alerts (unusual movement, register mismatch) for the quarter's stored values. */
export function reviewFlags(ctx: EntryContext): ReviewFlag[] {
  const storedValue = (key: string) => ctx.stored.get(key)?.value ?? undefined;
  return ctx.indicators.flatMap((ind) => {
    const stored = ctx.stored.get(lineKey(ind.code));
    if (!stored || stored.notAvailable || stored.value === null) return [];
    // A carried-over stock is not a movement: the form only flags what the manager entered.
    const carriedOver = isCarriedOver(ind, stored.value, ctx, stored.carriedOver);
    return unusualMovements(ind, storedValue, carriedOver, ctx).map((message) => ({ code: ind.code, message }));
  });
}
