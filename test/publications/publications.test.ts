import { expect } from 'chai';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Services } from '../../server/services.ts';
import { StaleVersion } from '../../server/http/errors.ts';
import ExcelJS from 'exceljs';
import { writeTimestamp } from '../../server/db/dialect.ts';
import type { NationalSummary, SummaryPeriod } from '../../server/exports/summary.types.ts';
import { handBuiltSummary } from './summaries.ts';
import { buildPublicationFixture, T3, type PublicationFixture } from './fixture.ts';

type Agent = ReturnType<typeof request.agent>;

/** Collects a binary body (xlsx) as a Buffer. */
function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim();

describe(`publications (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let s: Services;
  let staffId: number;
  let rhone: PoleRow;
  let fx: PublicationFixture;
  const agents = {} as Record<'staff' | 'funder' | 'manager' | 'anonymous', Agent>;

  async function post(agent: Agent, body: Record<string, string>) {
    const token = csrfFrom((await agent.get('/admin/publications/nouvelle?periode=2026-T3')).text);
    return agent
      .post('/admin/publications/nouvelle')
      .type('form')
      .send({ _csrf: token, ...body });
  }

  const auditCount = async () =>
    Number((await s.db('audit_log').where({ action: 'publication.publish' }).count({ n: '*' }).first())?.n ?? 0);

  before(async () => {
    ctx = await createTestApp({ OPEN_DATA: 'true' });
    s = ctx.s;
    fx = await buildPublicationFixture(ctx);
    const staff = fx.staff;
    staffId = staff.id;
    rhone = fx.rhone;
    agents.staff = await signIn(ctx.app, staff.email);
    agents.funder = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['76'] })).email);
    agents.manager = await signIn(ctx.app, (await makeUser(s, 'manager', { poleIds: [rhone.id] })).email);
    agents.anonymous = request.agent(ctx.app);
  });
  after(() => ctx.close());

  it('publishes version 1 with its date and author, audited, and lists it for staff and funders', async () => {
    const res = await post(agents.staff, { periode: '2026-T3', version_attendue: '1', motif: '' });
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal('/publications/2026-T3/versions/1');
    expect(await auditCount()).to.equal(1);
    const page = text((await agents.staff.get('/publications/2026-T3/versions/1').expect(200)).text);
    expect(page).to.contain('Publication 2026-T3, version 1').and.contain('26 novembre 2026 à 10:00').and.contain('Camille Statisticienne');
    // A URL names a period by its label only: the English form is another, unknown, address.
    await agents.staff.get('/publications/2026-Q3/versions/1').expect(404);
    // Nation: 4 + 2 + 1 + 5 + 6 + 7 + 10 = 35 jobs over 7 of 7 pole-quarters.
    expect(page).to.match(/Emplois non délocalisables créés \(EMP_CREES\) 35,0 ETP 7 sur 7 7/);
    for (const agent of [agents.staff, agents.funder]) {
      const list = text((await agent.get('/publications').expect(200)).text);
      expect(list).to.contain('2026-T3').and.contain('v1').and.contain('Camille Statisticienne');
    }
    await agents.manager.get('/publications').expect(403);
    await agents.manager.get('/publications/2026-T3/versions/1').expect(403);
    const anon = await agents.anonymous.get('/publications');
    expect(anon.status).to.equal(303);
  });

  it('downloads a version in every format, the version in the file name', async () => {
    for (const [format, type, name] of [
      ['csv', 'text/csv', 'ptce-synthese-nationale-2026-T3-v1.csv'],
      ['csv-excel', 'text/csv', 'ptce-synthese-nationale-2026-T3-v1-excel.csv'],
      ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'ptce-synthese-nationale-2026-T3-v1.xlsx'],
    ]) {
      const res = await agents.funder.get(`/publications/2026-T3/versions/1/fichier/${format}`).buffer(true).expect(200);
      expect(res.headers['content-type']).to.contain(type);
      expect(res.headers['content-disposition']).to.contain(name);
    }
    const print = text((await agents.funder.get('/publications/2026-T3/versions/1/impression').expect(200)).text);
    expect(print).to.contain('version 1');
    await agents.funder.get('/publications/2026-T3/versions/1/fichier/pdf').expect(404);
    await agents.funder.get('/publications/2026-T3/versions/9/fichier/csv').expect(404);
    await agents.funder.get('/publications/2026-T9/versions/1').expect(404);
    await agents.funder.get('/publications/2026-T3/versions/abc').expect(404);
  });

  it('refuses bad input with 422, a French message next to the field, and stores nothing', async () => {
    const before = await auditCount();
    for (const [body, message] of [
      [{ periode: '' }, 'Choisissez la période à publier.'],
      [{ periode: '2026-T4' }, 'Cette période n’est pas encore terminée'],
      [{ periode: '2026' }, 'Cette période n’est pas encore terminée'],
      [{ periode: 'n’importe quoi' }, 'Choisissez une période de la liste'],
      [{ periode: '2026-T3', version_attendue: '2', motif: '' }, 'Indiquez le motif de cette correction'],
      [{ periode: '2026-T3', motif: 'x'.repeat(2001) }, 'Ce texte est trop long'],
    ] as [Record<string, string>, string][]) {
      const res = await post(agents.staff, body);
      expect(res.status, JSON.stringify(body)).to.equal(422);
      expect(text(res.text), JSON.stringify(body)).to.contain(message);
    }
    // A duplicated field (an array) is refused the same way, never a 500.
    const token = csrfFrom((await agents.staff.get('/admin/publications/nouvelle')).text);
    await agents.staff
      .post('/admin/publications/nouvelle')
      .type('form')
      .send(`_csrf=${encodeURIComponent(token)}&periode=2026-T3&periode=2026-T2`)
      .expect(422);
    await agents.staff.get('/admin/publications/nouvelle?periode=2026-T3&periode=2026-T2').expect(400);
    expect(await auditCount()).to.equal(before);
    expect(await s.repos.publications.latestVersion(s.db, { kind: 'quarter', ...T3 })).to.equal(1);
    // Funders read, never publish.
    const funderToken = csrfFrom((await agents.funder.get('/publications')).text);
    await agents.funder
      .post('/admin/publications/nouvelle')
      .type('form')
      .send({ _csrf: funderToken, periode: '2026-T3', motif: 'x' })
      .expect(403);
  });

  it('never changes a published version after a correction; version 2 records the difference and its reason', async () => {
    const v1Csv = (await agents.staff.get('/publications/2026-T3/versions/1/fichier/csv').buffer(true).expect(200)).text;
    const v1Page = text((await agents.staff.get('/publications/2026-T3/versions/1').expect(200)).text);
    // Staff reopen Rhône's quarter, correct 10 → 12,5 jobs, validate again; the aggregates follow.
    await fx.correctRhone('12,5');
    // Version 1 still says what it said.
    expect((await agents.staff.get('/publications/2026-T3/versions/1/fichier/csv').buffer(true).expect(200)).text).to.equal(v1Csv);
    expect(text((await agents.staff.get('/publications/2026-T3/versions/1').expect(200)).text)).to.equal(v1Page);
    // Version 2 needs a reason.
    const refused = await post(agents.staff, { periode: '2026-T3', version_attendue: '2', motif: '   ' });
    expect(refused.status).to.equal(422);
    expect(text(refused.text)).to.contain('Indiquez le motif de cette correction').and.contain('Cette publication sera la version 2');
    const res = await post(agents.staff, {
      periode: '2026-T3',
      version_attendue: '2',
      motif: 'Correction des emplois créés du Pôle Rhône',
    });
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal('/publications/2026-T3/versions/2');
    expect(await auditCount()).to.equal(2);
    const v2Page = text((await agents.staff.get('/publications/2026-T3/versions/2').expect(200)).text);
    expect(v2Page).to.match(/EMP_CREES\) 37,5 ETP/);
    expect(text((await agents.staff.get('/publications/2026-T3/versions/1').expect(200)).text)).to.contain(
      'Une version plus récente de cette période existe.',
    );
    // What changed: per indicator and area, old → new, and the reason.
    const changes = text((await agents.funder.get('/publications/2026-T3/versions/2/changements').expect(200)).text);
    expect(changes).to.contain('Correction des emplois créés du Pôle Rhône');
    expect(changes).to.match(/Emplois non délocalisables créés \(EMP_CREES\) France entière 35,0 ETP 37,5 ETP/);
    expect(changes).to.match(/Emplois non délocalisables créés \(EMP_CREES\) Auvergne-Rhône-Alpes 10,0 ETP 12,5 ETP/);
    expect(changes).to.not.contain('Occitanie');
    expect(changes).to.contain('Aucune définition modifiée.');
    const diff = await s.publications.changes({ kind: 'quarter', ...T3 }, 2);
    expect(diff.diff.figures.map((f) => `${f.indicator} ${f.area} ${f.before?.value} → ${f.after?.value}`)).to.deep.equal([
      'EMP_CREES FR 35 → 37.5',
      'EMP_CREES 84 10 → 12.5',
    ]);
    await agents.funder.get('/publications/2026-T3/versions/1/changements').expect(404);
    // The database itself refuses to change a publication.
    let error: unknown = null;
    await s
      .db('publications')
      .update({ reason: 'réécrit' })
      .catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/append-only/);
  });

  it('answers 409 with a clear message when another version was published in between, and never numbers two alike', async () => {
    const stale = await post(agents.staff, { periode: '2026-T3', version_attendue: '2', motif: 'Double clic' });
    expect(stale.status).to.equal(409);
    expect(text(stale.text)).to.contain('Une autre version de cette période vient d’être publiée');
    // Two publishes at the same moment for the same announced version: one wins, the other is refused.
    const form = { periode: { kind: 'quarter' as const, ...T3 }, motif: 'Publication simultanée', version_attendue: 3 };
    const results = await Promise.allSettled([
      s.publications.publish(form, { userId: staffId }),
      s.publications.publish(form, { userId: staffId }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).to.have.length(1);
    expect(rejected[0].reason).to.be.instanceOf(StaleVersion);
    const versions = (await s.db('publications').select('version').orderBy('version')).map((r) => Number(r.version));
    expect(versions).to.deep.equal([1, 2, 3]);
    // The unique key holds even for a year (its quarter is NULL).
    const row = {
      period_kind: 'year',
      year: 2025,
      quarter: null,
      version: 1,
      summary_json: JSON.stringify({
        ...handBuiltSummary([[{ contributors: 3, value: 1 }]]),
        period: { kind: 'year', year: 2025 },
        periodLabel: '2025',
      }),
      reason: '',
      author_id: staffId,
      published_at: '2026-11-26T10:00:00Z',
    };
    await s.db('publications').insert(row);
    let error: unknown = null;
    await s
      .db('publications')
      .insert(row)
      .catch((e: unknown) => (error = e));
    expect(error).to.not.equal(null);
  });

  it('warns on the form when changes still wait for the next refresh of the aggregates', async () => {
    await s.repos.aggregates.markDirty(
      s.db,
      [{ pole_id: rhone.id, indicator_id: null, year: null, quarter: null, reason: 'pole' }],
      '2026-11-26T09:00:00.000Z',
    );
    const form = text((await agents.staff.get('/admin/publications/nouvelle?periode=2026-T3').expect(200)).text);
    expect(form).to.contain('1 modification attend le prochain recalcul');
    await s.refresh.incremental();
    expect(text((await agents.staff.get('/admin/publications/nouvelle?periode=2026-T3').expect(200)).text)).to.not.contain(
      'attendent le prochain recalcul',
    );
  });

  it('offers the latest published figures as open data, with no hidden figure recoverable by subtraction', async () => {
    const page = text((await agents.anonymous.get('/donnees-ouvertes').expect(200)).text);
    expect(page).to.contain('Licence Ouverte / Etalab 2.0').and.contain('poles_contributeurs').and.contain('secret statistique');
    expect(page).to.contain('2026-T3').and.contain('2025');
    const res = await agents.anonymous.get('/donnees-ouvertes/2026-T3.csv').buffer(true).expect(200);
    expect(res.headers['content-type']).to.contain('text/csv');
    expect(res.headers['content-disposition']).to.contain('ptce-impact-donnees-ouvertes-2026-T3-v3.csv');
    const rows: Record<string, string>[] = parse(res.text, { columns: true });
    const emp = rows.filter((r) => r.code_indicateur === 'EMP_CREES');
    const cell = (zone: string) => emp.find((r) => r.code_zone === zone)!;
    expect(cell('FR').valeur).to.equal('37.5');
    // Rhône is alone in 84 (12,5): hidden; Bretagne (5 + 6 + 7 = 18, the only region at least as large) is
    // hidden with it; Occitanie (4 + 2 + 1 = 7) is shown.
    expect(cell('84').valeur).to.equal('secret statistique');
    expect(cell('84').poles_contributeurs).to.equal('');
    expect(cell('53').valeur).to.equal('secret statistique');
    expect(cell('76').valeur).to.equal('7');
    for (const code of new Set(rows.map((r) => r.code_indicateur))) {
      const national = rows.find((r) => r.code_indicateur === code && r.niveau === 'national')!;
      const regions = rows.filter((r) => r.code_indicateur === code && r.niveau === 'regional');
      const hidden = regions.filter((r) => r.valeur === 'secret statistique');
      if (national.valeur !== 'secret statistique') expect(hidden.length, code).to.not.equal(1);
      for (const r of regions)
        if (r.valeur !== 'secret statistique' && r.valeur !== '') expect(Number(r.poles_contributeurs)).to.be.at.least(3);
    }
    await agents.anonymous.get('/donnees-ouvertes/2025-T1.csv').expect(404);
    await agents.anonymous.get('/donnees-ouvertes/nimporte.csv').expect(404);
    // 2025 is published (previous test), but not its quarters: the year minus the quarters on offer would
    // give a missing quarter, so the year waits for them.
    expect(await s.db('publications').where({ period_kind: 'year', year: 2025 }).first()).to.not.equal(undefined);
    await agents.anonymous.get('/donnees-ouvertes/2025.csv').expect(404);
  });

  it('offers a year as open data once its four quarters are published', async () => {
    const frozen = (period: { kind: 'quarter'; year: number; quarter: number }) => ({
      period_kind: 'quarter',
      year: period.year,
      quarter: period.quarter,
      version: 1,
      reason: '',
      author_id: staffId,
      published_at: '2026-11-26T10:00:00Z',
      summary_json: JSON.stringify({
        ...handBuiltSummary([[{ contributors: 3, value: 1 }]]),
        period,
        periodLabel: `${period.year}-T${period.quarter}`,
      }),
    });
    for (const quarter of [1, 2, 3]) await s.db('publications').insert(frozen({ kind: 'quarter', year: 2025, quarter }));
    await agents.anonymous.get('/donnees-ouvertes/2025.csv').expect(404);
    await s.db('publications').insert(frozen({ kind: 'quarter', year: 2025, quarter: 4 }));
    const year = await agents.anonymous.get('/donnees-ouvertes/2025.csv').buffer(true).expect(200);
    expect(year.headers['content-disposition']).to.contain('ptce-impact-donnees-ouvertes-2025-v1.csv');
    expect((await agents.anonymous.get('/donnees-ouvertes').expect(200)).text).to.contain('href="/donnees-ouvertes/2025.csv"');
  });

  it('never answers 5xx to random paths, queries and forms, and stores nothing from them', async () => {
    const before = await s.repos.publications.latestVersion(s.db, { kind: 'quarter', ...T3 });
    const token = csrfFrom((await agents.staff.get('/admin/publications/nouvelle')).text);
    const junk = fc.string({ maxLength: 30, unit: 'binary' });
    await fc.assert(
      fc.asyncProperty(junk, junk, junk, async (a, b, c) => {
        const e = encodeURIComponent;
        for (const url of [
          `/publications/${e(a)}/versions/${e(b)}`,
          `/publications/2026-T3/versions/1/fichier/${e(c)}`,
          `/admin/publications/nouvelle?periode=${e(a)}`,
          `/donnees-ouvertes/${e(a)}.csv`,
        ]) {
          const res = await agents.staff.get(url);
          expect(res.status, url).to.be.below(500);
        }
        const res = await agents.staff
          .post('/admin/publications/nouvelle')
          .type('form')
          .send({ _csrf: token, periode: a, motif: b, version_attendue: c });
        expect(res.status, JSON.stringify([a, b, c])).to.be.oneOf([400, 409, 422]);
      }),
      { numRuns: 40 },
    );
    expect(await s.repos.publications.latestVersion(s.db, { kind: 'quarter', ...T3 })).to.equal(before);
  });

  it('answers 404 for open data when OPEN_DATA is off', async () => {
    const off = await createTestApp();
    try {
      await request(off.app).get('/donnees-ouvertes').expect(404);
      await request(off.app).get('/donnees-ouvertes/2026-T3.csv').expect(404);
    } finally {
      await off.close();
    }
  });

  // Last: the version it stores would count in the other tests' lists.
  it('a version frozen before today’s fields still downloads, its time in Paris time with its offset', async () => {
    // As an older version froze it: no year-to-date field, the time as SQLite writes it (UTC), in summer.
    const frozen = {
      ...handBuiltSummary([[{ contributors: 4, value: 2 }]]),
      period: { kind: 'quarter', year: 2024, quarter: 3 },
      periodLabel: '2024-T3',
    };
    frozen.computedAt = '2026-07-15 08:00:00';
    for (const f of [...frozen.national, ...frozen.regions]) f.computedAt = '2026-07-15 08:00:00';
    await s.db.transaction((trx) =>
      s.repos.publications.insertNext(trx, {
        period: frozen.period as SummaryPeriod,
        summary: frozen as NationalSummary,
        reason: '',
        authorId: staffId,
        publishedAt: writeTimestamp(s.clock.now()),
      }),
    );
    const csv = await agents.funder.get('/publications/2024-T3/versions/1/fichier/csv').expect(200);
    expect(csv.headers['content-disposition']).to.contain('ptce-synthese-nationale-2024-T3-v1.csv');
    const rows = parse(csv.text) as string[][];
    const col = rows[0].indexOf('calcule_le');
    expect(rows[1][col]).to.equal('2026-07-15T10:00:00+02:00');
    expect(rows[1][6]).to.equal('2024-T3');
    const xlsx = await agents.funder.get('/publications/2024-T3/versions/1/fichier/xlsx').buffer(true).parse(binary).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(wb.worksheets[0].getCell('A2').value).to.equal('Données calculées le 2026-07-15T10:00:00+02:00.');
    const print = text((await agents.funder.get('/publications/2024-T3/versions/1/impression').expect(200)).text);
    expect(print).to.contain('Données calculées le 2026-07-15T10:00:00+02:00.');
  });
});
