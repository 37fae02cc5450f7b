// Targets from a spreadsheet (staff): the template, the dry-run preview with each row's problems at its
// line and column, all or nothing, the form's rules, a stale preview refused (409), and who may do it.
import { expect } from 'chai';
import type ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type request from 'supertest';
import { createTestApp, csrfFrom, csrfToken, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { text } from '../support/html.ts';
import { binary, readXlsx } from '../support/files.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Services } from '../../server/services.ts';

type Agent = ReturnType<typeof request.agent>;
const S = 10_000;
const BASE = '/admin/objectifs/import';

describe(`targets imported from a spreadsheet (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let s: Services;
  let staff: Agent;
  let a: PoleRow;
  let b: PoleRow;

  /** Every target stored, as [pole slug, code (.category), years, value, status], in a stable order. */
  const stored = async () =>
    (
      await ctx
        .db('targets as t')
        .join('indicators as i', 'i.id', 't.indicator_id')
        .join('poles as p', 'p.id', 't.pole_id')
        .select('p.slug', 'i.code', 't.category', 't.first_year', 't.last_year', 't.value_scaled', 't.status')
        .orderBy(['p.slug', 'i.code', 't.category', 't.first_year', 't.last_year'])
    ).map((r) => [
      r.slug,
      r.category ? `${r.code}.${r.category}` : r.code,
      r.first_year === r.last_year ? `${r.first_year}` : `${r.first_year}-${r.last_year}`,
      Number(r.value_scaled) / S,
      r.status,
    ]);

  /** Uploads a file; answers the response (a redirect to the preview, or the upload page again). */
  const upload = async (agent: Agent, file: string | Buffer, name = 'objectifs.csv') =>
    agent.post(`${BASE}?_csrf=${await csrfToken(agent)}`).attach('fichier', Buffer.isBuffer(file) ? file : Buffer.from(file, 'utf8'), name);

  /** Uploads a file and opens its preview. */
  const preview = async (file: string | Buffer, name?: string) => {
    const res = await upload(staff, file, name);
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const page = await staff.get(res.headers.location).expect(200);
    return { url: res.headers.location as string, html: page.text, page: text(page.text) };
  };

  const confirm = async (p: { url: string; html: string }, status: number) =>
    staff
      .post(`${p.url}/confirmer`)
      .type('form')
      .send({ _csrf: csrfFrom(p.html) })
      .expect(status);

  before(async () => {
    ctx = await createTestApp();
    s = ctx.s;
    a = await makePole(s, { name: 'Pôle Réemploi Garonne' });
    b = await makePole(s, { name: 'Pôle Rhône', region: '84' });
    const st = await makeUser(s, 'staff');
    staff = await signIn(ctx.app, st.email);
  });
  after(() => ctx.close());

  beforeEach(async () => {
    await ctx.db('targets').delete();
  });

  it('offers a template of every pole and indicator for the year, with the targets already set (CSV and XLSX)', async () => {
    await ctx.db('targets').insert({
      pole_id: a.id,
      indicator_id: (await ctx.db('indicators').where({ code: 'EMP_CREES' }).first()).id,
      first_year: 2027,
      last_year: 2027,
      value_scaled: 12.5 * S,
      status: 'proposed',
      version: 1,
      created_at: '2026-11-26 10:00:00',
      updated_at: '2026-11-26 10:00:00',
    });
    const res = await staff.get(`${BASE}/modele/csv?annee=2027`).expect(200);
    expect(res.headers['content-disposition']).to.equal('attachment; filename="ptce-objectifs-2027.csv"');
    const rows = parse(res.text.replace(/^\uFEFF/, ''), { delimiter: ';', columns: true }) as Record<string, string>[];
    const indicators = await ctx.db('indicators').where({ active: true }).count({ n: '*' }).first();
    const categories = await ctx
      .db('indicator_categories as c')
      .join('indicators as i', 'i.id', 'c.indicator_id')
      .where('i.active', true)
      .count({ n: '*' })
      .first();
    // Every active indicator's total, and each of its categories (Membres: six).
    expect(rows).to.have.length(2 * (Number(indicators!.n) + Number(categories!.n)));
    expect(rows.filter((r) => r.pole === a.slug && r.indicateur === 'MEMBRES').map((r) => r.categorie)).to.deep.equal([
      '',
      'ess',
      'non_ess',
      'collectivite',
      'recherche',
      'formation',
      'autre',
    ]);
    const line = rows.find((r) => r.pole === a.slug && r.indicateur === 'EMP_CREES')!;
    expect(line).to.include({ nom: 'Pôle Réemploi Garonne', annee: '2027', objectif: '12,5', statut: 'Proposé par le pôle, à valider' });
    expect(line.nature).to.equal('total de l’année');
    expect(rows.find((r) => r.pole === b.slug && r.indicateur === 'EMP_CREES')!.objectif).to.equal('');

    const xlsx = await staff.get(`${BASE}/modele/xlsx?annee=2027`).buffer(true).parse(binary).expect(200);
    const ws = (await readXlsx(xlsx.body as Buffer)).getWorksheet('Objectifs 2027')!;
    expect(ws.getRow(1).values).to.deep.equal([
      undefined,
      'pole',
      'nom',
      'indicateur',
      'categorie',
      'libelle',
      'unite',
      'nature',
      'annee',
      'objectif',
      'statut',
    ]);
    expect(ws.rowCount).to.equal(rows.length + 1);
    await staff.get(`${BASE}/modele/csv?annee=2040`).expect(404);
    await staff.get(`${BASE}/modele/ods?annee=2027`).expect(404);
  });

  it('lists every problem at its line and column, stores nothing, and cannot be confirmed', async () => {
    const p = await preview(
      [
        'pole;indicateur;annee;objectif',
        `${a.slug};EMP_CREES;2027;12`,
        `pole-inconnu;EMP_CREES;2027;3`,
        `${a.slug};PAS_UN_CODE;2027;3`,
        `${a.slug};EMP_ETP_FIN;2027;beaucoup`,
        `${a.slug};MATURITE_COOP;2027;7`,
        `${a.slug};EMP_CREES;2027;14`,
        `${a.slug};EMP_CREES;2050;3`,
        `${a.slug};EMP_CREES;2027-2020;3`,
        `${a.slug};EMP_CREES;l’an prochain;3`,
        `${a.slug};EMP_CREES;2027;=A1*2`,
      ].join('\r\n'),
    );
    expect(p.page).to.include('10 lignes, 9 problèmes');
    const problems = [...p.html.matchAll(/<tr><td class="num">(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [
      Number(m[1]),
      m[2],
    ]);
    expect(problems).to.deep.equal([
      [3, 'A (pole)'],
      [4, 'B (indicateur)'],
      [5, 'D (objectif)'],
      [6, 'D (objectif)'],
      [7, 'B (indicateur)'],
      [8, 'C (annee)'],
      [9, 'C (annee)'],
      [10, 'C (annee)'],
      [11, 'D (objectif)'],
    ]);
    expect(p.page)
      .to.include('Aucun pôle n’a l’identifiant « pole-inconnu »')
      .and.include('Cet objectif est déjà donné ligne 2')
      .and.include('entre 1,0 et 4,0')
      .and.include('Choisissez une année entre 2016 et 2031.')
      .and.include('Indiquez l’année (2026) ou la période d’une convention (2024-2026).');
    expect(p.html).not.to.include('Confirmer l’import');
    await confirm(p, 409);
    expect(await stored()).to.deep.equal([]);
  });

  it('previews the changes, stores nothing until confirmed, then everything at once, validated and audited', async () => {
    await ctx.db('targets').insert({
      pole_id: b.id,
      indicator_id: (await ctx.db('indicators').where({ code: 'EMP_CREES' }).first()).id,
      first_year: 2027,
      last_year: 2027,
      value_scaled: 6 * S,
      status: 'proposed',
      version: 1,
      created_at: '2026-11-26 10:00:00',
      updated_at: '2026-11-26 10:00:00',
    });
    await ctx.db('targets').insert({
      pole_id: b.id,
      indicator_id: (await ctx.db('indicators').where({ code: 'EMP_ETP_FIN' }).first()).id,
      first_year: 2027,
      last_year: 2027,
      value_scaled: 30 * S,
      status: 'validated',
      version: 1,
      created_at: '2026-11-26 10:00:00',
      updated_at: '2026-11-26 10:00:00',
    });
    const file = [
      'Pôle;Indicateur;Année;Objectif;Commentaire',
      // A year's flow may reach four quarters' bound; a convention's, that many years of them.
      `${a.slug};emp_crees;2027;12,5;`,
      `${a.slug};EMP_CREES;2024-2026;36;convention`,
      `${a.slug};MATURITE_COOP;2027;3,5;`,
      // A proposal taken as it is becomes validated; an empty cell removes a target.
      `${b.slug};EMP_CREES;2027;6;`,
      `${b.slug};EMP_ETP_FIN;2027;;`,
    ].join('\r\n');
    const p = await preview(file);
    expect(p.page).to.include('5 lignes, aucun problème').and.include('Ce que l’import va modifier (5 modifications)');
    expect(p.page)
      .to.include('Pôle Réemploi Garonne · 2024–2026')
      .and.include('Pôle Rhône · 2027')
      .and.include('proposition validée')
      .and.include('retiré');
    expect(await stored()).to.deep.equal([
      [b.slug, 'EMP_CREES', '2027', 6, 'proposed'],
      [b.slug, 'EMP_ETP_FIN', '2027', 30, 'validated'],
    ]);
    // A targets batch is not a values import: that page does not know it.
    await staff.get(p.url.replace('/admin/objectifs/import/', '/admin/import/')).expect(404);
    const done = await confirm(p, 303);
    expect(done.headers.location).to.equal(p.url);
    expect(await stored()).to.deep.equal(
      [
        [a.slug, 'EMP_CREES', '2024-2026', 36, 'validated'],
        [a.slug, 'EMP_CREES', '2027', 12.5, 'validated'],
        [a.slug, 'MATURITE_COOP', '2027', 3.5, 'validated'],
        [b.slug, 'EMP_CREES', '2027', 6, 'validated'],
      ].sort((x, y) => String(x).localeCompare(String(y))),
    );
    const audit = await ctx.db('audit_log').whereIn('action', ['target.set', 'target.delete']).count({ n: '*' }).first();
    expect(Number(audit!.n)).to.equal(5);
    const after = text((await staff.get(p.url).expect(200)).text);
    expect(after).to.include('Objectifs enregistrés : 5 modifications.').and.include('Cet import a été appliqué le');
    // Confirmed twice: recognised, never applied twice.
    const again = await confirm({ url: p.url, html: (await staff.get(p.url)).text }, 409);
    expect(text(again.text)).to.include('Cet import a déjà été appliqué.');
    expect(Number((await ctx.db('audit_log').whereIn('action', ['target.set', 'target.delete']).count({ n: '*' }).first())!.n)).to.equal(5);
  });

  it('refuses a preview the targets moved on from (409), storing nothing of the file', async () => {
    const p = await preview(['pole;indicateur;annee;objectif', `${a.slug};EMP_CREES;2027;12`, `${b.slug};EMP_CREES;2027;8`].join('\n'));
    // Meanwhile, someone sets pole B's target on its form.
    const form = `/admin/poles/${b.slug}/objectifs?annee=2027`;
    const html = (await staff.get(form).expect(200)).text;
    await staff
      .post(form)
      .type('form')
      .send({ _csrf: csrfFrom(html), digest: /name="digest" value="([0-9a-f]+)"/.exec(html)![1], 'o.EMP_CREES': '9' })
      .expect(303);
    const res = await confirm(p, 409);
    expect(text(res.text)).to.include('Des objectifs ont été modifiés depuis l’aperçu : rien n’a été enregistré.');
    expect(await stored()).to.deep.equal([[b.slug, 'EMP_CREES', '2027', 9, 'validated']]);
    // The preview now shows what it would change, and can be confirmed as shown.
    const fresh = await staff.get(p.url).expect(200);
    expect(text(fresh.text)).to.include('Emplois non délocalisables créés 9,0 ETP 8,0 ETP');
    await confirm({ url: p.url, html: fresh.text }, 303);
    expect(await stored()).to.deep.equal([
      [a.slug, 'EMP_CREES', '2027', 12, 'validated'],
      [b.slug, 'EMP_CREES', '2027', 8, 'validated'],
    ]);
  });

  it('reads a category column: a category of the indicator, never one it does not have', async () => {
    const p = await preview(
      [
        'pole;indicateur;categorie;annee;objectif',
        `${a.slug};MEMBRES;ess;2027;12`,
        `${a.slug};MEMBRES;;2027;30`,
        `${a.slug};MEMBRES;banques;2027;2`,
        `${a.slug};EMP_CREES;ess;2027;2`,
      ].join('\n'),
    );
    expect(p.page)
      .to.include('4 lignes, 2 problèmes')
      .and.include(
        'L’indicateur MEMBRES n’a pas de catégorie « banques » : ess, non_ess, collectivite, recherche, formation, autre, ou vide pour son total.',
      )
      .and.include('L’indicateur EMP_CREES n’a pas de catégories : laissez la cellule vide.');
    const fixed = await preview(
      ['pole;indicateur;categorie;annee;objectif', `${a.slug};MEMBRES;ess;2027;12`, `${a.slug};MEMBRES;;2027;30`].join('\n'),
    );
    await confirm(fixed, 303);
    expect(await stored()).to.deep.equal([
      [a.slug, 'MEMBRES', '2027', 30, 'validated'],
      [a.slug, 'MEMBRES.ess', '2027', 12, 'validated'],
    ]);
  });

  it('reads the XLSX template filled in, numbers as numbers', async () => {
    const xlsx = await staff.get(`${BASE}/modele/xlsx?annee=2027`).buffer(true).parse(binary).expect(200);
    const wb = await readXlsx(xlsx.body as Buffer);
    const ws = wb.getWorksheet('Objectifs 2027')!;
    ws.eachRow((row, n) => {
      if (n > 1 && row.getCell(1).value === a.slug && row.getCell(3).value === 'EMP_CREES') row.getCell(9).value = 7.5;
      // A category's target: three local authorities among the members at the year's end.
      if (n > 1 && row.getCell(1).value === a.slug && row.getCell(4).value === 'collectivite') row.getCell(9).value = 3;
    });
    const filled = Buffer.from(await (wb as ExcelJS.Workbook).xlsx.writeBuffer());
    const p = await preview(filled, 'objectifs.xlsx');
    expect(p.page)
      .to.include('aucun problème')
      .and.include('(2 modifications)')
      .and.include('Membres du pôle en fin de trimestre — Collectivités territoriales');
    await confirm(p, 303);
    expect(await stored()).to.deep.equal([
      [a.slug, 'EMP_CREES', '2027', 7.5, 'validated'],
      [a.slug, 'MEMBRES.collectivite', '2027', 3, 'validated'],
    ]);
  });

  it('refuses a file it cannot read on the upload page (422), and keeps the import to staff', async () => {
    const res = await upload(staff, 'pole;indicateur\r\nx;y\r\n');
    expect(res.status).to.equal(422);
    expect(text(res.text)).to.include('annee, objectif');
    const m = await makeUser(s, 'manager', { poleIds: [a.id] });
    const f = await makeUser(s, 'funder', { regionCodes: ['76'] });
    for (const user of [m, f]) {
      const agent = await signIn(ctx.app, user.email);
      await agent.get(BASE).expect(403);
      await agent.get(`${BASE}/modele/csv`).expect(403);
    }
  });
});
