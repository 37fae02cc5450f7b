// The provenance page's numbers on random data: the figure explained and each of its parts equal the
// naive computation (test/aggregates/naive.ts, which shares no code with server/aggregates), the parts
// recombine to the figure (the line « outside your scope » included), and the pole-quarters listed as
// missing are exactly those the completeness counts as missing.
import { expect } from 'chai';
import fc from 'fast-check';
import { createTestApp } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { naiveAggregates, type NaiveRow } from '../aggregates/naive.ts';
import { enter, formArb, LAST_CLOSED, QUARTERS } from '../aggregates/random-forms.ts';
import type { CurrentUser } from '../../server/http/current-user.ts';
import type { Grain } from '../../server/aggregates/periods.ts';
import type { FigureKey, Zone } from '../../server/provenance/provenance.schema.ts';
import type { ProvenanceInput } from '../../server/provenance/provenance-view.ts';
import { fromIndex } from '../../server/lib/quarters.ts';

const SCALE = 10_000;
const INDICATORS = ['EMP_CREES', 'EMP_ETP_FIN', 'MATURITE_COOP', 'TX_AUTOFINANCEMENT'];
const KEYS: { grain: Grain; end: number }[] = [
  { grain: 'quarter', end: LAST_CLOSED },
  { grain: 'quarter', end: LAST_CLOSED - 1 },
  { grain: 'ytd', end: LAST_CLOSED },
  { grain: 'rolling4', end: LAST_CLOSED },
  { grain: 'year', end: 2025 * 4 + 3 },
];

/** The parts recombined the way the rule says, written out here again. */
function recombined(kind: string, model: ProvenanceInput): number | null {
  const cells = model.parts.map((p) => p.cell);
  if (model.partsOf === 'quarters' && (kind === 'stock' || kind === 'score'))
    return [...cells].reverse().find((c) => c.value !== null)?.value ?? null;
  if (kind === 'flow' || kind === 'stock') {
    const withValue = cells.filter((c) => c.value !== null);
    return withValue.length ? withValue.reduce((s, c) => s + c.value!, 0) : null;
  }
  const withBoth = cells.filter((c) => c.num !== null && c.den !== null && (kind === 'score' || c.reported > 0));
  const num = withBoth.reduce((s, c) => s + c.num!, 0);
  const den = withBoth.reduce((s, c) => s + c.den!, 0);
  if (kind === 'score') return den ? Math.round(num / den) : null;
  return withBoth.length && den > 0 ? Math.round((num * 100 * SCALE) / den) : null;
}

describe(`provenance: the page's figures = naive, and its parts add up (${onPostgres ? 'PostgreSQL' : 'SQLite'}, property)`, function () {
  this.timeout(600_000);

  it('holds on random poles, quarters, statuses and values, for staff and for a manager', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ region: fc.constantFrom('76', '84'), first: fc.integer({ min: 0, max: 3 }) }), { minLength: 2, maxLength: 4 }),
        fc.array(fc.record({ pole: fc.nat(), quarter: fc.integer({ min: 0, max: 4 }), form: formArb }), { minLength: 3, maxLength: 14 }),
        async (poleSpecs, entries) => {
          const ctx = await createTestApp();
          try {
            const poles = [];
            for (const [i, p] of poleSpecs.entries())
              poles.push(
                await makePole(ctx.s, {
                  name: `Pôle ${i}`,
                  region: p.region,
                  departement: p.region === '76' ? '31' : '69',
                  firstReport: QUARTERS[p.first],
                }),
              );
            const writer = await makeUser(ctx.s, 'manager', { poleIds: poles.map((p) => p.id) });
            for (const e of entries) await enter(ctx, writer.id, poles[e.pole % poles.length].id, e.quarter, e.form);
            await ctx.s.refresh.rebuild();
            const naive = await naiveAggregates(ctx.db, LAST_CLOSED);
            const staff: CurrentUser = { id: 1, email: 's@x', displayName: 'S', role: 'staff', poleIds: [], regionCodes: [] };
            // A manager of the first pole sees the rest of its region, and the other regions, as one line each.
            const manager: CurrentUser = { ...staff, role: 'manager', poleIds: [poles[0].id] };
            const indicators = new Map(
              (await ctx.db('indicators').whereIn('code', INDICATORS).select('id', 'code', 'kind')).map((r) => [
                String(r.code),
                { id: Number(r.id), kind: String(r.kind) },
              ]),
            );
            const regions = [...new Set(poles.map((p) => p.region_code))];
            const zones: [Zone, string][] = [
              [{ kind: 'nation' }, 'nation|FR'],
              ...regions.map((code): [Zone, string] => [{ kind: 'regions', codes: [code] }, `region|${code}`]),
              ...poles.map((p): [Zone, string] => [{ kind: 'pole', slug: p.slug }, `pole|${p.id}`]),
            ];
            let checked = 0;
            for (const code of INDICATORS) {
              const ind = indicators.get(code)!;
              for (const { grain, end } of KEYS)
                for (const [zone, naiveArea] of zones)
                  for (const user of [staff, manager]) {
                    if (user === manager && zone.kind === 'pole' && zone.slug !== poles[0].slug) continue;
                    if (user === manager && zone.kind === 'regions' && zone.codes[0] !== poles[0].region_code) continue;
                    const key: FigureKey = { indicator: code, end: fromIndex(end), grain, zone, base: 'validated' };
                    const model = await ctx.s.provenance.model(user, key);
                    const row: NaiveRow | undefined = naive.get(`validated|${naiveArea}|${ind.id}||${grain}|${end}`);
                    const where = `${code} ${grain} ${end} ${JSON.stringify(zone)} ${user.role}`;
                    expect(model.figure?.value ?? null, `figure ${where}`).to.equal(row?.value ?? null);
                    if (!model.figure) continue;
                    checked++;
                    expect(model.figure.reported, `reported ${where}`).to.equal(row!.reported);
                    expect(model.figure.expected, `expected ${where}`).to.equal(row!.expected);
                    if (model.partsOf) expect(recombined(ind.kind, model), `parts add up ${where}`).to.equal(model.figure.value);
                    for (const part of model.parts) {
                      if (part.kind === 'rest') continue;
                      const area =
                        part.kind === 'region'
                          ? `region|${part.code}`
                          : part.kind === 'pole'
                            ? `pole|${poles.find((p) => p.slug === part.slug)!.id}`
                            : `pole|${poles.find((p) => p.slug === (zone as { slug: string }).slug)!.id}`;
                      const partKey =
                        part.kind === 'quarter'
                          ? `validated|${area}|${ind.id}||quarter|${part.index}`
                          : `validated|${area}|${ind.id}||${grain}|${end}`;
                      expect(part.cell.value, `part ${area} of ${where}`).to.equal(naive.get(partKey)?.value ?? null);
                    }
                    // Staff sees every pole: the pole-quarters listed are all those the completeness misses.
                    if (user === staff) expect(model.gaps.total, `gaps ${where}`).to.equal(row!.expected - row!.reported);
                  }
            }
            expect(checked, 'there is something to compare').to.be.greaterThan(20);
          } finally {
            await ctx.close();
          }
        },
      ),
      { numRuns: onPostgres ? 4 : 8, seed: 2026 },
    );
  });
});
