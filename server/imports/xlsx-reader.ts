// Reading the first sheet of an XLSX without loading it: the zip's entries are inflated as streams
// under one byte budget, and their XML is tokenised chunk by chunk. Only the shared strings are kept
// (each cut at the cell limit); the sheet's rows are handed over one by one, so that the caller can stop
// at its row limit. A hostile file (zip bomb, one huge cell, millions of rows) stops at the first limit it
// passes, after at most `budget` inflated bytes, never after inflating everything.
import { BoundedText, entryText, parseXml, XlsxLimit, zipEntries, type XmlHandler } from './zip-xml.ts';

export { XlsxLimit, zipEntries };

export type XlsxCell = string | number | boolean | null | { formula: string } | { error: string };

export interface XlsxLimits {
  /** Inflated bytes allowed over every entry read. */
  budget: number;
  /** Characters in one cell's text. */
  maxCell: number;
  /** Columns of a row (a cell further right stops the reading). */
  maxColumns: number;
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
