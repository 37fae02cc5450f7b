// Demo targets: most poles have targets for 2025 and 2026 on five indicators (flows, a stock, a score),
// some met, some behind, one pole in eight none at all; manager A's pole has a proposal for next year
// waiting for staff, and a convention over 2024–2026. Set through the targets service, as staff would.
import type { Services } from '../server/services.ts';
import { SCALE } from '../server/lib/decimal.ts';
import type { Random } from './random.ts';

const CODES = ['EMP_CREES', 'ACT_CONSOLIDEES', 'TE_ACTIONS', 'EMP_ETP_FIN', 'MATURITE_COOP'] as const;

/** A scaled value written as the form reads it (« 12,5 »). */
const typed = (scaled: number, decimals: number) => (scaled / SCALE).toFixed(decimals).replace('.', ',');

export async function loadDemoTargets(
  s: Services,
  rand: Random,
  poleIds: number[],
  staffId: number,
  proposal: { poleId: number; managerId: number },
): Promise<number> {
  const indicators = (await s.repos.indicators.list(s.db, { activeOnly: true })).filter((i) =>
    (CODES as readonly string[]).includes(i.code),
  );
  const values = await s.repos.reporting.allValues(s.db);
  // A pole's year, per indicator: the flows' total, the stocks' and scores' last value (the demo fills every quarter).
  const yearly = (poleId: number, indicatorId: number, kind: string, year: number): number | null => {
    const rows = values.filter(
      (v) => v.pole_id === poleId && v.indicator_id === indicatorId && v.category === '' && v.year === year && v.value_scaled !== null,
    );
    if (!rows.length) return null;
    if (kind === 'flow') return rows.reduce((sum, v) => sum + v.value_scaled!, 0);
    return rows.sort((a, b) => b.quarter - a.quarter)[0].value_scaled;
  };
  let count = 0;
  for (const [n, poleId] of poleIds.entries()) {
    if (n % 8 === 7) continue; // a few poles without targets: never counted as 0
    const pole = (await s.repos.poles.findById(s.db, poleId))!;
    for (const year of [2025, 2026]) {
      const body: Record<string, string> = {};
      for (const ind of indicators) {
        const base = yearly(poleId, ind.id, ind.kind, 2025);
        if (base === null) continue;
        // 2025: around what was done (met or missed); 2026: a little more ambitious.
        const factor = year === 2025 ? 0.8 + rand.next() * 0.45 : 1 + rand.next() * 0.35;
        const decimals = ind.kind === 'score' ? 1 : ind.decimals;
        const max = ind.kind === 'score' ? 4 * SCALE : Number.MAX_SAFE_INTEGER;
        body[`o.${ind.code}`] = typed(Math.min(max, Math.round(base * factor)), decimals);
      }
      const { digest } = await s.targets.form(pole, year);
      count += await s.targets.saveYear(pole, year, body, digest, { userId: staffId, requestId: 'demo-seed' });
    }
  }
  // One proposal for next year, waiting for staff, and one convention over 2024–2026 on the same pole.
  const pole = (await s.repos.poles.findById(s.db, proposal.poleId))!;
  const span = { first: 2024, last: 2026 };
  const convention = await s.targets.formSpan(pole, span);
  count += await s.targets.saveSpan(pole, span, { 'o.EMP_CREES': '25', 'o.ACT_CONSOLIDEES': '40' }, convention.digest, {
    userId: staffId,
    requestId: 'demo-seed',
  });
  const next = s.clock.now().setZone('Europe/Paris').year + 1;
  const { digest } = await s.targets.form(pole, next);
  count += await s.targets.propose(pole, next, { 'o.EMP_CREES': '15', 'o.ACT_CONSOLIDEES': '8' }, digest, {
    userId: proposal.managerId,
    requestId: 'demo-seed',
  });
  return count;
}
