// The machinery under the XLSX reader: a zip's central directory, its entries inflated as streams under
// one byte budget, and a tokenizer that reads their XML chunk by chunk. Knows nothing of spreadsheets;
// xlsx-reader.ts gives the parts their meaning.
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

export interface Entry {
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
export async function* entryText(buf: Buffer, e: Entry, spent: { bytes: number }, budget: number): AsyncGenerator<string> {
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
export interface XmlHandler {
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
export async function parseXml(chunks: AsyncIterable<string>, h: XmlHandler): Promise<void> {
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
export class BoundedText {
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
