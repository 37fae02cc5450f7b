// Reading the first sheet of an XLSX without loading it: the zip's entries are inflated as streams
// under one byte budget, and their XML is tokenised chunk by chunk. Only the shared strings are kept
// (each cut at the cell limit); the sheet's rows are handed over one by one, so that the caller can stop
// at its row limit. A hostile file (zip bomb, one huge cell, millions of rows) stops at the first limit it
// passes, after at most `budget` inflated bytes, never after inflating everything.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import zlib from 'node:zlib';

/** Why reading stopped before the end: the caller turns each into a French message. */
export class XlsxLimit extends Error {
  constructor(
    readonly kind: 'inflated' | 'cell' | 'columns' | 'unreadable',
    /** The cell's reference (« C12 ») for a cell limit, when known. */
    readonly where = '',
  ) {
    super(kind);
  }
}

export type XlsxCell = string | number | boolean | null | { formula: string } | { error: string };

export interface XlsxLimits {
  /** Inflated bytes allowed over every entry read. */
  budget: number;
  /** Characters in one cell's text. */
  maxCell: number;
  /** Columns of a row (a cell further right stops the reading). */
  maxColumns: number;
}

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  offset: number;
}

/** The zip's central directory; null when it cannot be read. Sizes are what the file declares. */
export function zipEntries(buf: Buffer): Entry[] | null {
  const from = Math.max(0, buf.length - 65_557);
  let eocd = -1;
  for (let i = buf.length - 22; i >= from; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: Entry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) return null;
    const nameLength = buf.readUInt16LE(p + 28);
    if (p + 46 + nameLength > buf.length) return null;
    out.push({
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      // 0xFFFFFFFF: a ZIP64 entry of 4 GB or more.
      size: buf.readUInt32LE(p + 24) === 0xffffffff ? Infinity : buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}

const CHUNK = 64 * 1024;

/** One entry's inflated bytes as text, chunk by chunk, counted against the shared budget. */
async function* entryText(buf: Buffer, e: Entry, spent: { bytes: number }, budget: number): AsyncGenerator<string> {
  if (e.flags & 1 || (e.method !== 0 && e.method !== 8)) throw new XlsxLimit('unreadable');
  if (e.offset + 30 > buf.length || buf.readUInt32LE(e.offset) !== 0x04034b50) throw new XlsxLimit('unreadable');
  const start = e.offset + 30 + buf.readUInt16LE(e.offset + 26) + buf.readUInt16LE(e.offset + 28);
  if (start + e.compressedSize > buf.length) throw new XlsxLimit('unreadable');
  const data = buf.subarray(start, start + e.compressedSize);
  const decoder = new TextDecoder('utf-8');
  const count = (n: number) => {
    spent.bytes += n;
    if (spent.bytes > budget) throw new XlsxLimit('inflated');
  };
  if (e.method === 0) {
    for (let i = 0; i < data.length; i += CHUNK) {
      const part = data.subarray(i, i + CHUNK);
      count(part.length);
      yield decoder.decode(part, { stream: true });
      await yieldToLoop();
    }
  } else {
    const inflater = zlib.createInflateRaw({ chunkSize: CHUNK });
    inflater.end(data);
    try {
      for await (const part of inflater as AsyncIterable<Buffer>) {
        count(part.length);
        yield decoder.decode(part, { stream: true });
      }
    } catch (err) {
      if (err instanceof XlsxLimit) throw err;
      throw new XlsxLimit('unreadable');
    } finally {
      // Stops inflating at once when the reader gives up early (a limit, or enough rows).
      inflater.destroy();
    }
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

type Attrs = Record<string, string>;
interface XmlHandler {
  open(name: string, attrs: Attrs, selfClosing: boolean): void;
  close(name: string): void;
  text(s: string): void;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (m, e: string) => {
    if (e[0] !== '#') return ENTITIES[e] ?? m;
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);
// A tag or a markup declaration longer than this is not SpreadsheetML.
const MAX_TAG = 64 * 1024;

/** Feeds XML text chunk by chunk to a handler: elements (without namespace prefix), attributes, text. */
async function parseXml(chunks: AsyncIterable<string>, h: XmlHandler): Promise<void> {
  let carry = '';
  for await (const chunk of chunks) {
    const s = carry + chunk;
    let i = 0;
    for (;;) {
      const lt = s.indexOf('<', i);
      if (lt < 0) {
        // Text up to the end; an entity cut by the chunk's end waits for the next one.
        const amp = s.lastIndexOf('&');
        const cut = amp >= i && s.indexOf(';', amp) < 0 && s.length - amp < 12 ? amp : s.length;
        if (cut > i) h.text(decodeEntities(s.slice(i, cut)));
        i = cut;
        break;
      }
      if (lt > i) h.text(decodeEntities(s.slice(i, lt)));
      i = lt;
      if (s.startsWith('<!--', i) || s.startsWith('<![CDATA[', i) || s.startsWith('<?', i) || s.startsWith('<!', i)) {
        const [endMark, textual] = s.startsWith('<!--', i)
          ? ['-->', false]
          : s.startsWith('<![CDATA[', i)
            ? [']]>', true]
            : s.startsWith('<?', i)
              ? ['?>', false]
              : ['>', false];
        const end = s.indexOf(endMark, i);
        if (end < 0) break;
        if (textual) h.text(s.slice(i + 9, end));
        i = end + endMark.length;
        continue;
      }
      // The tag's end, outside quoted attribute values.
      let j = i + 1;
      let quote = '';
      for (; j < s.length; j++) {
        const c = s[j];
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
        else if (c === '<') throw new XlsxLimit('unreadable');
      }
      if (j >= s.length) break;
      const tag = s.slice(i + 1, j);
      i = j + 1;
      if (tag[0] === '/') {
        h.close(localName(tag.slice(1).trim()));
        continue;
      }
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = /^[^\s/>]+/.exec(body);
      if (!m || m[0].includes('<')) throw new XlsxLimit('unreadable');
      const attrs: Attrs = {};
      for (const a of body.slice(m[0].length).matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
        attrs[localName(a[1])] = decodeEntities(a[2] ?? a[3]);
      h.open(localName(m[0]), attrs, selfClosing);
      if (selfClosing) h.close(localName(m[0]));
    }
    carry = s.slice(i);
    if (carry.length > MAX_TAG) throw new XlsxLimit('unreadable');
  }
  // A tag cut by the end of the part: the XML is truncated.
  if (carry.includes('<')) throw new XlsxLimit('unreadable');
}

/** Text that stops growing at the cell limit: a longer text is remembered as too long, not kept. */
class BoundedText {
  parts: string[] = [];
  length = 0;
  constructor(private readonly max: number) {}
  add(s: string) {
    this.length += s.length;
    if (this.length <= this.max) this.parts.push(s);
  }
  get tooLong() {
    return this.length > this.max;
  }
  take(): string {
    const s = this.parts.join('');
    this.parts = [];
    this.length = 0;
    return s;
  }
}

// OOXML escapes characters XML cannot carry as `_xHHHH_` (exceljs decodes them the same way).
const unescapeOoxml = (s: string) =>
  s.includes('_x') ? s.replace(/_x([0-9A-F]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s;

/** Built-in number formats that show a date (ECMA-376 18.8.30). */
const DATE_FORMAT_IDS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);
// As exceljs decides: quoted text and [colours] removed, then any date or time letter.
const isDateFormat = (code: string) => /[ymdhMsb]/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

/** `C12` → [12, 3]. */
function reference(r: string | undefined): [number, number] | null {
  const m = r ? /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(r) : null;
  if (!m) return null;
  let col = 0;
  for (const ch of m[1]) col = col * 26 + ch.charCodeAt(0) - 64;
  return [Number(m[2]), col];
}

export const letters = (col: number) => {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

/** Resolves a relationship target against the folder of the part that names it. */
function resolvePart(from: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = from.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

/**
 * Reads the first sheet of an XLSX: `onRow(line, cells)` for each row holding a value; returns false from
 * it to stop. Throws XlsxLimit when the file passes a limit or cannot be read.
 */
export async function readFirstSheet(
  buf: Buffer,
  limits: XlsxLimits,
  onRow: (line: number, cells: XlsxCell[]) => boolean,
  /** Counts the bytes inflated (what a test checks to see the reading stop early). */
  spent = { bytes: 0 },
): Promise<void> {
  const entries = zipEntries(buf);
  if (!entries) throw new XlsxLimit('unreadable');
  const byName = new Map(entries.map((e) => [e.name, e]));
  /** A whole small part (workbook, relationships, styles) through the handler. */
  const read = async (name: string, h: XmlHandler) => {
    const e = byName.get(name);
    if (!e) return false;
    await parseXml(entryText(buf, e, spent, limits.budget), h);
    return true;
  };
  const relationships = async (part: string) => {
    const rels = new Map<string, { type: string; target: string }>();
    const folder = part.split('/').slice(0, -1).join('/');
    const relsName = `${folder ? `${folder}/` : ''}_rels/${part.split('/').pop()}.rels`;
    await read(relsName, {
      open: (n, a) => {
        if (n === 'Relationship' && a.Id && a.Target) rels.set(a.Id, { type: a.Type ?? '', target: resolvePart(part, a.Target) });
      },
      close() {},
      text() {},
    });
    return rels;
  };

  const root = await relationships('');
  const workbook = [...root.values()].find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  let firstSheetId = '';
  let date1904 = false;
  if (
    !(await read(workbook, {
      open: (n, a) => {
        if (n === 'sheet' && !firstSheetId) firstSheetId = a.id ?? '';
        if (n === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
      },
      close() {},
      text() {},
    }))
  )
    throw new XlsxLimit('unreadable');
  const rels = await relationships(workbook);
  const sheetPart = rels.get(firstSheetId)?.target;
  if (!sheetPart || !byName.has(sheetPart)) throw new XlsxLimit('unreadable');
  // Before anything is inflated: a file that says it holds more than the budget is refused at once.
  const declared = [
    workbook,
    sheetPart,
    ...[...rels.values()].filter((r) => /\/(sharedStrings|styles)$/.test(r.type)).map((r) => r.target),
  ].reduce((n, name) => n + (byName.get(name)?.size ?? 0), 0);
  if (declared > limits.budget) throw new XlsxLimit('inflated');

  // Styles: which cell formats show a date.
  const dateStyles = new Set<number>();
  const stylesPart = [...rels.values()].find((r) => r.type.endsWith('/styles'))?.target;
  if (stylesPart) {
    const custom = new Map<number, string>();
    let inCellXfs = false;
    let xf = 0;
    await read(stylesPart, {
      open: (n, a) => {
        if (n === 'numFmt') custom.set(Number(a.numFmtId), a.formatCode ?? '');
        else if (n === 'cellXfs') inCellXfs = true;
        else if (n === 'xf' && inCellXfs) {
          const id = Number(a.numFmtId ?? 0);
          if (DATE_FORMAT_IDS.has(id) || (custom.has(id) && isDateFormat(custom.get(id)!))) dateStyles.add(xf);
          xf++;
        }
      },
      close: (n) => {
        if (n === 'cellXfs') inCellXfs = false;
      },
      text() {},
    });
  }

  // Shared strings: each kept up to the cell limit; a longer one is kept as `null` (refused if used).
  const shared: (string | null)[] = [];
  const stringsPart = [...rels.values()].find((r) => r.type.endsWith('/sharedStrings'))?.target;
  if (stringsPart) {
    const text = new BoundedText(limits.maxCell);
    let inT = false;
    let inPhonetic = false;
    await read(stringsPart, {
      open: (n) => {
        if (n === 't' && !inPhonetic) inT = true;
        else if (n === 'rPh') inPhonetic = true;
      },
      close: (n) => {
        if (n === 't') inT = false;
        else if (n === 'rPh') inPhonetic = false;
        else if (n === 'si') {
          const tooLong = text.tooLong;
          const s = text.take();
          shared.push(tooLong ? null : unescapeOoxml(s));
        }
      },
      text: (s) => {
        if (inT) text.add(s);
      },
    });
  }

  // The sheet, row by row.
  let stop = false;
  let line = 0;
  let cells: XlsxCell[] = [];
  let hasValue = false;
  let col = 0;
  let cell: { ref: string; type: string; style: number; formula: boolean } | null = null;
  let inValue = false;
  let inFormula = false;
  let inText = false;
  let inPhonetic = false;
  const value = new BoundedText(limits.maxCell);
  const formula = new BoundedText(limits.maxCell);
  const tooLong = (ref: string) => new XlsxLimit('cell', ref);
  const finishCell = () => {
    const c = cell!;
    cell = null;
    const ref = c.ref || `${letters(col)}${line}`;
    if (value.tooLong) throw tooLong(ref);
    const raw = value.take();
    const f = formula.take();
    let out: XlsxCell;
    if (c.formula) out = { formula: unescapeOoxml(f) };
    else if (c.type === 's') {
      const k = Number(raw);
      const s = Number.isInteger(k) && k >= 0 && k < shared.length ? shared[k] : '';
      if (s === null) throw tooLong(ref);
      out = s;
    } else if (c.type === 'inlineStr' || c.type === 'str') out = unescapeOoxml(raw);
    else if (c.type === 'b') out = raw.trim() === '1' || raw.trim() === 'true';
    else if (c.type === 'e') out = { error: raw.trim() || '#ERREUR' };
    else if (c.type === 'd') out = raw.trim() ? raw.trim().slice(0, 10) : null;
    else if (raw.trim() === '') out = null;
    else {
      const n = Number(raw);
      if (!Number.isFinite(n)) out = raw.trim();
      // Excel's serial day: 25569 is 1970-01-01 (1462 days later in the 1904 date system).
      else if (dateStyles.has(c.style))
        out = new Date(Math.round((n - 25569 + (date1904 ? 1462 : 0)) * 86_400_000)).toISOString().slice(0, 10);
      else out = n;
    }
    if (out === null || out === '') return;
    if (col > limits.maxColumns) throw new XlsxLimit('columns');
    cells[col - 1] = out;
    hasValue = true;
  };
  const sheetEntry = byName.get(sheetPart)!;
  const chunks = entryText(buf, sheetEntry, spent, limits.budget);
  try {
    await parseXml(
      (async function* () {
        for await (const c of chunks) {
          yield c;
          if (stop) return;
        }
      })(),
      {
        open: (n, a) => {
          if (stop) return;
          if (n === 'row') {
            const r = Number(a.r);
            line = Number.isInteger(r) && r > 0 ? r : line + 1;
            cells = [];
            hasValue = false;
            col = 0;
          } else if (n === 'c') {
            const at = reference(a.r);
            col = at ? at[1] : col + 1;
            cell = { ref: at ? a.r : '', type: a.t ?? 'n', style: Number(a.s ?? 0), formula: false };
          } else if (cell) {
            if (n === 'v') inValue = true;
            else if (n === 'f') {
              cell.formula = true;
              inFormula = true;
            } else if (n === 't' && !inPhonetic) inText = true;
            else if (n === 'rPh') inPhonetic = true;
          }
        },
        close: (n) => {
          if (stop) return;
          if (n === 'c' && cell) finishCell();
          else if (n === 'v') inValue = false;
          else if (n === 'f') inFormula = false;
          else if (n === 't') inText = false;
          else if (n === 'rPh') inPhonetic = false;
          else if (n === 'row' && hasValue) {
            for (let i = 0; i < cells.length; i++) cells[i] ??= null;
            if (!onRow(line, cells)) stop = true;
          }
        },
        text: (s) => {
          if (stop || !cell) return;
          if (inFormula) formula.add(s);
          else if (inValue || inText) value.add(s);
        },
      },
    );
  } finally {
    // Closes the inflater when the reading stopped early.
    await chunks.return(undefined);
  }
}
