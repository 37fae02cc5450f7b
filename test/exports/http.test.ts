import { expect } from 'chai';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { binary, readXlsx } from '../support/files.ts';
import type request from 'supertest';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { buildExportFixture, type ExportFixture } from './fixture.ts';
import type { CurrentUser } from '../../server/http/current-user.ts';
import { RAW_HEADER } from '../../server/exports/raw-export.service.ts';
import { CSV_HEADER, summaryFile, summaryPrintModel } from '../../server/exports/summary-files.ts';
import { isoParis } from '../../server/lib/format.ts';
import { text } from '../support/html.ts';

type Agent = ReturnType<typeof request.agent>;

describe(`exports over HTTP (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let fx: ExportFixture;
  const agents = {} as Record<'staff' | 'funder76' | 'national' | 'manager', Agent>;
  let funder76: CurrentUser;

  before(async () => {
    ctx = await createTestApp();
    fx = await buildExportFixture(ctx);
    const s = ctx.s;
    const f = await makeUser(s, 'funder', { regionCodes: ['76', '75'] });
    funder76 = { id: f.id, email: f.email, displayName: '', role: 'funder', poleIds: [], regionCodes: ['76', '75'] };
    agents.staff = await signIn(ctx.app, (await makeUser(s, 'staff')).email);
    agents.funder76 = await signIn(ctx.app, f.email);
    agents.national = await signIn(ctx.app, (await makeUser(s, 'funder')).email);
    agents.manager = await signIn(ctx.app, (await makeUser(s, 'manager', { poleIds: [fx.poles.garonne.id] })).email);
  });
  after(() => ctx.close());

  it('staff page: both forms, the last closed quarter by default, a nav link', async () => {
    const res = await agents.staff.get('/admin/exports').expect(200);
    expect(res.text).to.include('action="/admin/exports/synthese"').and.include('action="/admin/exports/valeurs"');
    expect(res.text).to.include('value="2026-T3"').and.include('href="/admin/exports"');
    expect(res.text).to.include('formaction="/admin/exports/synthese/impression"');
  });

  it('national XLSX: named, attached, four sheets, numbers as numbers, frozen header, computed line', async () => {
    const res = await agents.staff.get('/admin/exports/synthese?periode=2026-Q2&format=xlsx').buffer(true).parse(binary).expect(200);
    expect(res.headers['content-disposition']).to.equal('attachment; filename="ptce-synthese-nationale-2026-T2.xlsx"');
    const wb = await readXlsx(res.body as Buffer);
    expect(wb.worksheets.map((w) => w.name)).to.deep.equal(['Synthèse nationale', 'Par région', 'Complétude', 'Définitions']);
    const summary = await ctx.s.summaries.national({ kind: 'quarter', year: 2026, quarter: 2 });
    for (const ws of wb.worksheets) {
      expect(ws.views[0]).to.include({ state: 'frozen', ySplit: 5 });
      // Paris time with its offset: the fixture's clock is in November, winter time.
      expect(String(ws.getCell('A2').value)).to.match(/^Données calculées le 2026-\d\d-\d\dT\d\d:\d\d:\d\d\+01:00\.$/);
      expect(ws.getColumn(2).width).to.be.greaterThan(10);
    }
    const sheet = wb.getWorksheet('Synthèse nationale')!;
    const rows: Record<string, { value: unknown; numFmt: string; reported: unknown; contributors: unknown }> = {};
    sheet.eachRow((row, n) => {
      if (n > 5)
        rows[String(row.getCell(3).value)] = {
          value: row.getCell(6).value,
          numFmt: row.getCell(6).numFmt,
          reported: row.getCell(7).value,
          contributors: row.getCell(11).value,
        };
    });
    expect(Object.keys(rows)).to.have.length(summary.indicators.length);
    // The headline indicators come first.
    expect(String(sheet.getRow(6).getCell(3).value)).to.equal('EMP_CREES');
    for (const f of summary.national) {
      expect(rows[f.indicator].value, f.indicator).to.equal(f.value);
      if (f.value !== null) expect(typeof rows[f.indicator].value).to.equal('number');
      expect(rows[f.indicator].reported).to.equal(f.reported);
      expect(rows[f.indicator].contributors).to.equal(f.contributors);
    }
    expect(rows.EMP_CREES.numFmt).to.equal('#,##0.0');
    expect(rows.ACT_CONSOLIDEES.numFmt).to.equal('#,##0');
    const regions = wb.getWorksheet('Par région')!;
    expect(regions.rowCount - 5).to.equal(summary.regions.length);
    const defs = wb.getWorksheet('Définitions')!;
    expect(defs.rowCount - 5).to.equal(summary.indicators.length);
  });

  for (const [format, sep, suffix] of [
    ['csv', ',', '.csv'],
    ['csv-excel', ';', '-excel.csv'],
  ] as const) {
    it(`national ${format}: parses back to the summary's figures`, async () => {
      const res = await agents.staff.get(`/admin/exports/synthese?periode=2026&format=${format}&base=validated_or_submitted`).expect(200);
      expect(res.headers['content-disposition']).to.equal(`attachment; filename="ptce-synthese-nationale-2026-cumul-T3${suffix}"`);
      expect(res.headers['content-type']).to.match(/^text\/csv/);
      expect(res.text.startsWith('\ufeff')).to.equal(format === 'csv-excel');
      const rows: string[][] = parse(res.text, { delimiter: sep, bom: true });
      expect(rows[0]).to.deep.equal([...CSV_HEADER]);
      const summary = await ctx.s.summaries.national({ kind: 'year', year: 2026 }, 'validated_or_submitted');
      const num = (s: string) => (s === '' ? null : Number(s.replace(',', '.')));
      const col = (name: (typeof CSV_HEADER)[number]) => CSV_HEADER.indexOf(name);
      const decimals = new Map(summary.indicators.map((i) => [i.code, i.decimals]));
      for (const f of [...summary.national, ...summary.regions]) {
        const row = rows.find((r) => r[1] === f.area && r[3] === f.indicator)!;
        // Written with the indicator's decimals (a ratio's percentage with one).
        const expected = f.value === null ? null : Number(f.value.toFixed(decimals.get(f.indicator)));
        expect(num(row[8]), `${f.area} ${f.indicator}`).to.equal(expected);
        expect(num(row[col('contributeurs')])).to.equal(f.contributors);
        // A year to date counts pole-quarters, and says so beside its rate.
        expect(row[col('completude_comptee_en')]).to.equal('trimestres déclarés (pôle × trimestre)');
        expect(num(row[col('declares')])).to.equal(f.reported);
        expect(num(row[col('taux_completude_pct')])).to.equal(f.expected ? Number(((f.reported / f.expected) * 100).toFixed(1)) : null);
        expect(row[col('periode_comparee')]).to.equal('2025, cumul à fin T3');
        expect(num(row[col('poles_deux_periodes')])).to.equal(f.comparison!.poles);
        expect(num(row[col('evolution_perimetre_constant')])).to.equal(f.comparison!.change);
        expect(row[col('calcule_le')])
          .to.equal(isoParis(f.computedAt))
          .and.match(/^2026-\d\d-\d\dT\d\d:\d\d:\d\d\+01:00$/);
        // The year still running is labelled as its year to date, never a bare « 2026 ».
        expect(row[6]).to.equal('2026, cumul à fin T3 (provisoire)');
      }
      expect(rows.filter((r) => r[0] === 'Complétude')).to.have.length(summary.completeness.length);
      expect(rows.filter((r) => r[0] === 'Définitions')).to.have.length(summary.indicators.length);
    });
  }

  it('a funder’s scope export holds nothing outside its regions, in every format', async () => {
    const outside = [
      'Pôle Rhône',
      'Pôle Seine',
      'Pôle Armor',
      fx.poles.rhone.slug,
      fx.poles.seine.slug,
      'Auvergne',
      'Île-de-France',
      'Bretagne',
    ];
    for (const format of ['csv', 'csv-excel'] as const) {
      const res = await agents.funder76.get(`/exports/perimetre?periode=2026-T2&format=${format}`).expect(200);
      expect(res.headers['content-disposition']).to.match(/filename="ptce-perimetre-75-76-2026-T2(-excel)?\.csv"/);
      for (const word of outside) expect(res.text, word).not.to.include(word);
      expect(res.text).to.include('Pôle Garonne').and.include('Occitanie');
    }
    const res = await agents.funder76.get('/exports/perimetre?periode=2026-T2&format=xlsx').buffer(true).parse(binary).expect(200);
    const wb = await readXlsx(res.body as Buffer);
    expect(wb.worksheets.map((w) => w.name)).to.deep.equal([
      'Synthèse du périmètre',
      'Par région',
      'Par pôle',
      'Complétude',
      'Objectifs',
      'Faits marquants',
      'Définitions',
    ]);
    const cells: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.value)))));
    for (const word of outside)
      expect(
        cells.some((c) => c.includes(word)),
        word,
      ).to.equal(false);
    const summary = await ctx.s.summaries.scope(funder76, { kind: 'quarter', year: 2026, quarter: 2 });
    const poles = wb.getWorksheet('Par pôle')!;
    expect(poles.rowCount - 5).to.equal(summary.poles.length);
    const print = await agents.funder76.get('/exports/perimetre/impression?periode=2026-T2').expect(200);
    for (const word of outside) expect(text(print.text), word).not.to.include(word);
  });

  it('a scope export names its area (its regions in French order), the year to date as such, in every format', async () => {
    const area = 'Nouvelle-Aquitaine + Occitanie';
    const csv = await agents.funder76.get('/exports/perimetre?periode=2026&format=csv').expect(200);
    expect(csv.headers['content-disposition']).to.equal('attachment; filename="ptce-perimetre-75-76-2026-cumul-T3.csv"');
    expect(csv.text).not.to.include('Votre périmètre');
    const own = (parse(csv.text) as string[][]).filter((r) => r[0] === 'Synthèse du périmètre');
    expect(own.length).to.be.greaterThan(0);
    for (const r of own) expect([r[1], r[2], r[6]]).to.deep.equal(['PERIMETRE', area, '2026, cumul à fin T3 (provisoire)']);
    const res = await agents.funder76.get('/exports/perimetre?periode=2026&format=xlsx').buffer(true).parse(binary).expect(200);
    expect(res.headers['content-disposition']).to.equal('attachment; filename="ptce-perimetre-75-76-2026-cumul-T3.xlsx"');
    const wb = await readXlsx(res.body as Buffer);
    for (const ws of wb.worksheets) {
      expect(ws.getCell('A1').value).to.equal(`Synthèse : ${area}, 2026, cumul à fin T3 (provisoire)`);
      expect(String(ws.getCell('A3').value)).to.include('Période : 2026, cumul à fin T3 (provisoire).');
    }
    expect(wb.getWorksheet('Synthèse du périmètre')!.getCell('B6').value).to.equal(area);
    const print = text((await agents.funder76.get('/exports/perimetre/impression?periode=2026').expect(200)).text);
    expect(print).to.include(`Synthèse : ${area}, 2026, cumul à fin T3 (provisoire)`).and.not.include('Votre périmètre');
    expect(print).to.match(/Données calculées le 2026-\d\d-\d\dT\d\d:\d\d:\d\d\+01:00/);
    // A closed year stays « 2025 » (provisional here: not all its quarters are consolidated in the scope);
    // a national funder's file says the nation.
    const closed = await agents.funder76.get('/exports/perimetre?periode=2025-T4&format=csv').expect(200);
    expect(closed.headers['content-disposition']).to.include('ptce-perimetre-75-76-2025-T4.csv');
    const y2025 = await agents.funder76.get('/exports/perimetre?periode=2025&format=csv').expect(200);
    expect(y2025.headers['content-disposition']).to.include('ptce-perimetre-75-76-2025.csv');
    expect((parse(y2025.text) as string[][])[1][6]).to.equal('2025 (provisoire)');
    const national = await agents.national.get('/exports/perimetre?periode=2026-T2&format=xlsx').buffer(true).parse(binary).expect(200);
    expect(national.headers['content-disposition']).to.include('ptce-perimetre-france-2026-T2.xlsx');
    expect((await readXlsx(national.body as Buffer)).worksheets[0].getCell('A1').value).to.equal('Synthèse : France, 2026-T2');
  });

  it('raw values: « modifie_le » in Paris time with its offset', async () => {
    const res = await agents.staff.get('/admin/exports/valeurs?fichier=csv').expect(200);
    const rows = parse(res.text) as string[][];
    const col = rows[0].indexOf('modifie_le');
    expect(rows.length).to.be.greaterThan(1);
    for (const r of rows.slice(1)) expect(r[col]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
  });

  it('in the workbook, pole-level flow figures add up to the national ones', async () => {
    for (const periode of ['2026-T2', '2026']) {
      const res = await agents.staff
        .get(`/exports/perimetre?periode=${periode}&format=xlsx&base=validated_or_submitted`)
        .buffer(true)
        .parse(binary)
        .expect(200);
      const wb = await readXlsx(res.body as Buffer);
      const rows = (name: string) => {
        const out: unknown[][] = [];
        wb.getWorksheet(name)!.eachRow((row, n) => {
          if (n > 5) out.push((row.values as unknown[]).slice(1));
        });
        return out;
      };
      const flows = rows('Définitions')
        .filter((r) => r[2] === 'Flux')
        .map((r) => String(r[0]));
      expect(flows).to.include('EMP_CREES');
      const scaled = (v: unknown) => Math.round(Number(v ?? 0) * 10_000);
      for (const code of flows) {
        const nation = rows('Synthèse du périmètre').find((r) => r[2] === code)!;
        const poles = rows('Par pôle')
          .filter((r) => r[2] === code)
          .reduce((acc: number, r) => acc + scaled(r[5]), 0);
        expect(scaled(nation[5]), `${periode} ${code}`).to.equal(poles);
      }
    }
  });

  it('funders get validated figures only; managers are refused', async () => {
    const res = await agents.funder76.get('/exports/perimetre?periode=2026-T2&format=csv&base=validated_or_submitted').expect(422);
    expect(text(res.text)).to.include('Seules les données validées peuvent être exportées.');
    await agents.manager.get('/exports/perimetre?periode=2026-T2&format=csv').expect(403);
    await agents.funder76.get('/admin/exports/valeurs?fichier=csv').expect(403);
  });

  it('bad filters: 422, French messages next to the fields, typed values kept, never a 500', async () => {
    const bad = await agents.staff.get('/admin/exports/synthese?periode=2027-T1&format=pdf&base=tout').expect(422);
    const page = text(bad.text);
    expect(page).to.include('Cette période n’est pas encore close (dernier trimestre clos : 2026-T3).');
    expect(bad.text).to.include('value="2027-T1"');
    expect(bad.text)
      .to.match(/id="f-format-error"/)
      .and.match(/id="f-base-error"/);
    const raw = await agents.staff
      .get('/admin/exports/valeurs?fichier=csv&de=2026-T3&a=2026-T1&regions=76&regions=XX&statuts=perdu')
      .expect(422);
    expect(text(raw.text)).to.include('Le trimestre de fin doit suivre celui de début.').and.include('Choisissez une valeur de la liste.');
    expect(raw.text)
      .to.include('value="2026-T3"')
      .and.match(/<input type="checkbox" name="regions" value="76" checked>/);
    const unknown = await agents.staff.get('/admin/exports/valeurs?fichier=csv&regions=76&regions=XX&poles=inconnu').expect(422);
    expect(unknown.text)
      .to.match(/id="f-regions-error"/)
      .and.match(/id="f-poles-error"/);
    const hostile = [
      'periode=',
      'periode=2026-T2&periode=2026-T3&format=csv',
      'periode[a]=1&format=csv',
      'periode=%27%3B--&format=xlsx',
      `periode=${'9'.repeat(5000)}`,
      'periode=1999&format=csv',
      'periode=2026-T0&format=csv',
      'periode=2026&format=csv&format=xlsx',
      'periode=2026-T2&format[]=csv',
    ];
    for (const q of hostile) {
      const r = await agents.staff.get(`/admin/exports/synthese?${q}`);
      expect(r.status, q).to.be.oneOf([400, 422]);
    }
    for (const q of ['de=x', 'a=2026-T9', `poles=${'a'.repeat(300)}`, 'fichier=xlsx', 'regions=%00', 'statuts=validated&statuts=x']) {
      const r = await agents.staff.get(`/admin/exports/valeurs?fichier=csv&${q}`);
      expect(r.status, q).to.be.oneOf([400, 422]);
    }
    // Parameters the export does not know are ignored, never a 500.
    for (const q of ['indicateurs[x]=1', 'statuts[]=x', 'inconnu=1&inconnu=2'])
      expect((await agents.staff.get(`/admin/exports/valeurs?fichier=csv&${q}`)).status, q).to.be.below(500);
  });

  it('random query strings never give a 5xx (property)', async () => {
    const key = fc.constantFrom('periode', 'base', 'format', 'regions', 'poles', 'indicateurs', 'de', 'a', 'statuts', 'fichier', 'x');
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('2026-T2', '2026', '2026-Q3', 'csv', 'xlsx', 'csv-excel', 'validated', '76', 'EMP_CREES', '=1+1', '%00', '[]'),
    );
    const paths = [
      '/admin/exports/synthese',
      '/admin/exports/synthese/impression',
      '/admin/exports/valeurs',
      '/exports/perimetre',
      '/exports/perimetre/impression',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.array(fc.tuple(key, value), { maxLength: 6 }), async (p, pairs) => {
        const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const res = await agents.staff.get(`${p}?${qs}`);
        expect(res.status, `${p}?${qs}`).to.be.below(500);
      }),
      { numRuns: 60 },
    );
  });

  it('raw values: streamed CSV with every value and its status, filtered as asked', async () => {
    const all = await agents.staff.get('/admin/exports/valeurs?fichier=csv').expect(200);
    expect(all.headers['content-disposition']).to.equal('attachment; filename="ptce-valeurs-brutes-2026-11-26.csv"');
    const rows: string[][] = parse(all.text, { bom: true });
    expect(rows[0]).to.deep.equal(RAW_HEADER);
    const count = Number((await ctx.db('quarter_values').count({ n: '*' }).first())?.n);
    expect(rows.length - 1).to.equal(count);
    const garonne = rows.find((r) => r[0] === fx.poles.garonne.slug && r[4] === 'EMP_CREES' && r[6] === '2026-T1')!;
    expect(garonne).to.include.members(['Validé', '1.5', 'Occitanie', 'ETP']);

    const some = await agents.staff
      .get(
        `/admin/exports/valeurs?fichier=csv-excel&regions=76&indicateurs=EMP_CREES&de=2026-T2&a=2026-Q2&statuts=submitted&statuts=validated`,
      )
      .expect(200);
    expect(some.text.startsWith('\ufeff')).to.equal(true);
    const picked: string[][] = parse(some.text, { bom: true, delimiter: ';' });
    // Occitanie in 2026-T2: Garonne and Lauragais validated, Minervois submitted.
    expect(
      picked
        .slice(1)
        .map((r) => [r[0], r[7], r[8]])
        .sort(),
    ).to.deep.equal(
      [
        [fx.poles.garonne.slug, 'Validé', '2,5'],
        [fx.poles.lauragais.slug, 'Validé', '2,0'],
        [fx.poles.minervois.slug, 'Soumis', '7,0'],
      ].sort(),
    );
    const one = await agents.staff.get(`/admin/exports/valeurs?fichier=csv&poles=${fx.poles.minervois.slug}&statuts=validated`).expect(200);
    expect(parse(one.text)).to.have.length(1);
  });

  it('raw values: read in batches, the same rows whatever the batch size', async () => {
    const collect = async (batch?: number) => {
      const out: unknown[] = [];
      for await (const r of ctx.s.rawExports.records({ regionCodes: ['76', '84'] }, batch)) out.push(r);
      return out;
    };
    const whole = await collect();
    expect(whole.length).to.be.greaterThan(10);
    expect(await collect(3)).to.deep.equal(whole);
    expect(await collect(1)).to.deep.equal(whole);
  });

  it('files are named by period and version, and say when their figures were computed', async () => {
    const summary = await ctx.s.summaries.national({ kind: 'quarter', year: 2026, quarter: 2 });
    expect((await summaryFile(summary, 'xlsx', { version: 2 })).filename).to.equal('ptce-synthese-nationale-2026-T2-v2.xlsx');
    expect((await summaryFile(summary, 'csv-excel', { version: 3 })).filename).to.equal('ptce-synthese-nationale-2026-T2-v3-excel.csv');
    const titled = await readXlsx((await summaryFile(summary, 'xlsx', { title: 'Publication nationale 2026-T2, version 2' })).body);
    expect(titled.worksheets[0].getCell('A1').value).to.equal('Publication nationale 2026-T2, version 2');
    const scope = await ctx.s.summaries.scope(funder76, { kind: 'year', year: 2026 });
    expect((await summaryFile(scope, 'csv')).filename).to.equal('ptce-perimetre-75-76-2026-cumul-T3.csv');
    expect(summaryPrintModel(summary).computed).to.match(/^Données calculées le /);
  });

  it('print pages: every section, the computed line, no 500 for a year', async () => {
    const res = await agents.staff.get('/admin/exports/synthese/impression?periode=2026-T2&base=validated').expect(200);
    const page = text(res.text);
    for (const h of ['Synthèse nationale 2026-T2', 'Indicateurs phares', 'Par région', 'Complétude', 'Définitions', 'Données calculées le'])
      expect(page).to.include(h);
    expect(res.text).to.include('/static/css/print.css');
    await agents.staff.get('/admin/exports/synthese/impression?periode=2025').expect(200);
    await agents.national.get('/exports/perimetre/impression?periode=2026-T3').expect(200);
  });
});
