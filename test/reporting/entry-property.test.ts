import { expect } from 'chai';
import fc from 'fast-check';
import type request from 'supertest';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { assertNoControlChars } from '../support/invariants.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { field } from '../../server/reporting/entry-rules.ts';
import { SCALE } from '../../server/lib/decimal.ts';

const PERIOD = '2026-T3';
const PERIOD_Q = { year: 2026, quarter: 3 };

/** Strings a hurried or hostile person might type in a number field. */
const numberish = fc.oneof(
  fc.integer({ min: -5, max: 100_000 }).map(String),
  fc.tuple(fc.double({ min: -10, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 5 })).map(([d, n]) => d.toFixed(n).replace('.', ',')),
  fc.constantFrom(
    '',
    ' ',
    '12,5',
    '1 234',
    '1\u00a0234,5',
    '1\u202f000',
    '0',
    '-0',
    '1e3',
    '1e309',
    'NaN',
    'Infinity',
    '12,5,3',
    '١٢٣',
    '0x10',
    '+7',
    '3.',
    ',5',
    '99999999999999999999',
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const text = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 60 }),
  fc.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'; DROP TABLE quarter_values; --", 'é'.repeat(2100)),
  // Control characters (a NUL is refused by the input guard, the others next to the field), line breaks
  // the Windows way, and what XLSX writes for a NUL.
  fc.constantFrom(
    'a\u0000b',
    'x\u000by',
    'saut\u000cde page',
    '\u001b[31mrouge',
    'suppr\u007f',
    '_x0000_',
    'ligne 1\r\nligne 2',
    'tab\tok',
    'seul\ud800',
  ),
  fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
);

describe('entry form under random and hostile input (property)', function () {
  this.timeout(300_000);
  let ctx: TestContext;
  let agent: ReturnType<typeof request.agent>;
  let slug = '';
  let codes: { code: string; categories: string[] }[] = [];

  before(async () => {
    ctx = await createTestApp();
    const pole = await makePole(ctx.s, { name: 'Pôle Aléatoire' });
    slug = pole.slug;
    const m = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
    agent = await signIn(ctx.app, m.email);
    const { entry } = await ctx.s.reporting.applicableIndicators({ year: 2026, quarter: 3 });
    codes = entry.map((i) => ({ code: i.code, categories: i.categories.map((c) => c.code) }));
  });
  after(() => ctx.close());

  it('never answers 5xx and never stores an invalid value', async () => {
    const url = `/mon-pole/${slug}/trimestres/${PERIOD}`;
    const fieldNames = codes.flatMap(({ code, categories }) => [
      field.value(code),
      field.na(code),
      field.naReason(code),
      field.comment(code),
      field.confirm(code),
      ...categories.map((c) => field.value(code, c)),
    ]);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...fieldNames), fc.oneof(numberish, text, fc.array(numberish, { minLength: 2, maxLength: 3 })), {
          maxKeys: 12,
        }),
        fc.constantFrom('brouillon', 'soumettre', 'autre', ''),
        fc.oneof(fc.constant('current'), fc.constantFrom('', 'abc', '-1', '999', '1.5')),
        text,
        async (fields, action, version, highlights) => {
          const page = await agent.get(url);
          const currentVersion = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '0';
          const res = await agent
            .post(url)
            .type('form')
            .send({ _csrf: csrfFrom(page.text), version: version === 'current' ? currentVersion : version, ...fields, highlights, action });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, `answered ${res.status}`).to.be.below(500);
          await checkStoredValues(ctx);
        },
      ),
      { numRuns: 120, seed: 20261126 },
    );
    // The run must have exercised both outcomes.
    expect(statuses.get(422) ?? 0, JSON.stringify([...statuses])).to.be.greaterThan(10);
    expect(statuses.get(303) ?? 0, JSON.stringify([...statuses])).to.be.greaterThan(3);
    await assertNoControlChars(ctx.db);
  });
});

/**
 * Every stored value obeys the catalogue: bounds, precision, a value or « non disponible ». A draft may hold
 * what only a submission refuses (a reason not given yet, parts that do not add up yet, a numerator above its
 * denominator); a submitted quarter may not.
 */
async function checkStoredValues(ctx: TestContext) {
  const indicators = new Map((await ctx.s.repos.indicators.list(ctx.db)).map((i) => [i.id, i]));
  const values = await ctx.s.repos.reporting.allValues(ctx.db);
  const report = values.length ? await ctx.s.repos.reporting.report(ctx.db, values[0].pole_id, PERIOD_Q) : undefined;
  const submitted = report !== undefined && report.status !== 'draft' && report.status !== 'returned';
  const byKey = new Map(values.map((v) => [`${indicators.get(v.indicator_id)!.code}.${v.category}`, v]));
  for (const v of values) {
    const ind = indicators.get(v.indicator_id)!;
    if (v.not_available) {
      expect(v.value_scaled).to.equal(null);
      if (submitted) expect(v.na_reason.trim()).to.not.equal('');
      continue;
    }
    expect(v.value_scaled, `${ind.code} has a value`).to.be.a('number');
    const value = v.value_scaled!;
    expect(Number.isInteger(value)).to.equal(true);
    expect(value % (SCALE / 10 ** ind.decimals), `${ind.code} precision`).to.equal(0);
    if (ind.min_scaled !== null) expect(value).to.be.at.least(ind.min_scaled);
    if (ind.max_scaled !== null) expect(value).to.be.at.most(ind.max_scaled);
  }
  if (!submitted) return;
  const members = byKey.get('MEMBRES.');
  const parts = values.filter((v) => indicators.get(v.indicator_id)!.code === 'MEMBRES' && v.category !== '');
  if (members && parts.length) expect(parts.reduce((s, p) => s + p.value_scaled!, 0)).to.equal(members.value_scaled);
  const own = byKey.get('RESSOURCES_PROPRES.');
  const total = byKey.get('RESSOURCES_TOTALES.');
  if (own?.value_scaled != null && total?.value_scaled != null) expect(own.value_scaled).to.be.at.most(total.value_scaled);
}
