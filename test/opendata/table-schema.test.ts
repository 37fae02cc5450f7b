import { expect } from 'chai';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { COLUMNS } from '../../server/opendata/opendata-columns.ts';
import { openDataCsv, openDataRows } from '../../server/opendata/opendata-table.ts';
import { openDataTableSchema } from '../../server/opendata/table-schema.ts';
import type { Publication } from '../../server/publications/publications.repo.ts';
import { buildPublicationFixture } from '../publications/fixture.ts';
import { handBuiltSummary } from '../publications/summaries.ts';
import { onPostgres } from '../support/test-db.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { validateTable, type TableSchemaDescriptor } from './table-schema-check.ts';

const TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'year'];
const records = (csv: string): string[][] => parse(csv, { relax_column_count: true });

describe(`open data Table Schema /donnees-ouvertes/schema.json (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let schema: TableSchemaDescriptor;
  let csv: string;

  before(async () => {
    ctx = await createTestApp({ OPEN_DATA: 'true' });
    const fx = await buildPublicationFixture(ctx);
    await ctx.s.publications.publish({ periode: { kind: 'quarter', year: 2026, quarter: 3 }, motif: '' }, { userId: fx.staff.id });
    const anonymous = request.agent(ctx.app);
    const page = (await anonymous.get('/donnees-ouvertes').expect(200)).text;
    expect(page).to.contain('href="/donnees-ouvertes/schema.json"').and.contain('Table Schema');
    const res = await anonymous
      .get('/donnees-ouvertes/schema.json')
      .expect(200)
      .expect('content-type', /application\/json/);
    schema = res.body;
    const href = /href="(\/donnees-ouvertes\/2026-T3\.csv)"/.exec(page)![1];
    csv = (await anonymous.get(href).buffer(true).expect(200)).text;
  });
  after(() => ctx.close());

  it('describes every column of the file, in its order, with a French title and description, a type and the missing values', () => {
    expect(schema.fields.map((f) => f.name)).to.deep.equal(records(csv)[0]);
    expect(schema.fields.map((f) => f.name)).to.deep.equal(COLUMNS.map((c) => c.name));
    for (const f of schema.fields) {
      expect(f.title, f.name).to.be.a('string').and.not.equal('');
      expect(f.description, f.name)
        .to.be.a('string')
        .and.match(/[a-zé]{3}/);
      expect(TYPES, f.name).to.include(f.type);
    }
    expect(schema.missingValues).to.deep.equal(['', 'secret statistique']);
    expect(schema.primaryKey).to.deep.equal(['periode', 'code_zone', 'code_indicateur']);
    const byName = Object.fromEntries(schema.fields.map((f) => [f.name, f]));
    expect(byName.valeur.type).to.equal('number');
    expect(byName.version).to.deep.include({ type: 'integer', constraints: { required: true, minimum: 1 } });
    expect(byName.date_publication.type).to.equal('date');
    expect(byName.niveau.constraints).to.deep.equal({ required: true, enum: ['national', 'regional'] });
  });

  it('validates every row of the served CSV, secrets and empty cells included', () => {
    const table = records(csv);
    expect(validateTable(schema, table)).to.deep.equal([]);
    const valeur = table[0].indexOf('valeur');
    const values = table.slice(1).map((r) => r[valeur]);
    // The fixture has figures shown and hidden (Rhône alone in 84, Bretagne hidden with it).
    expect(values).to.include('secret statistique').and.include('35');
  });

  it('is a real check: one corrupted cell, a duplicate row or a renamed column fails it', () => {
    const table = records(csv);
    const col = (name: string) => table[0].indexOf(name);
    const corrupt = (edit: (t: string[][]) => void) => {
      const copy = table.map((r) => [...r]);
      edit(copy);
      return validateTable(schema, copy);
    };
    const cases: [string, (t: string[][]) => void, RegExp][] = [
      ['a value that is not a number', (t) => (t[1][col('valeur')] = '12,5'), /ligne 2, valeur : « 12,5 » n’est pas un nombre/],
      ['version 0', (t) => (t[1][col('version')] = '0'), /ligne 2, version : « 0 » est sous le minimum 1/],
      ['a decimal count', (t) => (t[2][col('poles_contributeurs')] = '2.5'), /ligne 3, poles_contributeurs : « 2.5 » n’est pas un entier/],
      ['a negative count', (t) => (t[2][col('declarations_recues')] = '-1'), /ligne 3, declarations_recues : « -1 » est sous le minimum 0/],
      ['a period type off the list', (t) => (t[1][col('type_periode')] = 'mois'), /« mois » hors de la liste/],
      ['a zone code off the pattern', (t) => (t[1][col('code_zone')] = 'FRA'), /code_zone : « FRA » ne suit pas le motif/],
      ['an impossible date', (t) => (t[1][col('date_publication')] = '2026-02-30'), /date_publication : « 2026-02-30 » n’est pas une date/],
      ['a required cell left empty', (t) => (t[1][col('zone')] = ''), /ligne 2, zone : valeur obligatoire absente/],
      ['a duplicate row', (t) => t.push([...t[1]]), /clé primaire .* en double/],
      ['a renamed column', (t) => (t[0][col('valeur')] = 'value'), /en-tête/],
      ['a missing cell', (t) => t[1].pop(), /ligne 2 : 14 cellules pour 15 champs/],
    ];
    for (const [what, edit, message] of cases) {
      const errors = corrupt(edit);
      expect(errors.length, what).to.be.greaterThan(0);
      expect(errors.join('\n'), what).to.match(message);
    }
  });

  it('property: every file open data can write validates against the schema', () => {
    const schemaOfCode = openDataTableSchema(ctx.s.config.publicUrl) as TableSchemaDescriptor;
    expect(schemaOfCode).to.deep.equal(schema);
    const cell = fc.record({ contributors: fc.integer({ min: 0, max: 7 }), tenths: fc.integer({ min: -50, max: 5000 }) });
    const spec = fc
      .integer({ min: 1, max: 9 })
      .chain((regions) => fc.array(fc.array(cell, { minLength: regions, maxLength: regions }), { minLength: 1, maxLength: 4 }));
    const period = fc.oneof(
      fc.constant<Publication['period']>({ kind: 'year', year: 2025 }),
      fc.integer({ min: 1, max: 4 }).map((quarter): Publication['period'] => ({ kind: 'quarter', year: 2026, quarter })),
    );
    fc.assert(
      fc.property(spec, period, fc.integer({ min: 1, max: 20 }), (s, p, version) => {
        const pub: Publication = {
          id: 1,
          period: p,
          version,
          reason: '',
          authorId: 1,
          authorName: 'X',
          publishedAt: '2026-11-26T09:00:00.000Z',
          summary: handBuiltSummary(
            s.map((rs) => rs.map((r) => ({ contributors: r.contributors, value: r.contributors ? r.tenths / 10 : null }))),
          ),
        };
        expect(validateTable(schemaOfCode, records(openDataCsv(openDataRows(pub))))).to.deep.equal([]);
      }),
      { numRuns: 100 },
    );
  });

  it('answers 404 when OPEN_DATA is off, like the files', async () => {
    const off = await createTestApp();
    try {
      await request(off.app).get('/donnees-ouvertes/schema.json').expect(404);
    } finally {
      await off.close();
    }
  });
});
