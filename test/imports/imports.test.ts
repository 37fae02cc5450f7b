import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type request from 'supertest';
import { createTestApp, csrfFrom, csrfToken, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';

type Agent = ReturnType<typeof request.agent>;
type Pole = Awaited<ReturnType<typeof makePole>>;

// A quarter as a manager would fill it (2026-T3, the last closed quarter under the frozen clock).
const FILLED: Record<string, string> = {
  EMP_CREES: '2,5',
  ACT_CONSOLIDEES: '3',
  TE_ACTIONS: '1',
  EMP_ETP_FIN: '120,5',
  ACT_CREEES: '2',
  MUTUALISATIONS: '4',
  PERS_FORMEES: '25',
  REEMPLOI_T: '12,3',
  RESSOURCES_PROPRES: '15000',
  RESSOURCES_TOTALES: '60000',
  PROJ_INNOV_SOCIALE: '3',
  MATURITE_COOP: '2',
  'MEMBRES.ess': '5',
  'MEMBRES.non_ess': '3',
  'MEMBRES.collectivite': '2',
  'MEMBRES.recherche': '0',
  'MEMBRES.formation': '1',
  'MEMBRES.autre': '0',
};
// The member register is empty in these tests: a MEMBRES figure needs its explanation.
const MEMBERS_COMMENT = 'Registre pas encore saisi dans l’outil';

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** A template (as downloaded) with the given values, comments and other cells filled in. */
function fillCsv(template: string, values: Record<string, string>, extra: Record<string, Record<string, string>> = {}, sep = ';'): string {
  const [header, ...rows] = parse(template.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
  const col = (name: string) => header.indexOf(name);
  const lines = rows.map((r) => {
    const key = r[col('categorie')] ? `${r[col('code')]}.${r[col('categorie')]}` : r[col('code')];
    if (key in values) r[col('valeur')] = values[key];
    for (const [name, v] of Object.entries(extra[key] ?? {})) r[col(name)] = v;
    return r;
  });
  return [header, ...lines].map((r) => r.map((c) => (/[;,"\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(sep)).join('\r\n');
}

/** Windows-1252 bytes of a French text (the few characters above Latin-1 that French needs). */
function cp1252(text: string): Buffer {
  const high: Record<string, number> = { '’': 0x92, '€': 0x80, œ: 0x9c, '«': 0xab, '»': 0xbb };
  return Buffer.from([...text].map((ch) => high[ch] ?? (ch.charCodeAt(0) < 256 ? ch.charCodeAt(0) : 0x3f)));
}

describe(`spreadsheet import (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let poleA: Pole;
  let poleB: Pole;
  let managerA: Agent;
  let managerA2: Agent;
  let managerB: Agent;
  let staff: Agent;
  const base = (p: Pole) => `/mon-pole/${p.slug}/trimestres/2026-T3`;

  before(async () => {
    ctx = await createTestApp();
    poleA = await makePole(ctx.s);
    poleB = await makePole(ctx.s);
    managerA = await signIn(ctx.app, (await makeUser(ctx.s, 'manager', { poleIds: [poleA.id] })).email);
    managerA2 = await signIn(ctx.app, (await makeUser(ctx.s, 'manager', { poleIds: [poleA.id] })).email);
    managerB = await signIn(ctx.app, (await makeUser(ctx.s, 'manager', { poleIds: [poleB.id] })).email);
    staff = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
  });
  after(() => ctx.close());

  async function counts() {
    const n = async (table: string) => Number((await ctx.db(table).count({ n: '*' }).first())!.n);
    return {
      reports: await n('quarter_reports'),
      values: await n('quarter_values'),
      revisions: await n('value_revisions'),
      batches: await n('import_batches'),
    };
  }

  /** Posts a file as the upload form does: multipart, the CSRF token in the query string. */
  async function upload(agent: Agent, path: string, file: Buffer | string, name: string, fields: Record<string, string> = {}) {
    const token = await csrfToken(agent);
    const req = agent.post(`${path}?_csrf=${token}`);
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    return req.attach('fichier', Buffer.isBuffer(file) ? file : Buffer.from(file, 'utf8'), name);
  }

  /** Uploads, follows the redirect to the preview, and returns the preview's page. */
  async function preview(agent: Agent, path: string, file: Buffer | string, name: string, fields: Record<string, string> = {}) {
    const res = await upload(agent, path, file, name, fields);
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    return agent.get(res.headers.location).expect(200);
  }

  const confirmForm = (html: string) => /<form method="post" action="([^"]+\/confirmer)"/.exec(html)?.[1];
  const problemRows = (html: string) =>
    [...html.matchAll(/<tr><td class="num">([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => ({
      line: m[1],
      column: m[2],
      message: m[3]
        .replace(/&#x27;/g, "'")
        .replace(/&#x3D;/g, '=')
        .replace(/&quot;/g, '"'),
    }));

  async function template(agent: Agent, pole: Pole) {
    return (await agent.get(`${base(pole)}/modele/csv`).expect(200)).text;
  }

  it('downloads the quarter template as CSV: UTF-8 with BOM, `;`, a row per indicator and category', async () => {
    const res = await managerA
      .get(`${base(poleA)}/modele/csv`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).to.match(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).to.equal(`attachment; filename="ptce-modele-${poleA.slug}-2026-T3.csv"`);
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).to.equal(
      'code;categorie;libelle;unite;valeur_trimestre_precedent;valeur;non_disponible;raison;commentaire',
    );
    const rows = parse(text, { delimiter: ';', columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.code))
      .to.include.members(['EMP_CREES', 'MEMBRES'])
      .and.not.include('PCT_MEMBRES_ESS');
    expect(rows.filter((r) => r.code === 'MEMBRES').map((r) => r.categorie)).to.deep.equal([
      '',
      'ess',
      'non_ess',
      'collectivite',
      'recherche',
      'formation',
      'autre',
    ]);
    expect(rows.find((r) => r.code === 'EMP_CREES')).to.include({ libelle: 'Emplois non délocalisables créés', unite: 'ETP' });
  });

  it('downloads the XLSX template: header frozen, columns sized, previous and stored values as numbers', async () => {
    const user = await ctx.db('users').where('email', 'like', 'staff%').first();
    const saved = await ctx.s.reporting.save(poleB, { year: 2026, quarter: 2 }, { 'v.EMP_CREES': '1,5', 'v.REEMPLOI_T': '7' }, false, {
      userId: user.id,
    });
    expect(saved.kind).to.equal('saved');
    const res = await managerB.get(`/mon-pole/${poleB.slug}/trimestres/2026-T3/modele/xlsx`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).to.contain(`ptce-modele-${poleB.slug}-2026-T3.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.views[0]).to.include({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).values).to.deep.equal([
      undefined,
      'code',
      'categorie',
      'libelle',
      'unite',
      'valeur_trimestre_precedent',
      'valeur',
      'non_disponible',
      'raison',
      'commentaire',
    ]);
    expect(ws.getColumn(3).width).to.be.greaterThan(30);
    const row = ws.getRows(2, ws.rowCount - 1)!.find((r) => r.getCell(1).value === 'EMP_CREES')!;
    expect(row.getCell(5).value).to.equal(1.5);
    expect(row.getCell(5).type).to.equal(ExcelJS.ValueType.Number);
  });

  it('imports a filled CSV: preview without problem, confirm stores exactly what the form would, revisions « import »', async () => {
    const csv = fillCsv(await template(managerA, poleA), FILLED, { MEMBRES: { commentaire: MEMBERS_COMMENT } });
    const before = await counts();
    const page = await preview(managerA, `${base(poleA)}/import`, csv, 'trimestre.csv');
    expect(page.text).to.contain('Aperçu de l’import').and.contain('aucun problème').and.contain('Emplois non délocalisables créés');
    expect(problemRows(page.text)).to.deep.equal([]);
    expect(await counts()).to.deep.equal({ ...before, batches: before.batches + 1 });
    const action = confirmForm(page.text)!;
    const done = await managerA
      .post(action)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    expect(done.headers.location).to.equal(base(poleA));
    expect((await managerA.get(done.headers.location).expect(200)).text).to.contain('Import enregistré');

    // The same quarter typed in the form, for pole B: the stored rows must be the same.
    const formPage = await managerB.get(base(poleB)).expect(200);
    const body: Record<string, string> = {
      _csrf: csrfFrom(formPage.text),
      action: 'brouillon',
      form_token: 'f1',
      version: /name="version" value="(\d+)"/.exec(formPage.text)![1],
      'c.MEMBRES': MEMBERS_COMMENT,
    };
    for (const [k, v] of Object.entries(FILLED)) body[`v.${k}`] = v;
    await managerB.post(base(poleB)).type('form').send(body).expect(303);
    const stored = async (p: Pole) =>
      (await ctx.db('quarter_values').where({ pole_id: p.id, year: 2026, quarter: 3 }).orderBy(['indicator_id', 'category'])).map((v) => ({
        i: v.indicator_id,
        c: v.category,
        v: Number(v.value_scaled),
        na: Boolean(v.not_available),
        r: v.na_reason,
        m: v.comment,
        co: Boolean(v.carried_over),
      }));
    expect(await stored(poleA)).to.deep.equal(await stored(poleB));
    expect((await stored(poleA)).find((v) => v.c === '' && v.m)).to.include({ m: MEMBERS_COMMENT });
    const revisions = await ctx.db('value_revisions').where({ pole_id: poleA.id, year: 2026, quarter: 3 }).whereNotNull('indicator_id');
    expect(revisions).to.have.length((await stored(poleA)).length);
    expect(new Set(revisions.map((r) => r.action))).to.deep.equal(new Set(['import']));
    expect((await ctx.db('quarter_reports').where({ pole_id: poleA.id, year: 2026, quarter: 3 }).first()).status).to.equal('draft');
    // Confirming twice applies nothing more.
    const again = await managerA
      .post(action)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(again.status).to.equal(409);
    expect(again.text).to.contain('déjà été appliqué');
  });

  it('lists a bad row with its line and column in French; confirm refused; nothing stored', async () => {
    const csv = fillCsv(
      await template(managerA, poleA),
      { ...FILLED, EMP_CREES: 'deux', TE_ACTIONS: '4', 'MEMBRES.inconnue': '1' },
      { MEMBRES: { commentaire: MEMBERS_COMMENT } },
    );
    const lineOf = (code: string) => csv.split('\r\n').findIndex((l) => l.startsWith(`${code};`)) + 1;
    const before = await counts();
    const page = await preview(managerA, `${base(poleA)}/import`, csv, 'trimestre.csv');
    expect(page.text).to.contain('1 problème');
    expect(problemRows(page.text)).to.deep.equal([
      { line: String(lineOf('EMP_CREES')), column: 'F (valeur)', message: 'Saisissez un nombre, par exemple 12,5 ou 1 234.' },
    ]);
    expect(confirmForm(page.text)).to.equal(undefined);
    const batch = await ctx.db('import_batches').orderBy('id', 'desc').first();
    const res = await managerA
      .post(`${base(poleA)}/import/${batch.id}/confirmer`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).to.equal(409);
    expect(await counts()).to.deep.equal({ ...before, batches: before.batches + 1 });
  });

  it('reads Windows-1252, `,` separators and a BOM; refuses formula cells in CSV and XLSX', async () => {
    const period = `/mon-pole/${poleB.slug}/trimestres/2026-T1/import`;
    const comment = 'Réunion élargie à l’équipe « filière » : 3 000 €';
    let page = await preview(managerB, period, cp1252(`code;valeur;commentaire\r\nEMP_CREES;1,5;${comment}\r\n`), 'ansi.csv');
    expect(page.text).to.contain('aucun problème').and.contain('1,5');
    await managerB
      .post(confirmForm(page.text)!)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    const empCrees = (await ctx.s.repos.indicators.findByCode(ctx.db, 'EMP_CREES'))!;
    const stored = await ctx.db('quarter_values').where({ pole_id: poleB.id, indicator_id: empCrees.id, year: 2026, quarter: 1 }).first();
    expect(stored).to.include({ comment });
    expect(Number(stored.value_scaled)).to.equal(15000);

    page = await preview(managerB, period, 'code,valeur\r\nEMP_CREES,"2,5"\r\nTE_ACTIONS,4\r\n', 'virgules.csv');
    expect(page.text).to.contain('aucun problème').and.contain('2,5');
    page = await preview(managerB, period, `\uFEFFcode;valeur\r\nTE_ACTIONS;5\r\n`, 'bom.csv');
    expect(page.text).to.contain('aucun problème');

    const before = await counts();
    page = await preview(managerB, period, 'code;valeur\r\nTE_ACTIONS;=1+1\r\n', 'formule.csv');
    expect(problemRows(page.text)).to.deep.equal([
      { line: '2', column: 'B (valeur)', message: 'Cellule contenant une formule : collez la valeur, pas la formule.' },
    ]);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Import');
    ws.addRow(['code', 'valeur']);
    ws.addRow(['TE_ACTIONS', 3]);
    ws.addRow(['EMP_CREES', { formula: 'B2*2', result: 6 }]);
    page = await preview(managerB, period, Buffer.from(await wb.xlsx.writeBuffer()), 'formule.xlsx');
    expect(problemRows(page.text)).to.deep.equal([
      { line: '3', column: 'B (valeur)', message: 'Cellule contenant une formule : collez la valeur, pas la formule.' },
    ]);
    expect(await counts()).to.deep.equal({ ...before, batches: before.batches + 2 });
  });

  it('imports a filled XLSX template', async () => {
    const res = await managerB.get(`/mon-pole/${poleB.slug}/trimestres/2026-T2/modele/xlsx`).buffer(true).parse(binary).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    ws.eachRow((row) => {
      if (row.getCell(1).value === 'TE_ACTIONS') row.getCell(6).value = 7;
      if (row.getCell(1).value === 'EMP_CREES') row.getCell(6).value = 0.1 + 0.2;
    });
    const page = await preview(
      managerB,
      `/mon-pole/${poleB.slug}/trimestres/2026-T2/import`,
      Buffer.from(await wb.xlsx.writeBuffer()),
      'rempli.xlsx',
    );
    expect(page.text).to.contain('aucun problème').and.contain('0,3').and.contain('2 modifications');
  });

  it('refuses a file over the size limit with a French message and keeps nothing', async () => {
    const before = await counts();
    const res = await upload(managerA, `${base(poleA)}/import`, Buffer.alloc(5 * 1024 * 1024 + 1, 'a'), 'gros.csv');
    expect(res.status).to.equal(413);
    expect(res.text).to.contain('Le fichier dépasse la taille maximale de 5 Mo.');
    const empty = await managerA
      .post(`${base(poleA)}/import`)
      .type('form')
      .send({ _csrf: await csrfToken(managerA) });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Choisissez un fichier');
    expect(await counts()).to.deep.equal(before);
  });

  it('keeps managers to their own pole and their own batches (404)', async () => {
    const csv = 'code;valeur\r\nTE_ACTIONS;2\r\n';
    expect((await upload(managerA, `${base(poleB)}/import`, csv, 'x.csv')).status).to.equal(404);
    await managerA.get(`${base(poleB)}/modele/csv`).expect(404);
    const page = await preview(managerA, `${base(poleA)}/import`, csv, 'x.csv');
    const action = confirmForm(page.text)!;
    const before = await counts();
    // Another manager of the same pole cannot see or confirm it either.
    await managerA2.get(action.replace(/\/(\d+)\/confirmer$/, '?lot=$1')).expect(404);
    await managerA2
      .post(action)
      .type('form')
      .send({ _csrf: await csrfToken(managerA2) })
      .expect(404);
    await managerB
      .post(action.replace(poleA.slug, poleB.slug))
      .type('form')
      .send({ _csrf: await csrfToken(managerB) })
      .expect(404);
    expect(await counts()).to.deep.equal(before);
  });

  it('shows the preview again (409) when the quarter changed since it, and applies only once confirmed again', async () => {
    const path = `/mon-pole/${poleA.slug}/trimestres/2026-T2`;
    const page = await preview(managerA, `${path}/import`, 'code;valeur\r\nTE_ACTIONS;5\r\n', 'x.csv');
    const user = await ctx.db('users').where('email', 'like', 'staff%').first();
    expect(
      (await ctx.s.reporting.save(poleA, { year: 2026, quarter: 2 }, { 'v.TE_ACTIONS': '6' }, false, { userId: user.id })).kind,
    ).to.equal('saved');
    const before = await counts();
    const res = await managerA
      .post(confirmForm(page.text)!)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(409);
    expect(res.text)
      .to.contain('Le trimestre a été modifié depuis l’aperçu')
      .and.match(/<td class="num" data-label="Valeur actuelle">6<\/td><td class="num" data-label="Nouvelle valeur">5<\/td>/);
    expect(await counts()).to.deep.equal(before);
    await managerA
      .post(confirmForm(res.text)!)
      .type('form')
      .send({ _csrf: csrfFrom(res.text) })
      .expect(303);
    const te = (await ctx.s.repos.indicators.findByCode(ctx.db, 'TE_ACTIONS'))!;
    expect(
      Number(
        (await ctx.db('quarter_values').where({ pole_id: poleA.id, indicator_id: te.id, year: 2026, quarter: 2 }).first()).value_scaled,
      ),
    ).to.equal(50000);
  });

  it('refuses a multipart upload whose token is not in the query string (403)', async () => {
    const before = await counts();
    const token = await csrfToken(managerA);
    await managerA
      .post(`${base(poleA)}/import`)
      .attach('fichier', Buffer.from('code;valeur\r\n'), 'x.csv')
      .expect(403);
    await managerA
      .post(`${base(poleA)}/import`)
      .field('_csrf', token)
      .attach('fichier', Buffer.from('code;valeur\r\n'), 'x.csv')
      .expect(403);
    // The query string is read for multipart bodies only.
    await managerA
      .post(`${base(poleA)}/import?_csrf=${token}`)
      .type('form')
      .send({})
      .expect(403);
    expect(await counts()).to.deep.equal(before);
  });

  describe('long format (staff)', () => {
    let poleC: Pole;
    let poleD: Pole;
    const rows = (value: (pole: string, q: number) => string) =>
      [
        'pole;indicateur;categorie;annee;trimestre;valeur',
        ...[poleC, poleD].flatMap((p) =>
          [1, 2, 3].flatMap((q) => [`${p.slug};EMP_CREES;;2026;${q};${value(p.slug, q)}`, `${p.slug};TE_ACTIONS;;2026;T${q};${q}`]),
        ),
      ].join('\r\n');

    before(async () => {
      poleC = await makePole(ctx.s);
      poleD = await makePole(ctx.s);
    });

    it('offers the long template with an example row', async () => {
      const csv = (await staff.get('/admin/import/modele/csv').expect(200)).text;
      const [header, example] = csv.replace(/^\uFEFF/, '').split('\r\n');
      expect(header).to.equal('pole;indicateur;categorie;annee;trimestre;valeur;non_disponible;raison;commentaire');
      expect(example).to.match(/^slug-du-pole;EMP_CREES;;2024;1;2,5;/);
      await staff.get('/admin/import/modele/xlsx').expect(200);
    });

    it('one bad row among 2 poles × 3 quarters: nothing is stored', async () => {
      const before = await counts();
      const page = await preview(
        staff,
        '/admin/import',
        rows((p, q) => (p === poleD.slug && q === 2 ? '1,25' : '1')),
        'historique.csv',
        { statut: 'valide' },
      );
      expect(problemRows(page.text)).to.deep.equal([{ line: '10', column: 'F (valeur)', message: 'Saisissez au plus 1 décimale.' }]);
      expect(confirmForm(page.text)).to.equal(undefined);
      const batch = await ctx.db('import_batches').orderBy('id', 'desc').first();
      await staff
        .post(`/admin/import/${batch.id}/confirmer`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) })
        .expect(409);
      expect(await counts()).to.deep.equal({ ...before, batches: before.batches + 1 });
    });

    it('applies 2 poles × 3 quarters all at once, as validated quarters', async () => {
      const before = await counts();
      const managerD = await makeUser(ctx.s, 'manager', { poleIds: [poleD.id] });
      const page = await preview(
        staff,
        '/admin/import',
        rows((_, q) => `${q},5`),
        'historique.csv',
        { statut: 'valide' },
      );
      expect(page.text).to.contain('12 lignes, aucun problème').and.contain(poleC.name).and.contain('Validé');
      const done = await staff
        .post(confirmForm(page.text)!)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) })
        .expect(303);
      expect((await staff.get(done.headers.location).expect(200)).text)
        .to.contain('Import enregistré')
        .and.contain('Cet import a été appliqué');
      const after = await counts();
      expect(after.reports - before.reports).to.equal(6);
      expect(after.values - before.values).to.equal(12);
      const reports = await ctx.db('quarter_reports').whereIn('pole_id', [poleC.id, poleD.id]);
      expect(reports.map((r) => r.status)).to.deep.equal(Array(6).fill('validated'));
      expect(await ctx.db('value_revisions').whereIn('pole_id', [poleC.id, poleD.id]).where({ action: 'import' })).to.have.length(12);
      // Each validated quarter tells the pole's managers, as a validation on the review page does.
      const notices = await ctx.db('notices').whereIn('pole_id', [poleC.id, poleD.id]).where({ kind: 'validated' });
      expect(notices).to.have.length(6);
      const mails = await ctx.db('outbox').where({ recipient_user_id: managerD.id, kind: 'validated' });
      expect(mails).to.have.length(3);
      // A validated quarter is locked: a manager's import of it is refused with a French problem.
      const manager = await signIn(ctx.app, (await makeUser(ctx.s, 'manager', { poleIds: [poleC.id] })).email);
      const refused = await preview(
        manager,
        `/mon-pole/${poleC.slug}/trimestres/2026-T2/import`,
        'code;valeur\r\nTE_ACTIONS;9\r\n',
        'x.csv',
      );
      expect(problemRows(refused.text)[0].message).to.contain('Le trimestre 2026-T2 est validé');
    });

    it('names unknown poles, quarters a pole does not report, and duplicated rows', async () => {
      const csv = [
        'pole;indicateur;categorie;annee;trimestre;valeur',
        'pole-inconnu;EMP_CREES;;2026;1;1',
        `${poleC.slug};EMP_CREES;;2023;4;1`,
        `${poleC.slug};MEMBRES;ess;2026;1;1`,
        `${poleD.slug};XX;;2025;1;1`,
        `${poleD.slug};TE_ACTIONS;;2025;1;1`,
        `${poleD.slug};TE_ACTIONS;;2025;1;2`,
      ].join('\n');
      const page = await preview(staff, '/admin/import', csv, 'erreurs.csv', { statut: 'brouillon' });
      const messages = problemRows(page.text).map((p) => `${p.line} ${p.column} ${p.message}`);
      expect(messages[0]).to.equal('2 A (pole) Pôle inconnu : « pole-inconnu » (1 ligne).');
      expect(messages[1]).to.contain('3 E (trimestre)').and.contain('ne déclare pas le trimestre 2023-T4');
      expect(messages[2]).to.match(/^4 .*2026-T1 : .*validé/);
      expect(messages[3]).to.equal('5 B (indicateur) Code d’indicateur inconnu ou non applicable à ce trimestre : « XX ».');
      expect(messages[4]).to.equal('7 B (indicateur) Ligne en double : cet indicateur et cette catégorie sont déjà renseignés ligne 6.');
    });
  });
});
