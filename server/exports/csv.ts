// CSV writing for every export, in two flavours: standard (RFC 4180: UTF-8, comma, point decimals) and
// « Excel (France) » (UTF-8 with a BOM, semicolon, decimal comma). Text cells that a spreadsheet would
// read as a formula are neutralised with a leading apostrophe; numbers are written as numbers (negative
// ones included). Written with csv-stringify; pure, plus a streaming variant for the raw values export.
import { pipeline, Readable } from 'node:stream';
import { stringify as stringifyStream } from 'csv-stringify';
import { stringify, type Options as StringifyOptions } from 'csv-stringify/sync';

export type CsvFlavour = 'standard' | 'excel-fr';

/** A number written with a fixed number of decimals (an indicator's own). */
export interface FixedNumber {
  value: number;
  decimals: number;
}

export type CsvCell = string | number | FixedNumber | null | undefined;

const BOM = '\ufeff';
const EOL = '\r\n';
/** A text cell starting with one of these is a formula (or a DDE trigger) to a spreadsheet. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function separator(flavour: CsvFlavour): string {
  return flavour === 'excel-fr' ? ';' : ',';
}

/** The text a spreadsheet would turn into a formula gets a leading apostrophe; anything else is unchanged. */
export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A number as CSV text: plain digits (never an exponent), the flavour's decimal mark. */
export function numberText(n: number, flavour: CsvFlavour, decimals?: number): string {
  if (!Number.isFinite(n)) return '';
  let text: string;
  if (decimals !== undefined) text = n.toFixed(Math.max(0, Math.min(decimals, 20)));
  else if (Number.isInteger(n) && Math.abs(n) < 1e21) text = n.toFixed(0);
  else text = n.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
  if (text === '-0' || /^-0\.0*$/.test(text)) text = text.slice(1);
  return flavour === 'excel-fr' ? text.replace('.', ',') : text;
}

/** One cell as it appears in the file once unquoted: what a CSV parser gives back. */
export function cellText(cell: CsvCell, flavour: CsvFlavour): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return numberText(cell, flavour);
  if (typeof cell === 'object') return numberText(cell.value, flavour, cell.decimals);
  return neutralise(cell);
}

/**
 * csv-stringify's options for a flavour. Our cast functions write every cell (csv-stringify's own formula
 * escaping is off: it would also touch full-width signs). csv-stringify quotes a field holding the
 * separator, a quote or a line break; edge spaces and a BOM are quoted too, so no reader trims them or
 * takes them for the file's own BOM.
 */
function stringifyOptions(flavour: CsvFlavour): StringifyOptions {
  return {
    delimiter: separator(flavour),
    record_delimiter: EOL,
    // A lone CR or LF is quoted too (csv-stringify only checks CRLF once record_delimiter is set).
    quote_record_delimiter: true,
    quoted_match: /^\s|\s$|\ufeff/,
    cast: {
      string: (text) => cellText(text, flavour),
      number: (n) => cellText(n, flavour),
      // The only object a cell can be.
      object: (fixed) => cellText(fixed as unknown as FixedNumber, flavour),
    },
  };
}

/** The BOM is written here, not by csv-stringify, so that a file without records still starts with it. */
const preamble = (flavour: CsvFlavour) => (flavour === 'excel-fr' ? BOM : '');

/** One record, with its line break (CRLF). */
export function csvLine(cells: CsvCell[], flavour: CsvFlavour): string {
  return stringify([cells], stringifyOptions(flavour));
}

/** A whole file: the BOM for Excel (France), then one line per record. */
export function csvDocument(rows: CsvCell[][], flavour: CsvFlavour): string {
  return preamble(flavour) + stringify(rows, stringifyOptions(flavour));
}

/**
 * The streaming variant: CSV text in chunks of about `chunkSize` characters from records that arrive one
 * by one, through csv-stringify's stream. Pulled by the consumer (`Readable.from`), so a slow client slows
 * the reading down; a consumer that stops early closes the stream and the records' source with it.
 */
export async function* csvChunks(
  rows: AsyncIterable<CsvCell[]> | Iterable<CsvCell[]>,
  flavour: CsvFlavour,
  chunkSize = 64 * 1024,
): AsyncGenerator<string> {
  // pipeline: a failing source fails the text stream, and destroying the text stream closes the source.
  // readableObjectMode: one record's text per read, so a chunk ends at the first record past chunkSize.
  const text = pipeline(Readable.from(rows), stringifyStream({ ...stringifyOptions(flavour), readableObjectMode: true }), () => {});
  let buffer = preamble(flavour);
  for await (const part of text as AsyncIterable<string>) {
    buffer += part;
    if (buffer.length >= chunkSize) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}
