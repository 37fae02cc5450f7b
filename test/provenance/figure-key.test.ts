// The figure key of the provenance page: the link the dashboards build reads back to the same key, and
// malformed keys are a BadRequest (a 400 page), never a 500.
import { expect } from 'chai';
import { figureLink } from '../../server/dashboards/figure-links.ts';
import { parseFigureKey, type FigureKey } from '../../server/provenance/provenance.schema.ts';
import { BadRequest } from '../../server/http/errors.ts';

function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url, 'http://x').searchParams);
}

describe('provenance figure key', () => {
  const keys: FigureKey[] = [
    { indicator: 'EMPLOIS', end: { year: 2026, quarter: 2 }, grain: 'quarter', zone: { kind: 'nation' }, base: 'validated' },
    {
      indicator: 'TX_AUTOFIN',
      end: { year: 2025, quarter: 4 },
      grain: 'year',
      zone: { kind: 'regions', codes: ['75', '76'] },
      base: 'validated',
    },
    {
      indicator: 'A1',
      end: { year: 2026, quarter: 3 },
      grain: 'ytd',
      zone: { kind: 'pole', slug: 'pole-de-l-ouest' },
      base: 'validated_or_submitted',
    },
    { indicator: 'A1', end: { year: 2026, quarter: 1 }, grain: 'rolling4', zone: { kind: 'regions', codes: ['84'] }, base: 'validated' },
  ];
  for (const key of keys) {
    it(`reads back the link of ${key.indicator} ${key.grain} ${JSON.stringify(key.zone)}`, () => {
      const url = figureLink(key);
      expect(url.startsWith('/chiffres/calcul?')).to.equal(true);
      expect(parseFigureKey(queryOf(url))).to.deep.equal(key);
    });
  }

  it('gives one URL to one set of regions, whatever their order', () => {
    const a = figureLink({ ...keys[1], zone: { kind: 'regions', codes: ['76', '75'] } });
    expect(a).to.equal(figureLink(keys[1]));
    expect(parseFigureKey({ indicateur: 'A1', periode: '2026-T1', zone: '76,75' }).zone).to.deep.equal({
      kind: 'regions',
      codes: ['75', '76'],
    });
  });

  it('defaults to a quarter on the validated base', () => {
    const key = parseFigureKey({ indicateur: 'A1', periode: '2026-T1', zone: 'FR' });
    expect(key.grain).to.equal('quarter');
    expect(key.base).to.equal('validated');
  });

  const bad: [string, Record<string, unknown>][] = [
    ['no indicator', { periode: '2026-T1', zone: 'FR' }],
    ['a lower-case indicator', { indicateur: 'a1', periode: '2026-T1', zone: 'FR' }],
    ['a malformed period', { indicateur: 'A1', periode: '2026-T5', zone: 'FR' }],
    ['a year out of range', { indicateur: 'A1', periode: '1999-T1', zone: 'FR' }],
    ['an unknown grain', { indicateur: 'A1', periode: '2026-T1', grain: 'month', zone: 'FR' }],
    ['a year not ending with T4', { indicateur: 'A1', periode: '2026-T2', grain: 'year', zone: 'FR' }],
    ['no zone', { indicateur: 'A1', periode: '2026-T1' }],
    ['a malformed zone', { indicateur: 'A1', periode: '2026-T1', zone: '7' }],
    ['a repeated region', { indicateur: 'A1', periode: '2026-T1', zone: '76,76' }],
    ['a malformed pole slug', { indicateur: 'A1', periode: '2026-T1', zone: 'pole:Ab C' }],
    ['an unknown base', { indicateur: 'A1', periode: '2026-T1', zone: 'FR', base: 'draft' }],
    ['a repeated parameter', { indicateur: ['A1', 'A2'], periode: '2026-T1', zone: 'FR' }],
  ];
  for (const [name, query] of bad) {
    it(`refuses ${name} with a BadRequest`, () => {
      expect(() => parseFigureKey(query)).to.throw(BadRequest);
    });
  }
});
