import { expect } from 'chai';
import { DateTime } from 'luxon';
import { expectedIn, periodProvisional, quarterStatus, type QuarterFacts } from '../../server/aggregates/closure.ts';
import { ClosureService } from '../../server/aggregates/closure.service.ts';
import { ZONE } from '../../server/lib/clock.ts';
import { quarterIndex } from '../../server/lib/quarters.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser, publishedQuarterRow } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';

const T3 = quarterIndex({ year: 2026, quarter: 3 });
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE });
// 2026-T3 ends on 30 September; with 30 days its deadline is the end of 30 October (Paris time).
const rule = (now: string, threshold = 0.8) => ({ now: at(now), deadlineDays: 30, threshold });
const facts = (o: Partial<QuarterFacts>): QuarterFacts => ({ index: T3, expected: 10, validated: 8, published: false, ...o });

describe('closure: the one rule for « consolidé » and « provisoire »', () => {
  const cases: [string, Partial<QuarterFacts>, string, number, string][] = [
    ['deadline passed, 8 of 10 validated', {}, '2026-11-26T10:00', 0.8, 'consolidated'],
    ['deadline passed, 7 of 10 validated', { validated: 7 }, '2026-11-26T10:00', 0.8, 'provisional'],
    ['all validated, deadline not passed', { validated: 10 }, '2026-10-30T23:59', 0.8, 'provisional'],
    ['all validated, the day after the deadline', { validated: 10 }, '2026-10-31T00:00', 0.8, 'consolidated'],
    ['published before the deadline', { validated: 0, published: true }, '2026-10-05T10:00', 0.8, 'consolidated'],
    ['published with few reports', { validated: 1, published: true }, '2026-11-26T10:00', 0.8, 'consolidated'],
    ['nothing expected, deadline passed', { expected: 0, validated: 0 }, '2026-11-26T10:00', 0.8, 'consolidated'],
    ['nothing expected, deadline not passed', { expected: 0, validated: 0 }, '2026-10-10T10:00', 0.8, 'provisional'],
    ['threshold 1: one missing', { validated: 9 }, '2026-11-26T10:00', 1, 'provisional'],
    ['threshold 0: none validated', { validated: 0 }, '2026-11-26T10:00', 0, 'consolidated'],
    ['the quarter still running', { index: T3 + 1, validated: 10 }, '2026-11-26T10:00', 0.8, 'provisional'],
  ];
  for (const [name, f, now, threshold, expected] of cases)
    it(`${name}: ${expected}`, () => {
      expect(quarterStatus(facts(f), rule(now, threshold))).to.equal(expected);
    });

  it('makes a year, a year to date and four rolling quarters provisional when any of their quarters is', () => {
    const provisional = new Set([T3]);
    const of = (i: number) => provisional.has(i);
    expect(periodProvisional('quarter', T3, of)).to.equal(true);
    expect(periodProvisional('quarter', T3 - 1, of)).to.equal(false);
    expect(periodProvisional('ytd', T3, of)).to.equal(true);
    expect(periodProvisional('ytd', T3 - 1, of)).to.equal(false);
    expect(periodProvisional('year', T3 + 1, of)).to.equal(true);
    expect(periodProvisional('year', T3 - 3, of)).to.equal(false);
    expect(periodProvisional('rolling4', T3 + 3, of)).to.equal(true);
    expect(periodProvisional('rolling4', T3 + 4, of)).to.equal(false);
  });

  it('honours a pole’s reporting window: from its first quarter to the quarter it was archived in', () => {
    const w = { firstIndex: T3 - 2, archivedOn: '2026-07-01' };
    expect([T3 - 3, T3 - 2, T3, T3 + 1].map((i) => expectedIn(w, i))).to.deep.equal([false, true, true, false]);
    expect(expectedIn({ firstIndex: T3, archivedOn: '2026-06-30' }, T3)).to.equal(false);
    expect(expectedIn({ firstIndex: T3, archivedOn: null }, T3 + 10)).to.equal(true);
  });
});

describe(`closure counts per area (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let closure: ClosureService;
  const ids: Record<string, number> = {};

  async function report(pole: string, year: number, quarter: number, status: string) {
    const now = '2026-11-01T10:00:00.000Z';
    await ctx.db('quarter_reports').insert({ pole_id: ids[pole], year, quarter, status, created_at: now, updated_at: now });
  }

  before(async () => {
    ctx = await createTestApp();
    closure = ctx.s.closure;
    // Occitanie: a, b, c from 2026-T2, d from 2026-T3 and e archived in 2026-T2 (not expected in T3).
    // Bretagne: f from 2026-T2.
    for (const [name, region, first] of [
      ['a', '76', 2],
      ['b', '76', 2],
      ['c', '76', 2],
      ['d', '76', 3],
      ['e', '76', 2],
      ['f', '53', 2],
    ] as const)
      ids[name] = (
        await makePole(ctx.s, {
          name: `Pôle ${name}`,
          region,
          departement: region === '53' ? '29' : undefined,
          firstReport: { year: 2026, quarter: first },
        })
      ).id;
    await ctx.db('poles').where({ id: ids.e }).update({ archived_on: '2026-05-15' });
    for (const pole of ['a', 'b', 'c', 'e', 'f']) await report(pole, 2026, 2, 'validated');
    for (const pole of ['a', 'b', 'c']) await report(pole, 2026, 3, 'validated');
    await report('d', 2026, 3, 'submitted');
    await report('e', 2026, 3, 'validated'); // after its archive: counted nowhere
    await report('f', 2026, 3, 'draft');
  });
  after(() => ctx.close());

  it('counts expected and validated reports for the nation, some regions and a pole', async () => {
    // Nation 2026-T3: a, b, c, d, f expected (5), a, b, c validated: 60 % < 80 %.
    const nation = await closure.of({});
    expect(nation.status(T3)).to.equal('provisional');
    expect(nation.status(T3 - 1)).to.equal('consolidated');
    // Occitanie: 3 of 4 (75 %); with CLOSED_COMPLETENESS 0.75 it would close.
    const occitanie = await closure.of({ regionCodes: ['76'] });
    expect(occitanie.status(T3)).to.equal('provisional');
    expect(occitanie.latestConsolidated('validated')).to.equal(T3 - 1);
    expect(occitanie.latestWithData('validated')).to.equal(T3);
    expect(occitanie.withData('validated_or_submitted')).to.deep.equal([T3, T3 - 1]);
    const lenient = new ClosureService({ db: ctx.db, clock: ctx.clock, deadlineDays: 30, threshold: 0.75 });
    expect((await lenient.of({ regionCodes: ['76'] })).status(T3)).to.equal('consolidated');
    expect((await lenient.of({})).status(T3)).to.equal('provisional');
    // A pole: its own report.
    expect((await closure.of({ poleIds: [ids.a] })).status(T3)).to.equal('consolidated');
    expect((await closure.of({ poleIds: [ids.d] })).status(T3)).to.equal('provisional');
    // Bretagne: nothing validated in T3, no data beyond T2.
    const bretagne = await closure.of({ regionCodes: ['53'] });
    expect(bretagne.status(T3)).to.equal('provisional');
    expect(bretagne.withData('validated')).to.deep.equal([T3 - 1]);
  });

  it('splits per region and per pole, and a published national summary closes the quarter everywhere', async () => {
    const byRegion = await closure.byArea({}, 'region');
    expect([...byRegion.keys()].sort()).to.deep.equal(['53', '76']);
    expect(byRegion.get('76')!.provisional('ytd', T3)).to.equal(true);
    expect(byRegion.get('76')!.provisional('quarter', T3 - 1)).to.equal(false);
    const byPole = await closure.byArea({ regionCodes: ['76'] }, 'pole');
    expect(byPole.get(String(ids.b))!.status(T3)).to.equal('consolidated');
    expect(byPole.get(String(ids.d))!.status(T3)).to.equal('provisional');
    const author = await makeUser(ctx.s, 'staff');
    await publishedQuarterRow(ctx.db, author.id, { year: 2026, quarter: 3 });
    expect((await closure.of({})).status(T3)).to.equal('consolidated');
    expect((await closure.of({ regionCodes: ['53'] })).latestConsolidated('validated')).to.equal(T3 - 1);
    expect((await closure.of({ regionCodes: ['76'] })).latestConsolidated('validated')).to.equal(T3);
  });

  it('counts a report before its pole’s first quarter as data, never as a validated report expected', async () => {
    // Auvergne-Rhône-Alpes: g expected from 2026-T2 (its report a draft), h from 2026-T3 with a 2026-T2 report.
    ids.g = (await makePole(ctx.s, { name: 'Pôle g', region: '84', firstReport: { year: 2026, quarter: 2 } })).id;
    ids.h = (await makePole(ctx.s, { name: 'Pôle h', region: '84', firstReport: { year: 2026, quarter: 3 } })).id;
    await report('g', 2026, 2, 'draft');
    await report('h', 2026, 2, 'validated');
    for (const area of [await closure.of({ regionCodes: ['84'] }), (await closure.byArea({}, 'region')).get('84')!]) {
      expect(area.status(T3 - 1)).to.equal('provisional');
      expect(area.withData('validated')).to.deep.equal([T3 - 1]);
    }
    expect((await closure.of({ poleIds: [ids.h] })).status(T3 - 1)).to.equal('consolidated');
  });
  it('reads its counts again as soon as a report changes through the app, not only when the page changes', async () => {
    // Kept between reads (ClosureRepo.changeToken did not move): Auvergne-Rhône-Alpes's T2 is g's draft.
    const t2 = { year: 2026, quarter: 2 };
    expect((await closure.of({ regionCodes: ['84'] })).status(T3 - 1)).to.equal('provisional');
    expect((await closure.of({ regionCodes: ['84'] })).status(T3 - 1)).to.equal('provisional');
    const g = (await ctx.s.repos.poles.findById(ctx.db, ids.g))!;
    const prepared = await ctx.s.reporting.prepare(
      g,
      t2,
      { 'v.EMP_CREES': '2' },
      { submit: false, checkVersion: false, status: 'validated' },
    );
    if (prepared.kind !== 'ready') throw new Error(JSON.stringify(prepared));
    await ctx.s.reporting.applyAll([prepared.plan], { userId: (await makeUser(ctx.s, 'staff')).id });
    // Validated through the service, which records what it moves: the next read counts it (1 of 1).
    expect((await closure.of({ regionCodes: ['84'] })).status(T3 - 1)).to.equal('consolidated');
    // A pole created since, expected from T2: the region's T2 is provisional again (1 of 2).
    await makePole(ctx.s, { name: 'Pôle i', region: '84', firstReport: t2 });
    expect((await closure.of({ regionCodes: ['84'] })).status(T3 - 1)).to.equal('provisional');
  });
});
