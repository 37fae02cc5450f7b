import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { decodeText, detectSeparator, inflatedSize, readSpreadsheet } from '../../server/imports/import-files.ts';
import { cellText, columnLetter, normaliseHeader, numberText, readRows } from '../../server/imports/import-rows.ts';

const FORMULA = 'Cellule contenant une formule : collez la valeur, pas la formule.';

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Import');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('import: reading files', () => {
  it('decodes UTF-8 with or without BOM, Windows-1252 and UTF-16', () => {
    expect(decodeText(Buffer.from('\uFEFFcode;été', 'utf8'))).to.equal('code;été');
    expect(decodeText(Buffer.from('code;été', 'utf8'))).to.equal('code;été');
    // « l’équipe : 5 € » as Excel's « CSV (séparateur : point-virgule) » writes it.
    const ansi = Buffer.from([
      0xab, 0x20, 0x6c, 0x92, 0xe9, 0x71, 0x75, 0x69, 0x70, 0x65, 0x20, 0x3a, 0x20, 0x35, 0x20, 0x80, 0x20, 0x9c, 0x20, 0xbb,
    ]);
    expect(decodeText(ansi)).to.equal('« l’équipe : 5 € œ »');
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('code\tvaleur', 'utf16le')]))).to.equal('code\tvaleur');
  });

  it('detects the separator from the header line', () => {
    expect(detectSeparator('code;valeur\n1,5;2')).to.equal(';');
    expect(detectSeparator('code,valeur\n"1,5",2')).to.equal(',');
    expect(detectSeparator('code\tvaleur\n1;2;3;4')).to.equal('\t');
    expect(detectSeparator('"a;b",c,d\n')).to.equal(',');
    expect(detectSeparator('code\n1')).to.equal(';');
  });

  it('reads CSV rows with the line each starts on, even after a cell spanning lines', async () => {
    const read = await readSpreadsheet(Buffer.from('code;commentaire\r\nA;"deux\r\nlignes"\r\n\r\nB;Salle "Le Phare"\r\n'), 'f.csv');
    expect(read).to.deep.equal({
      ok: true,
      format: 'csv',
      rows: [
        { line: 1, cells: ['code', 'commentaire'] },
        { line: 2, cells: ['A', 'deux\r\nlignes'] },
        { line: 5, cells: ['B', 'Salle "Le Phare"'] },
      ],
    });
    const lf = await readSpreadsheet(Buffer.from('code\n\n"a\nb"\nc'), 'f.csv');
    expect(lf.ok && lf.rows.map((r) => r.line)).to.deep.equal([1, 3, 5]);
  });

  it('refuses what it cannot read, with a French reason', async () => {
    const error = async (bytes: Buffer, name: string) => {
      const r = await readSpreadsheet(bytes, name);
      return r.ok ? null : r.error;
    };
    expect(await error(Buffer.alloc(0), 'f.csv')).to.equal('Le fichier est vide.');
    expect(await error(Buffer.from('code;valeur\nA;1\nB;"1\nC;2\nD;3\n'), 'f.csv')).to.equal(
      'Guillemet ouvert et jamais fermé à la ligne 3 : vérifiez cette cellule.',
    );
    expect(await error(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2]), 'vieux.xls')).to.contain('Excel 97-2003 (.xls)');
    expect(await error(Buffer.from('PK\u0003\u0004 pas un classeur'), 'f.xlsx')).to.contain('n’est pas un classeur Excel (.xlsx) lisible');
    expect(await error(Buffer.from('texte'), 'f.xlsx')).to.contain('n’est pas un classeur Excel (.xlsx) lisible');
    expect(await error(Buffer.from([0x63, 0, 0x64, 0]), 'f.csv')).to.equal('Ce fichier n’est ni un CSV ni un classeur Excel (.xlsx).');
  });

  it('reads XLSX cells as they are: numbers, text, booleans; formulas and errors are flagged, never evaluated', async () => {
    const buf = await xlsx([
      ['code', 'valeur'],
      ['A', 1.5],
      ['B', { formula: '1+1', result: 2 }],
      ['C', { error: '#DIV/0!' }],
      [],
      ['D', true],
    ]);
    expect(inflatedSize(buf)).to.be.greaterThan(buf.length);
    const read = await readSpreadsheet(buf, 'f.xlsx');
    expect(read.ok && read.format).to.equal('xlsx');
    if (!read.ok) return;
    expect(read.rows).to.deep.equal([
      { line: 1, cells: ['code', 'valeur'] },
      { line: 2, cells: ['A', 1.5] },
      { line: 3, cells: ['B', { formula: '1+1' }] },
      { line: 4, cells: ['C', { error: '#DIV/0!' }] },
      { line: 6, cells: ['D', true] },
    ]);
  });

  it('measures a zip before inflating it', () => {
    expect(inflatedSize(Buffer.from('pas un zip du tout, même long'.repeat(10)))).to.equal(null);
  });
});

describe('import: reading rows', () => {
  it('names columns like the spreadsheet does', () => {
    expect([0, 25, 26, 51, 52].map(columnLetter)).to.deep.equal(['A', 'Z', 'AA', 'AZ', 'BA']);
    expect(normaliseHeader(' Non disponible ')).to.equal('non_disponible');
    expect(normaliseHeader('Catégorie')).to.equal('categorie');
    expect(normaliseHeader('Année')).to.equal('annee');
    expect(normaliseHeader('Pôle')).to.equal('pole');
  });

  it('writes XLSX numbers without binary noise', () => {
    expect(numberText(0.1 + 0.2)).to.equal('0.3');
    expect(numberText(12)).to.equal('12');
    expect(numberText(-3.25)).to.equal('-3.25');
  });

  it('flags formulas, lets numbers and sentences through, and undoes the export’s quote', () => {
    for (const f of ['=1+1', '=SOMME(A1:A3)', '@SUM(A1)', '+A1', '-B2*2'])
      expect(cellText(f, 'valeur'), f).to.deep.equal({ problem: FORMULA });
    expect(cellText('=x', 'commentaire')).to.deep.equal({ problem: FORMULA });
    for (const n of ['-3', '+5', '-1 234,5', ' 12,5 ']) expect(cellText(n, 'valeur'), n).to.deep.equal({ text: n.trim() });
    expect(cellText('- réunion du comité', 'commentaire')).to.deep.equal({ text: '- réunion du comité' });
    expect(cellText("'=pas une formule", 'commentaire')).to.deep.equal({ text: '=pas une formule' });
    expect(cellText({ formula: 'A1*2' }, 'valeur')).to.deep.equal({ problem: FORMULA });
    expect(cellText({ error: '#REF!' }, 'valeur')).to.deep.equal({ problem: 'Cellule en erreur (#REF!) : corrigez-la dans le tableur.' });
    expect(cellText(true, 'non_disponible')).to.deep.equal({ text: 'oui' });
    expect(cellText(null, 'valeur')).to.deep.equal({ text: '' });
  });

  it('finds the columns by their header, whatever the order and the spelling', () => {
    const read = readRows(
      [
        { line: 1, cells: ['Valeur', 'Catégorie', 'Code', 'Non disponible', 'Raison'] },
        { line: 2, cells: ['', '', ' emp_crees ', 'OUI', 'Pas mesuré'] },
        { line: 3, cells: [null, null, null, null, null] },
        { line: 4, cells: ['3', 'ESS', 'MEMBRES', '', ''] },
      ],
      'quarter',
    );
    expect(read.ok).to.equal(true);
    if (!read.ok) return;
    expect(read.columns).to.include({ valeur: 'A', categorie: 'B', code: 'C', non_disponible: 'D' });
    expect(read.count).to.equal(2);
    expect(read.rows).to.deep.equal([
      { line: 2, pole: '', year: 0, quarter: 0, code: 'EMP_CREES', category: '', value: '', na: true, reason: 'Pas mesuré', comment: '' },
      { line: 4, pole: '', year: 0, quarter: 0, code: 'MEMBRES', category: 'ess', value: '3', na: false, reason: '', comment: '' },
    ]);
  });

  it('refuses a file without the required headers, naming them', () => {
    const read = readRows([{ line: 1, cells: ['indicateur', 'montant'] }], 'quarter');
    expect(read).to.deep.equal({
      ok: false,
      error:
        'Colonnes manquantes dans la ligne d’en-tête (ligne 1) : code, valeur. La première ligne doit reprendre les en-têtes du modèle : code, categorie, libelle, unite, valeur_trimestre_precedent, valeur, non_disponible, raison, commentaire.',
    });
  });

  it('reports unreadable cells of the long format with their line and column, and leaves those rows out', () => {
    const header = { line: 1, cells: ['pole', 'indicateur', 'annee', 'trimestre', 'valeur', 'non_disponible'] };
    const read = readRows(
      [
        header,
        { line: 2, cells: ['Pole-A', 'emp_crees', 2025, 'T3', 1, ''] },
        { line: 3, cells: ['', 'EMP_CREES', '25', '5', 1, 'peut-être'] },
      ],
      'long',
    );
    if (!read.ok) throw new Error(read.error);
    expect(read.rows.map((r) => [r.pole, r.code, r.year, r.quarter, r.value])).to.deep.equal([['pole-a', 'EMP_CREES', 2025, 3, '1']]);
    expect(read.problems.map((p) => `${p.line} ${p.letter} ${p.column}`)).to.deep.equal([
      '3 F non_disponible',
      '3 A pole',
      '3 C annee',
      '3 D trimestre',
    ]);
    expect(read.count).to.equal(2);
  });
});
