import { expect } from 'chai';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { MIN_CONTRIBUTORS, protectIndicator, SECRET } from '../../server/opendata/confidentiality.ts';
import { COLUMNS } from '../../server/opendata/opendata-columns.ts';
import { openDataCsv, openDataRows, type OpenRow } from '../../server/opendata/opendata-table.ts';
import type { Publication } from '../../server/publications/publications.repo.ts';
import { handBuiltSummary, type RegionSpec } from '../publications/summaries.ts';

const regionArb = fc.record({
  contributors: fc.integer({ min: 0, max: 7 }),
  // Tenths, possibly zero or negative (a stock can fall; a ratio can be 0).
  tenths: fc.integer({ min: -50, max: 5000 }),
});

/** 1–4 indicators, each over the same 1–9 regions, with random contributors and values. */
const summaryArb = fc
  .record({
    regionCount: fc.integer({ min: 1, max: 9 }),
    indicatorCount: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ regionCount, indicatorCount }) =>
    fc.array(fc.array(regionArb, { minLength: regionCount, maxLength: regionCount }), {
      minLength: indicatorCount,
      maxLength: indicatorCount,
    }),
  )
  .map((perIndicator) =>
    perIndicator.map((regions) =>
      regions.map((r): RegionSpec => ({ contributors: r.contributors, value: r.contributors === 0 ? null : r.tenths / 10 })),
    ),
  );

function publicationOf(spec: RegionSpec[][]): Publication {
  return {
    id: 1,
    period: { kind: 'quarter', year: 2026, quarter: 3 },
    version: 1,
    reason: '',
    authorId: 1,
    authorName: 'X',
    publishedAt: '2026-11-26T09:00:00.000Z',
    summary: handBuiltSummary(spec),
  };
}

const tenths = (v: number) => Math.round(v * 10);

/** What an outsider can compute from the file alone: national − Σ shown regions, per indicator. */
function attack(rows: OpenRow[]) {
  const out: { indicator: string; national: OpenRow; hidden: OpenRow[]; residueTenths: number | null }[] = [];
  for (const code of [...new Set(rows.map((r) => r.code_indicateur))]) {
    const national = rows.find((r) => r.code_indicateur === code && r.niveau === 'national')!;
    const regions = rows.filter((r) => r.code_indicateur === code && r.niveau === 'regional');
    const hidden = regions.filter((r) => r.valeur === SECRET);
    const shownSum = regions.filter((r) => typeof r.valeur === 'number').reduce((s, r) => s + tenths(r.valeur as number), 0);
    out.push({
      indicator: String(code),
      national,
      hidden,
      residueTenths: typeof national.valeur === 'number' ? tenths(national.valeur) - shownSum : null,
    });
  }
  return out;
}

describe('open data confidentiality', () => {
  it('hides a region under 3 poles, and the next weakest one with it', () => {
    const p = protectIndicator({ area: 'FR', value: 35, contributors: 10 }, [
      { area: '11', value: 5, contributors: 1 },
      { area: '24', value: 10, contributors: 5 },
      { area: '76', value: 20, contributors: 4 },
    ]);
    expect(p.national).to.equal('shown');
    expect(Object.fromEntries(p.regions)).to.deep.equal({ '11': 'primary', '24': 'shown', '76': 'secondary' });
  });

  it('chooses a partner at least as large as the secret, so that their sum does not give it away', () => {
    const p = protectIndicator({ area: 'FR', value: 38, contributors: 12 }, [
      { area: '11', value: 12, contributors: 1 },
      { area: '24', value: 0, contributors: 3 },
      { area: '53', value: 5, contributors: 3 },
      { area: '76', value: 21, contributors: 5 },
    ]);
    expect(Object.fromEntries(p.regions)).to.deep.equal({ '11': 'primary', '24': 'shown', '53': 'shown', '76': 'secondary' });
    // None large enough: the largest shown one.
    const q = protectIndicator({ area: 'FR', value: 105, contributors: 8 }, [
      { area: '11', value: 100, contributors: 2 },
      { area: '24', value: 0, contributors: 3 },
      { area: '53', value: 5, contributors: 3 },
    ]);
    expect(Object.fromEntries(q.regions)).to.deep.equal({ '11': 'primary', '24': 'shown', '53': 'secondary' });
  });

  it('hides the national figure when the only hidden region has no partner to hide with it', () => {
    const p = protectIndicator({ area: 'FR', value: 5, contributors: 3 }, [
      { area: '11', value: 5, contributors: 2 },
      { area: '24', value: null, contributors: 0 },
    ]);
    expect(p.regions.get('11')).to.equal('primary');
    expect(p.regions.get('24')).to.equal('empty');
    expect(p.national).to.equal('secondary');
  });

  it('hides a national figure resting on fewer than 3 poles', () => {
    const p = protectIndicator({ area: 'FR', value: 7, contributors: 2 }, [
      { area: '11', value: 3, contributors: 1 },
      { area: '24', value: 4, contributors: 1 },
    ]);
    expect(p.national).to.equal('primary');
    expect([...p.regions.values()]).to.deep.equal(['primary', 'primary']);
  });

  it('property: no hidden figure is ever recoverable by subtraction, every figure under 3 poles is hidden', () => {
    fc.assert(
      fc.property(summaryArb, (spec) => {
        const pub = publicationOf(spec);
        const rows = openDataRows(pub);
        const s = pub.summary;
        // Primary suppression: every regional or national figure resting on 1 or 2 poles is hidden.
        for (const f of [...s.national, ...s.regions]) {
          const row = rows.find((r) => r.code_indicateur === f.indicator && r.code_zone === f.area)!;
          if (f.value !== null && f.contributors < MIN_CONTRIBUTORS) expect(row.valeur, `${f.indicator} ${f.area}`).to.equal(SECRET);
          if (f.value === null) expect(row.valeur).to.equal('');
          if (row.valeur === SECRET)
            expect([row.poles_contributeurs, row.declarations_recues, row.declarations_attendues]).to.deep.equal(['', '', '']);
        }
        for (const a of attack(rows)) {
          if (a.residueTenths === null) continue; // the national figure is hidden: nothing to subtract from
          // Secondary suppression: zero hidden regions, or at least two, never exactly one.
          expect(a.hidden.length, `${a.indicator}: hidden regions`).to.not.equal(1);
          if (a.hidden.length === 0) continue;
          // And the residue never equals one hidden figure unless it is shared by at least two hidden cells.
          const fig = (r: OpenRow) => s.regions.find((x) => x.indicator === a.indicator && x.area === r.code_zone)!;
          expect(
            a.hidden.every((r) => fig(r).value !== null),
            'a hidden cell is a real figure',
          ).to.equal(true);
          expect(a.hidden.length).to.be.at.least(2);
          // With one primary secret and one partner, the partner covers it whenever some region could.
          const primaries = a.hidden.filter((r) => fig(r).contributors < MIN_CONTRIBUTORS);
          if (a.hidden.length === 2 && primaries.length === 1) {
            const secret = Math.abs(fig(primaries[0]).value!);
            const partner = a.hidden.find((r) => r !== primaries[0])!;
            const couldCover = s.regions.some(
              (x) =>
                x.indicator === a.indicator &&
                x.contributors >= MIN_CONTRIBUTORS &&
                x.value !== null &&
                x.value !== 0 &&
                Math.abs(x.value) >= secret,
            );
            if (couldCover) expect(Math.abs(fig(partner).value!)).to.be.at.least(secret);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: the CSV round-trips through a parser, one row per figure, secrets as text', () => {
    fc.assert(
      fc.property(summaryArb, (spec) => {
        const rows = openDataRows(publicationOf(spec));
        const parsed: string[][] = parse(openDataCsv(rows), { relax_column_count: false });
        expect(parsed[0]).to.deep.equal(COLUMNS.map((c) => c.name));
        expect(parsed.length - 1).to.equal(rows.length);
        parsed.slice(1).forEach((cells, i) => {
          expect(cells).to.deep.equal(COLUMNS.map((c) => String(rows[i][c.name])));
        });
      }),
      { numRuns: 100 },
    );
  });

  it('prefixes text that a spreadsheet would run as a formula', () => {
    const pub = publicationOf([[{ contributors: 5, value: 1 }]]);
    pub.summary.indicators[0].label = '=HYPERLINK("x")';
    const csv = openDataCsv(openDataRows(pub));
    expect(csv).to.contain(`"'=HYPERLINK(""x"")"`);
  });
});
