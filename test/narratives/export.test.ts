// The scope export's « Faits marquants »: a sheet of the workbook and a section of both CSVs, read back,
// holding exactly the scope's poles' texts of the period's last quarter (validated only for a funder),
// a text that starts like a formula neutralised in the CSVs and kept as plain text in the workbook.
import { expect } from 'chai';
import type request from 'supertest';
import { parse } from 'csv-parse/sync';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { binary, readXlsx } from '../support/files.ts';
import { CSV_HEADER } from '../../server/exports/summary-files.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import { reportWith } from './support.ts';

type Agent = ReturnType<typeof request.agent>;
const T3 = { year: 2026, quarter: 3 };

describe(`the scope export's « Faits marquants » (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let staff: Agent;
  let funder: Agent;
  const poles: Record<string, PoleRow> = {};

  before(async () => {
    ctx = await createTestApp();
    const s = ctx.s;
    const st = await makeUser(s, 'staff');
    poles.garonne = await makePole(s, { name: 'Pôle Garonne', region: '76' });
    poles.tarn = await makePole(s, { name: 'Pôle Tarn', region: '76' });
    poles.aude = await makePole(s, { name: 'Pôle Aude', region: '76' });
    poles.rhone = await makePole(s, { name: 'Pôle Rhône', region: '84' });
    const m = await makeUser(s, 'manager', { poleIds: Object.values(poles).map((p) => p.id) });
    const ids = { manager: m.id, staff: st.id };
    await reportWith(s, poles.garonne, T3, { highlights: '=HYPERLINK("http://x")\nSuite', difficulties: '@SUM(1)' }, 'validated', ids);
    await reportWith(s, poles.tarn, T3, { highlights: 'Soumis seulement.', difficulties: '' }, 'submitted', ids);
    await reportWith(s, poles.aude, T3, { highlights: 'Brouillon.', difficulties: '' }, 'draft', ids);
    await reportWith(s, poles.rhone, T3, { highlights: 'Hors périmètre.', difficulties: '-2' }, 'validated', ids);
    await reportWith(
      s,
      poles.garonne,
      { year: 2026, quarter: 2 },
      { highlights: 'Trimestre précédent.', difficulties: '' },
      'validated',
      ids,
    );
    await s.refresh.rebuild();
    staff = await signIn(ctx.app, st.email);
    funder = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['76'] })).email);
  });
  after(() => ctx.close());

  /** The « Faits marquants » rows of a CSV export, as [pole code, pole, periode, base, region, status, highlights, difficulties]. */
  async function csvSection(agent: Agent, query: string, format: 'csv' | 'csv-excel') {
    const res = await agent.get(`/exports/perimetre?${query}&format=${format}`).expect(200);
    const rows: string[][] = parse(res.text, { delimiter: format === 'csv' ? ',' : ';', bom: true });
    expect(rows[0]).to.deep.equal([...CSV_HEADER]);
    expect(rows.every((r) => r.length === CSV_HEADER.length)).to.equal(true);
    const col = (name: (typeof CSV_HEADER)[number]) => CSV_HEADER.indexOf(name);
    // Every other row leaves the section's columns blank.
    for (const r of rows.slice(1).filter((r) => r[0] !== 'Faits marquants')) expect(r[col('faits_marquants')]).to.equal('');
    return rows
      .filter((r) => r[0] === 'Faits marquants')
      .map((r) => [
        r[col('code_zone')],
        r[col('zone')],
        r[col('periode')],
        r[col('base')],
        r[col('region')],
        r[col('statut_rapport')],
        r[col('faits_marquants')],
        r[col('difficultes')],
      ]);
  }

  async function sheetRows(agent: Agent, query: string) {
    const res = await agent.get(`/exports/perimetre?${query}&format=xlsx`).buffer(true).parse(binary).expect(200);
    const ws = (await readXlsx(res.body as Buffer)).getWorksheet('Faits marquants')!;
    const rows: unknown[][] = [];
    ws.eachRow((row, n) => {
      if (n > 5) rows.push((row.values as unknown[]).slice(1));
    });
    return { ws, rows };
  }

  it('a funder’s CSVs: the validated texts of its poles only, a formula-like text neutralised', async () => {
    for (const format of ['csv', 'csv-excel'] as const) {
      expect(await csvSection(funder, 'periode=2026-T3', format)).to.deep.equal([
        [
          poles.garonne.slug,
          'Pôle Garonne',
          '2026-T3',
          'données validées',
          'Occitanie',
          'Validé',
          '\'=HYPERLINK("http://x")\nSuite',
          "'@SUM(1)",
        ],
      ]);
    }
  });

  it('a funder’s workbook: the sheet says which quarter, and holds the same row as text', async () => {
    const { ws, rows } = await sheetRows(funder, 'periode=2026-T3');
    expect(ws.getCell('A4').value).to.equal(
      'Faits marquants et difficultés du trimestre 2026-T3 (dernier trimestre de la période), rapports validés.',
    );
    expect((ws.getRow(5).values as unknown[]).slice(1)).to.deep.equal([
      'Pôle',
      'Région',
      'Trimestre',
      'Statut du rapport',
      'Faits marquants',
      'Difficultés',
    ]);
    expect(rows).to.deep.equal([['Pôle Garonne', 'Occitanie', '2026-T3', 'Validé', '=HYPERLINK("http://x")\nSuite', '@SUM(1)']]);
    // A string cell, never a formula.
    expect(ws.getCell('E6').type).to.equal(3);
    expect(ws.getCell('E6').formula).to.equal(undefined);
  });

  it('a year to date takes its last quarter; staff’s « validées ou soumises » adds the submitted reports, never drafts', async () => {
    const { ws, rows } = await sheetRows(funder, 'periode=2026');
    expect(String(ws.getCell('A4').value)).to.include('2026-T3');
    expect(rows.map((r) => r[0])).to.deep.equal(['Pôle Garonne']);
    const staffRows = await csvSection(staff, 'periode=2026-T3&base=validated_or_submitted', 'csv');
    // By region, then pole, in French order.
    expect(staffRows.map((r) => [r[1], r[4], r[5]])).to.deep.equal([
      ['Pôle Rhône', 'Auvergne-Rhône-Alpes', 'Validé'],
      ['Pôle Garonne', 'Occitanie', 'Validé'],
      ['Pôle Tarn', 'Occitanie', 'Soumis'],
    ]);
    expect(staffRows.find((r) => r[1] === 'Pôle Rhône')![7]).to.equal("'-2");
    expect((await csvSection(staff, 'periode=2026-T2', 'csv')).map((r) => r[6])).to.deep.equal(['Trimestre précédent.']);
  });

  it('a quarter nobody wrote for: the sheet says so, the CSV has no section row', async () => {
    const { ws, rows } = await sheetRows(funder, 'periode=2026-T1');
    expect(rows).to.deep.equal([]);
    expect(String(ws.getCell('A4').value))
      .to.include('2026-T1')
      .and.include('Aucun pôle du périmètre n’a rien écrit pour ce trimestre.');
    expect(await csvSection(funder, 'periode=2026-T1', 'csv-excel')).to.deep.equal([]);
  });
});
