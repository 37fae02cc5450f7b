// The alerts a reviewer sees, recomputed from what is stored with the same rules as the entry form
// (entry-rules.ts). Not checkEntry itself: it returns no flags as soon as one line is in error, and a
// stored quarter can turn "in error" later (a bound tightened, a member added to the register), which
// would silently hide every alert. test/http/review.test.ts checks both agree on a valid quarter.
import { SCALE } from '../lib/decimal.ts';
import { formatNumber } from '../lib/format.ts';
import { lineKey, type EntryContext } from './entry-rules.ts';
import { t } from '../i18n/messages.ts';

export interface ReviewFlag {
  code: string;
  message: string;
}

/** The form's alerts (unusual movement, register mismatch) for the quarter's stored values. */
export function reviewFlags(ctx: EntryContext): ReviewFlag[] {
  const flags: ReviewFlag[] = [];
  for (const ind of ctx.indicators) {
    const key = lineKey(ind.code);
    const stored = ctx.stored.get(key);
    if (!stored || stored.notAvailable || stored.value === null) continue;
    const value = stored.value;
    const flag = (message: string) => flags.push({ code: ind.code, message });

    // A carried-over stock is not a movement: the form only flags what the manager entered.
    const prev = ctx.previous.get(key);
    const fromRegister = ctx.register?.has(key) ?? false;
    const carriedOver = ind.kind === 'stock' && !fromRegister && prev !== undefined && value === prev && stored.carriedOver;
    if (ctx.pastQuarters >= 4 && !carriedOver) {
      if (ind.kind === 'stock' && prev !== undefined) {
        const change = prev === 0 ? (value === 0 ? 0 : Infinity) : (value - prev) / prev;
        if (Math.abs(change) > 0.5) {
          flag(prev === 0 ? t('entry.flag.jumpFromZero') : t('entry.flag.jump', { change: `${change > 0 ? '+' : ''}${Math.round(change * 100)}` }));
        }
      }
      const maxFlow = ctx.maxPastFlow.get(key);
      if (ind.kind === 'flow' && maxFlow !== undefined && value > 3 * maxFlow) {
        flag(t('entry.flag.peak', { max: formatNumber(maxFlow / SCALE, ind.decimals) }));
      }
    }
    const register = ctx.register;
    if (register && register.has(key)) {
      const keys = [key, ...ind.categories.map((c) => lineKey(ind.code, c.code))];
      const differs = keys.some((k) => {
        const v = ctx.stored.get(k)?.value;
        return register.has(k) && v !== undefined && v !== null && v !== register.get(k)! * SCALE;
      });
      if (differs) flag(t('entry.flag.register', { count: String(register.get(key)) }));
    }
  }
  return flags;
}
