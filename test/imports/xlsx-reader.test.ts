import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import { MAX_CELL, QUARTER_MAX_ROWS, READ_LIMITS, inflateBudget, readSpreadsheet } from '../../server/imports/import-files.ts';
import { readFirstSheet, XlsxLimit } from '../../server/imports/xlsx-reader.ts';
import { parseSpreadsheet } from '../../server/imports/import-parse.ts';
import { workbook } from './xlsx-zip.ts';

const INFLATED = 'Ce classeur est trop volumineux une fois décompressé : découpez-le en plusieurs fichiers.';
const FORMULA = 'Cellule contenant une formule : collez la valeur, pas la formule.';

async function rows(buf: Buffer, limits = READ_LIMITS.long) {
  const read = await readSpreadsheet(buf, 'f.xlsx', limits);
  if (!read.ok) throw new Error(read.error);
  return read.rows;
}

/** A sheet row of inline strings and numbers. */
const row = (r: number, cells: string[]) => `<row r="${r}">${cells.join('')}</row>`;

describe('import: the streaming XLSX reader', () => {
  it('reads shared strings, inline strings, numbers, booleans, errors, dates; flags formulas', async () => {
    const styles =
      '<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>';
    const buf = workbook(
      [
        row(1, ['<c r="A1" t="s"><v>0</v></c>', '<c r="B1" t="s"><v>1</v></c>', '<c r="C1" t="inlineStr"><is><t>commentaire</t></is></c>']),
        row(2, [
          '<c r="A2" t="s"><v>2</v></c>',
          '<c r="B2"><v>1.5</v></c>',
          '<c r="C2" t="inlineStr"><is><r><t>Réunion &amp; </t></r><r><rPr><b/></rPr><t>« filière »</t></r><rPh><t>ignored</t></rPh></is></c>',
        ]),
        row(3, [
          '<c r="A3" t="b"><v>1</v></c>',
          '<c r="B3" t="e"><v>#DIV/0!</v></c>',
          '<c r="C3" t="str"><f>A1&amp;"x"</f><v>codex</v></c>',
        ]),
        // Row 4 only has styled empty cells: no row.
        row(4, ['<c r="A4" s="1"/>']),
        row(5, [
          '<c r="A5" s="1"><v>45747</v></c>',
          '<c r="B5" s="2"><v>45748.5</v></c>',
          '<c r="D5" t="d"><v>2025-04-02T00:00:00</v></c>',
          '<c r="E5"><f t="shared" si="0"/><v>3</v></c>',
        ]),
        '<row><c t="inlineStr"><is><t>sans référence</t></is></c><c><v>7</v></c></row>',
      ].join(''),
      { shared: ['code', 'valeur', 'EMP_CREES'], styles },
    );
    expect(await rows(buf)).to.deep.equal([
      { line: 1, cells: ['code', 'valeur', 'commentaire'] },
      { line: 2, cells: ['EMP_CREES', 1.5, 'Réunion & « filière »'] },
      { line: 3, cells: [true, { error: '#DIV/0!' }, { formula: 'A1&"x"' }] },
      { line: 5, cells: ['2025-03-31', '2025-04-01', null, '2025-04-02', { formula: '' }] },
      { line: 6, cells: ['sans référence', 7] },
    ]);
  });

  it('reads what exceljs writes, with shared or inline strings, the same way', async () => {
    const write = async (useSharedStrings: boolean) => {
      const chunks: Buffer[] = [];
      const out = new PassThrough().on('data', (c: Buffer) => chunks.push(c));
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings });
      const ws = wb.addWorksheet('Import');
      ws.addRow(['code', 'valeur', 'commentaire']).commit();
      ws.addRow(['EMP_CREES', 2.5, 'Réunion élargie']).commit();
      ws.addRow(['TE_ACTIONS', { formula: 'B2*2', result: 5 }, '']).commit();
      await ws.commit();
      await wb.commit();
      return Buffer.concat(chunks);
    };
    const expected = [
      { line: 1, cells: ['code', 'valeur', 'commentaire'] },
      { line: 2, cells: ['EMP_CREES', 2.5, 'Réunion élargie'] },
      { line: 3, cells: ['TE_ACTIONS', { formula: 'B2*2' }] },
    ];
    expect(await rows(await write(true))).to.deep.equal(expected);
    expect(await rows(await write(false))).to.deep.equal(expected);
  });

  it('keeps a text cell starting with + - = @ as text; a real formula cell is still refused, with its row and column', async () => {
    const buf = workbook(
      [
        row(1, [
          '<c r="A1" t="inlineStr"><is><t>code</t></is></c>',
          '<c r="B1" t="inlineStr"><is><t>valeur</t></is></c>',
          '<c r="C1" t="inlineStr"><is><t>commentaire</t></is></c>',
        ]),
        row(2, ['<c r="A2" t="inlineStr"><is><t>EMP_CREES</t></is></c>', '<c r="B2"><v>3</v></c>', '<c r="C2" t="s"><v>0</v></c>']),
        row(3, [
          '<c r="A3" t="inlineStr"><is><t>TE_ACTIONS</t></is></c>',
          '<c r="B3" t="inlineStr"><is><t>+2</t></is></c>',
          '<c r="C3" t="inlineStr"><is><t>=pas une formule</t></is></c>',
        ]),
        row(4, ['<c r="A4" t="inlineStr"><is><t>ACT_CREEES</t></is></c>', '<c r="B4"><v>1</v></c>', '<c r="C4"><f>A1</f><v>0</v></c>']),
      ].join(''),
      { shared: ['+3 ETP grâce au nouveau marché'] },
    );
    const read = await parseSpreadsheet(buf, 'f.xlsx', 'quarter');
    if (!read.ok) throw new Error(read.error);
    expect(read.rows.map((r) => [r.code, r.value, r.comment])).to.deep.equal([
      ['EMP_CREES', '3', '+3 ETP grâce au nouveau marché'],
      ['TE_ACTIONS', '+2', '=pas une formule'],
    ]);
    expect(read.problems).to.deep.equal([{ line: 4, column: 'commentaire', letter: 'C', message: FORMULA }]);
  });

  it('refuses a cell longer than the limit, naming it, in shared and inline strings', async () => {
    const header = row(1, ['<c r="A1" t="inlineStr"><is><t>code</t></is></c>', '<c r="B1" t="inlineStr"><is><t>commentaire</t></is></c>']);
    const long = 'é'.repeat(MAX_CELL + 1);
    for (const buf of [
      workbook(header + row(2, ['<c r="B2" t="s"><v>0</v></c>']), { shared: [long] }),
      workbook(header + row(2, [`<c r="B2" t="inlineStr"><is><t>${long}</t></is></c>`])),
    ]) {
      const read = await readSpreadsheet(buf, 'f.xlsx');
      expect(read).to.deep.include({ ok: false, status: 422 });
      expect(!read.ok && read.error).to.match(/^La cellule B2 contient plus de 4.000 caractères/);
    }
    // At the limit, it is read.
    expect(
      (await rows(workbook(header + row(2, [`<c r="B2" t="inlineStr"><is><t>${'é'.repeat(MAX_CELL)}</t></is></c>`]))))[1].cells[1],
    ).to.have.length(MAX_CELL);
  });

  it('stops at the row limit without reading further', async () => {
    const body = Array.from({ length: 5_000 }, (_, i) => row(i + 1, [`<c r="A${i + 1}"><v>${i}</v></c>`])).join('');
    const read = await readSpreadsheet(workbook(body), 'f.xlsx', READ_LIMITS.quarter);
    expect(read).to.deep.include({ ok: false, status: 413 });
    expect(!read.ok && read.error).to.match(/^Le fichier compte plus de 1.000 lignes/);
    let seen = 0;
    await readFirstSheet(workbook(body), { budget: 10e6, maxCell: MAX_CELL, maxColumns: 50 }, () => ++seen < QUARTER_MAX_ROWS);
    expect(seen).to.equal(QUARTER_MAX_ROWS);
  });

  it('refuses a cell beyond the last allowed column (a sparse row must not make a huge array)', async () => {
    const read = await readSpreadsheet(workbook(row(1, ['<c r="A1"><v>1</v></c>', '<c r="XFD1"><v>2</v></c>'])), 'f.xlsx');
    expect(read).to.deep.include({ ok: false, status: 422 });
    expect(!read.ok && read.error).to.contain('plus de 50 colonnes');
  });

  it('refuses one huge cell (a « zip bomb ») before inflating it: from the declared size, and when the sizes lie', async () => {
    const huge = 'A'.repeat(50 * 1024 * 1024);
    const honest = workbook(row(1, ['<c r="A1" t="s"><v>0</v></c>']), { shared: [huge] });
    expect(honest.length).to.be.below(200_000);
    const budget = inflateBudget(honest.length, READ_LIMITS.quarter);
    expect(budget).to.be.below(6 * 1024 * 1024);
    const spent = { bytes: 0 };
    const run = (buf: Buffer) =>
      readFirstSheet(buf, { budget, maxCell: MAX_CELL, maxColumns: 50 }, () => true, spent).then(
        () => null,
        (err: unknown) => err,
      );
    let err = await run(honest);
    expect(err).to.be.instanceOf(XlsxLimit).and.include({ kind: 'inflated' });
    // Refused from the central directory: only the workbook and its relationships were inflated.
    expect(spent.bytes).to.be.below(10_000);

    // The central directory says 100 bytes: the reading stops at the budget, long before the 50 MB.
    spent.bytes = 0;
    err = await run(workbook(row(1, ['<c r="A1" t="s"><v>0</v></c>']), { shared: [huge], sharedDeclaredSize: 100 }));
    expect(err).to.be.instanceOf(XlsxLimit).and.include({ kind: 'inflated' });
    expect(spent.bytes).to.be.within(budget - 64 * 1024, budget + 64 * 1024);
    const read = await readSpreadsheet(
      workbook(row(1, ['<c r="A1" t="s"><v>0</v></c>']), { shared: [huge], sharedDeclaredSize: 100 }),
      'f.xlsx',
      READ_LIMITS.quarter,
    );
    expect(read).to.deep.equal({ ok: false, status: 413, error: INFLATED });
  });

  it('refuses what is not a workbook with the « not readable » message, never an exception', async () => {
    const notXlsx = 'Ce fichier n’est pas un classeur Excel (.xlsx) lisible : enregistrez-le de nouveau au format .xlsx ou CSV.';
    const good = workbook(row(1, ['<c r="A1"><v>1</v></c>']));
    const broken = Buffer.from(good);
    // Corrupts the deflated sheet (the local headers come first, in order).
    const at = broken.indexOf('xl/worksheets/sheet1.xml') + 'xl/worksheets/sheet1.xml'.length;
    broken.fill(0xff, at, at + 20);
    const unclosed = workbook(`<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="${'x'.repeat(70_000)}`);
    const nested = workbook('<row r="1"><c r="A1"><v>1</v></c></row><<<<row>');
    const cut = workbook('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"');
    for (const buf of [broken, unclosed, nested, cut, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100)])]) {
      expect(await readSpreadsheet(buf, 'f.xlsx')).to.deep.equal({ ok: false, error: notXlsx });
    }
  });
});
