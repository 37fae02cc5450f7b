import { expect } from 'chai';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import {
  cellText,
  csvChunks,
  csvDocument,
  csvLine,
  neutralise,
  numberText,
  type CsvCell,
  type CsvFlavour,
} from '../../server/exports/csv.ts';

const FLAVOURS: CsvFlavour[] = ['standard', 'excel-fr'];

function parseBack(text: string, flavour: CsvFlavour): string[][] {
  return parse(text, { delimiter: flavour === 'excel-fr' ? ';' : ',', bom: true, relax_column_count: false, skip_empty_lines: false });
}

/** A number cell read back as a number: the flavour's decimal mark turned back into a point. */
const readNumber = (text: string, flavour: CsvFlavour) => Number(flavour === 'excel-fr' ? text.replace(',', '.') : text);

// Strings built to hurt: formula triggers first, quotes, both separators, line breaks, BOMs, spaces.
const nasty = fc.oneof(
  fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', ';', "'", ' ', 'a', 'é', '1', '.', '\ufeff') }),
  fc.string(),
  fc.constantFrom('=1+1', '+33 6 12', '-2', '@SUM(A1)', '\t=cmd', '\r\n', '"', '""', ';', ',', '=HYPERLINK("http://x")'),
);
const cell: fc.Arbitrary<CsvCell> = fc.oneof(
  nasty,
  fc.integer({ min: -1e12, max: 1e12 }),
  fc.record({ value: fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }), decimals: fc.integer({ min: 0, max: 4 }) }),
  fc.constant(null),
);

describe('exports: CSV writer', () => {
  it('neutralises text cells starting with = + - @ tab or CR, and nothing else', () => {
    for (const s of ['=1+1', '+1', '-1', '@A', '\tx', '\rx']) expect(neutralise(s)).to.equal(`'${s}`);
    for (const s of ['a=1', ' =1', '1', '', "'=1", 'Élan']) expect(neutralise(s)).to.equal(s);
  });

  it('keeps numbers as numbers, negative ones too, with the flavour’s decimal mark and the indicator’s decimals', () => {
    expect(cellText(-3, 'standard')).to.equal('-3');
    expect(cellText({ value: -12.5, decimals: 1 }, 'standard')).to.equal('-12.5');
    expect(cellText({ value: -12.5, decimals: 1 }, 'excel-fr')).to.equal('-12,5');
    expect(cellText({ value: 3, decimals: 2 }, 'excel-fr')).to.equal('3,00');
    expect(cellText('-12.5', 'standard')).to.equal("'-12.5");
    expect(numberText(1e-7, 'standard')).to.equal('0.0000001');
    expect(numberText(-0.00001, 'standard', 2)).to.equal('0.00');
    expect(csvLine(['a;b', 1.5, 'c,d'], 'excel-fr')).to.equal('"a;b";1,5;c,d\r\n');
    expect(csvLine(['\ufeffx'], 'standard')).to.equal('"\ufeffx"\r\n');
    expect(csvLine(['say "hi"', -2], 'standard')).to.equal('"say ""hi""",-2\r\n');
  });

  it('Excel (France) starts with a BOM; standard does not', () => {
    expect(csvDocument([['a']], 'excel-fr').startsWith('\ufeffa')).to.equal(true);
    expect(csvDocument([['a']], 'standard')).to.equal('a\r\n');
  });

  for (const flavour of FLAVOURS) {
    it(`${flavour}: a round trip through csv-parse gives back the same cells (property)`, () => {
      fc.assert(
        fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }), (rows) => {
          const back = parseBack(csvDocument(rows, flavour), flavour);
          expect(back.length).to.equal(rows.length);
          rows.forEach((row, i) =>
            row.forEach((c, j) => {
              const got = back[i][j];
              if (c === null || c === undefined) expect(got).to.equal('');
              else if (typeof c === 'string') {
                // The same text, with the apostrophe in front of a formula trigger.
                expect(got).to.equal(neutralise(c));
                expect(/^[=+\-@\t\r]/.test(got)).to.equal(false);
              } else if (typeof c === 'number') expect(readNumber(got, flavour)).to.equal(c);
              else expect(readNumber(got, flavour)).to.be.closeTo(c.value, 10 ** -c.decimals / 2 + 1e-9);
            }),
          );
        }),
        { numRuns: 400 },
      );
    });

    it(`${flavour}: the streaming writer gives the same text as the whole document`, async () => {
      const rows: CsvCell[][] = Array.from({ length: 500 }, (_, i) => [`=pole ${i}`, i - 250, { value: i / 3, decimals: 2 }, 'a;b,"c"\n']);
      async function* source() {
        for (const r of rows) yield r;
      }
      let text = '';
      let chunks = 0;
      for await (const chunk of csvChunks(source(), flavour, 1000)) {
        text += chunk;
        chunks++;
      }
      expect(chunks).to.be.greaterThan(10);
      expect(text).to.equal(csvDocument(rows, flavour));
    });
  }
});
