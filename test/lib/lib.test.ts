import { expect } from 'chai';
import { isValidSiren } from '../../server/lib/siren.ts';
import { slugify } from '../../server/lib/slug.ts';
import { parseDecimal, scaledToInput, scaledToString } from '../../server/lib/decimal.ts';
import { parseQuarter, quarterLabel } from '../../server/lib/quarters.ts';
import { formatChange, formatNumber, formatDate } from '../../server/lib/format.ts';
import { compositionRule } from '../../server/poles/poles.schema.ts';
import { parseEpciCodes } from '../../server/poles/poles.service.ts';

describe('small helpers', () => {
  it('checks SIREN numbers with the Luhn key', () => {
    expect(isValidSiren('732829320')).to.equal(true); // a real, valid SIREN
    expect(isValidSiren('732829321')).to.equal(false);
    expect(isValidSiren('356000000')).to.equal(true); // La Poste, the documented exception
    expect(isValidSiren('12345678')).to.equal(false);
    expect(isValidSiren('abcdefghi')).to.equal(false);
  });

  it('makes URL slugs from French names', () => {
    expect(slugify('Pôle Sud-Aveyron : Économie & Réemploi')).to.equal('pole-sud-aveyron-economie-reemploi');
    expect(slugify('L’Étoile du Berger')).to.equal('letoile-du-berger');
  });

  const decimals: [string, number | string][] = [
    ['12,5', 125000],
    ['1 234', 12340000],
    ['1\u00a0234,75', 12347500],
    ['1\u202f000', 10000000],
    ['-3.25', -32500],
    ['0,0001', 1],
    ['', 'empty'],
    ['12,34567', 'too_many_decimals'],
    ['1e3', 'not_a_number'],
    ['12,5,3', 'not_a_number'],
    ['abc', 'not_a_number'],
    ['999999999999', 'too_large'],
  ];
  for (const [input, expected] of decimals) {
    it(`parses ${JSON.stringify(input)} as ${expected}`, () => {
      const r = parseDecimal(input);
      if (typeof expected === 'number') expect(r).to.deep.include({ ok: true, scaled: expected });
      else expect(r).to.deep.equal({ ok: false, reason: expected });
    });
  }

  it('writes scaled decimals back exactly', () => {
    expect(scaledToString(125000)).to.equal('12.5');
    expect(scaledToString(-32500)).to.equal('-3.25');
    expect(scaledToString(10000)).to.equal('1');
    expect(scaledToInput(125000)).to.equal('12,5');
    expect(scaledToInput(null)).to.equal('');
  });

  it('reads quarters written 2026-T3 or 2026-Q3', () => {
    expect(parseQuarter('2026-T3')).to.deep.equal({ year: 2026, quarter: 3 });
    expect(parseQuarter('2026-q1')).to.deep.equal({ year: 2026, quarter: 1 });
    expect(parseQuarter('2026-T5')).to.equal(null);
    expect(quarterLabel({ year: 2025, quarter: 4 })).to.equal('2025-T4');
  });

  it('formats numbers and dates for fr-FR', () => {
    expect(formatNumber(1234.5, 1)).to.match(/^1\s234,5$/);
    expect(formatDate('2026-11-26T09:30:00.000Z', true)).to.equal('26 novembre 2026 à 10:30');
    expect(formatDate('2026-01-01')).to.equal('1er janvier 2026');
    expect(formatDate('2026-06-30T22:30:00.000Z', true), 'the 1st in Paris, the 30th in UTC').to.equal('1er juillet 2026 à 00:30');
    expect(formatDate('2026-01-02')).to.equal('2 janvier 2026');
  });

  it('writes a change with its sign, the minus sign « − » and one decimal', () => {
    expect(formatChange(4.25, 'percent')).to.equal('+4,3\u00a0%');
    expect(formatChange(-79.9, 'percent')).to.equal('\u221279,9\u00a0%');
    expect(formatChange(-3, 'points')).to.equal('\u22123,0\u00a0pt');
    expect(formatChange(0, 'percent')).to.equal('0,0\u00a0%');
  });

  it('splits EPCI code lists', () => {
    expect(parseEpciCodes('200000172, 243100518\n200000172;')).to.deep.equal(['200000172', '243100518']);
  });

  it('applies the décret 2015-431 composition rule', () => {
    expect(compositionRule(['ess', 'non_ess', 'collectivite']).met).to.equal(true);
    expect(compositionRule(['ess', 'non_ess', 'recherche', 'ess']).met).to.equal(true);
    expect(compositionRule(['ess', 'non_ess']).met).to.equal(false);
    expect(compositionRule(['ess', 'ess', 'collectivite']).met).to.equal(false);
    expect(compositionRule(['non_ess', 'formation', 'autre'])).to.include({ met: false, hasEss: false });
  });
});
