// Control characters, every way in (forms, query, path, API, CSV, XLSX, CLI): one rule (server/lib/text.ts),
// refused with a message where a person can fix it, and never stored. XLSX writes NUL as `_x0000_`, which
// the reader decodes: a file that looks clean in the spreadsheet once stored a NUL for ever.
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type request from 'supertest';
import { cleanText, findControlChar, hasControlChar } from '../../server/lib/text.ts';
import { readSpreadsheet } from '../../server/imports/import-files.ts';
import { runUserCreate } from '../../server/cli/user-create.ts';
import { createTestApp, csrfFrom, csrfToken, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { assertNoControlChars, findControlChars } from '../support/invariants.ts';

type Agent = ReturnType<typeof request.agent>;

describe('the text rule (server/lib/text.ts)', () => {
  it('finds C0 controls other than tab and newline, DEL and lone surrogates; CR is a line break', () => {
    for (const code of [0, 1, 7, 8, 0x0b, 0x0c, 0x0e, 0x1b, 0x1f, 0x7f]) {
      expect(findControlChar(`ab${String.fromCharCode(code)}c`), `U+${code.toString(16)}`).to.deep.include({ index: 2, code });
    }
    expect(findControlChar('a\u0000b')!.label).to.equal('U+0000');
    for (const ok of ['', 'Pôle « Sud » — 12,5 €', 'a\tb\nc', 'a\r\nb', 'a\rb', '😀 emoji', '\u00a0\u202f', '\u0085 NEL'])
      expect(hasControlChar(ok), JSON.stringify(ok)).to.equal(false);
    expect(findControlChar('x\ud800y')).to.deep.include({ index: 1, code: 0xd800 });
    expect(findControlChar('x\udc00')).to.deep.include({ index: 1, code: 0xdc00 });
    expect(findControlChar('\ud83d\ude00')).to.equal(null);
  });

  it('cleans: CRLF and lone CR become LF, every forbidden character goes', () => {
    expect(cleanText('a\r\nb\rc\nd')).to.equal('a\nb\nc\nd');
    expect(cleanText('\u0000a\u0001b\u007f\td\ud800')).to.equal('ab\td');
    expect(hasControlChar(cleanText('\u0000\u000b\r\u001f'))).to.equal(false);
  });
});

describe(`control characters, every way in (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let pole: Awaited<ReturnType<typeof makePole>>;
  let staff: Agent;
  let manager: Agent;
  const quarterUrl = () => `/mon-pole/${pole.slug}/trimestres/2026-T3`;

  before(async () => {
    ctx = await createTestApp();
    pole = await makePole(ctx.s, { name: 'Pôle Contrôle' });
    staff = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
    manager = await signIn(ctx.app, (await makeUser(ctx.s, 'manager', { poleIds: [pole.id] })).email);
  });
  after(async () => {
    // Whatever the cases below tried, no text with a control character reached the database.
    try {
      await assertNoControlChars(ctx.db);
    } finally {
      await ctx.close();
    }
  });

  async function tables() {
    const out: Record<string, number> = {};
    for (const t of ['poles', 'users', 'quarter_reports', 'quarter_values', 'value_revisions', 'api_tokens', 'audit_log', 'publications']) {
      out[t] = Number((await ctx.db(t).count({ n: '*' }).first())!.n);
    }
    return out;
  }

  const poleForm = (o: Record<string, string>) => ({
    name: 'Pôle Nouveau',
    slug: '',
    region_code: '76',
    departement_code: '31',
    territory_epci: '',
    territory_departements: '31',
    creation_year: '2015',
    first_report: '2024-T1',
    legal_form: '',
    description: '',
    contact_email: '',
    website: '',
    founding_wave: 'aap_2015',
    ...o,
  });

  it('forms: refused next to the field (422), what was typed kept, nothing stored; a NUL is a 400', async () => {
    const before = await tables();
    const message = (char: string, position: number) =>
      `Ce texte contient un caractère invisible non autorisé (${char}, position ${position})`;
    const cases: [Agent, string, Record<string, string>, string][] = [
      [staff, '/admin/poles/nouveau', poleForm({ name: 'Pôle\u000bVT' }), message('U+000B', 5)],
      [staff, '/admin/poles/nouveau', poleForm({ description: 'Texte\u0001collé' }), message('U+0001', 6)],
      [staff, '/admin/utilisateurs/nouveau', { email: 'ctl@test.fr', display_name: 'Nom\u007f', role: 'funder' }, message('U+007F', 4)],
      [staff, '/profil', { display_name: 'Moi\u001b[31m' }, message('U+001B', 4)],
      [staff, '/profil/jetons', { token_name: 'jeton\u0008' }, message('U+0008', 6)],
      [staff, '/admin/indicateurs/nouveau', { code: 'X_CTL', label_fr: 'Libellé\u0002', label_en: 'Label' }, message('U+0002', 8)],
      [
        manager,
        quarterUrl(),
        { 'c.EMP_CREES': 'commentaire \u000c saut de page', 'v.EMP_CREES': '1', action: 'brouillon' },
        message('U+000C', 13),
      ],
      [manager, quarterUrl(), { highlights: 'Faits\u0003 marquants', action: 'brouillon' }, message('U+0003', 6)],
    ];
    for (const [agent, path, form, expected] of cases) {
      const page = await agent.get(path === '/profil/jetons' ? '/profil' : path);
      const version = /name="version" value="(\d+)"/.exec(page.text)?.[1];
      const res = await agent
        .post(path)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), ...(version ? { version } : {}), ...form });
      expect(res.status, `${path} ${JSON.stringify(form)}: ${res.text.slice(0, 200)}`).to.equal(422);
      expect(res.text, path).to.contain(expected);
    }
    const token = await csrfToken(staff, '/admin/poles/nouveau');
    const nul = await staff
      .post('/admin/poles/nouveau')
      .type('form')
      .send({ _csrf: token, ...poleForm({ description: 'a\u0000b' }) });
    expect(nul.status).to.equal(400);
    expect(await tables()).to.deep.equal(before);
  });

  it('forms: a line break typed in a textarea (CRLF) is stored as LF', async () => {
    const token = await csrfToken(staff, '/admin/poles/nouveau');
    await staff
      .post('/admin/poles/nouveau')
      .type('form')
      .send({ _csrf: token, ...poleForm({ name: 'Pôle Sauts De Ligne', description: 'Ligne 1\r\nLigne 2\rLigne 3' }) })
      .expect(303);
    expect((await ctx.db('poles').where({ name: 'Pôle Sauts De Ligne' }).first()).description).to.equal('Ligne 1\nLigne 2\nLigne 3');
  });

  it('a review reason with a control character is refused next to the field', async () => {
    const page = await manager.get(quarterUrl());
    await manager
      .post(quarterUrl())
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        version: /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '0',
        'v.EMP_CREES': '1',
        action: 'brouillon',
      })
      .expect(303);
    await ctx.db('quarter_reports').where({ pole_id: pole.id, year: 2026, quarter: 3 }).update({ status: 'submitted' });
    const url = `/admin/trimestres/${pole.slug}/2026-T3`;
    const review = await staff.get(url).expect(200);
    const version = /name="version" value="(\d+)"/.exec(review.text)![1];
    const res = await staff
      .post(`${url}/renvoyer`)
      .type('form')
      .send({ _csrf: csrfFrom(review.text), version, reason: 'Précisez\u0007 svp' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('(U+0007, position 9)');
    expect((await ctx.db('quarter_reports').where({ pole_id: pole.id, year: 2026, quarter: 3 }).first()).status).to.equal('submitted');
    await ctx.db('quarter_reports').where({ pole_id: pole.id, year: 2026, quarter: 3 }).update({ status: 'draft' });
  });

  it('query and path: 400; the API answers JSON naming the parameter', async () => {
    await staff.get('/admin/poles?q=a%01b').expect(400);
    await staff.get('/admin/utilisateurs?q=%7F').expect(400);
    await staff.get('/poles/a%07b').expect(400);
    await staff.get('/admin/poles/x%00y/modifier').expect(400);
    const api = await staff.get('/api/v1/aggregates?level=nation&indicator=EMP%00').expect(400).expect('content-type', /json/);
    expect(api.body.error.parameter).to.equal('indicator');
    expect(api.body.error.message).to.contain('caractère de contrôle');
    const unknown = await staff.get('/api/v1/regions?x%01=1').expect(400).expect('content-type', /json/);
    expect(unknown.body.error.message).to.contain('caractère de contrôle');
  });

  describe('imports', () => {
    const problemRows = (html: string) =>
      [...html.matchAll(/<tr><td class="num">([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => ({
        line: m[1],
        column: m[2],
        message: m[3],
      }));
    const confirmForm = (html: string) => /<form method="post" action="([^"]+\/confirmer)"/.exec(html)?.[1];

    async function xlsx(rows: (string | number)[][], inline?: { cell: string; text: string }): Promise<Buffer> {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Import');
      for (const r of rows) ws.addRow(r);
      // exceljs writes a text holding `_x0000_` as it is into the shared strings, and decodes it back to
      // U+0000 on reading: what Excel does with a NUL.
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      if (!inline) return buffer;
      const zip = await JSZip.loadAsync(buffer);
      const sheet = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
      const patched = sheet.replace(
        new RegExp(`<c r="${inline.cell}"([^>]*) t="s"><v>\\d+</v></c>`),
        `<c r="${inline.cell}"$1 t="inlineStr"><is><t>${inline.text}</t></is></c>`,
      );
      expect(patched, 'inline string patched in').to.not.equal(sheet);
      zip.file('xl/worksheets/sheet1.xml', patched);
      return zip.generateAsync({ type: 'nodebuffer' });
    }

    async function preview(agent: Agent, path: string, file: Buffer, name: string, fields: Record<string, string> = {}) {
      const token = await csrfToken(agent);
      const req = agent.post(`${path}?_csrf=${token}`);
      for (const [k, v] of Object.entries(fields)) req.field(k, v);
      const res = await req.attach('fichier', file, name);
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
      return agent.get(res.headers.location).expect(200);
    }

    /** The preview names the row and column, offers no confirm, and a forged confirm stores nothing. */
    async function refused(agent: Agent, page: request.Response, expected: { line: string; column: string; char: string }[]) {
      const problems = problemRows(page.text).filter((p) => p.message.startsWith('Caractère de contrôle invisible'));
      expect(problems.map((p) => ({ line: p.line, column: p.column, char: /\((U\+[0-9A-F]{4}),/.exec(p.message)?.[1] }))).to.deep.equal(
        expected,
      );
      expect(page.text).to.not.contain('aucun problème');
      expect(confirmForm(page.text)).to.equal(undefined);
      const before = await tables();
      const batch = await ctx.db('import_batches').orderBy('id', 'desc').first();
      const url = batch.kind === 'quarter' ? `${quarterUrl()}/import/${batch.id}/confirmer` : `/admin/import/${batch.id}/confirmer`;
      await agent
        .post(url)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) })
        .expect(409);
      expect(await tables()).to.deep.equal(before);
    }

    it('quarter import, XLSX: `_x0000_` in a shared string is a problem naming the row and the column', async () => {
      const file = await xlsx([
        ['code', 'categorie', 'valeur', 'commentaire'],
        ['EMP_CREES', '', 2, 'avant_x0000_après'],
        ['TE_ACTIONS', '', 1, 'propre'],
      ]);
      const page = await preview(manager, `${quarterUrl()}/import`, file, 'trimestre.xlsx');
      await refused(manager, page, [{ line: '2', column: 'D (commentaire)', char: 'U+0000' }]);
    });

    it('quarter import, XLSX: `_x0000_` in an inline string is decoded, then refused the same way', async () => {
      const text = 'en_x0000_ligne';
      const file = await xlsx(
        [
          ['code', 'valeur', 'commentaire'],
          ['EMP_CREES', 2, 'remplacé'],
        ],
        { cell: 'C2', text },
      );
      const page = await preview(manager, `${quarterUrl()}/import`, file, 'inline.xlsx');
      // The reader decodes `_xHHHH_` in inline strings as in shared ones (as Excel does): the NUL is named.
      const read = await readSpreadsheet(file, 'inline.xlsx');
      expect(read.ok && read.rows.some((r) => r.cells.some((c) => typeof c === 'string' && c.includes('\u0000')))).to.equal(true);
      await refused(manager, page, [{ line: '2', column: 'C (commentaire)', char: 'U+0000' }]);
      expect(await findControlChars(ctx.db)).to.deep.equal([]);
    });

    it('quarter import, CSV: a control character in any cell, read or not, is named', async () => {
      const csv = 'code;valeur;commentaire;notes\r\nEMP_CREES;2;ligne 1\u0001;\r\nTE_ACTIONS;1;;note\u001f\r\n';
      const page = await preview(manager, `${quarterUrl()}/import`, Buffer.from(csv, 'utf8'), 'trimestre.csv');
      await refused(manager, page, [
        { line: '2', column: 'C (commentaire)', char: 'U+0001' },
        { line: '3', column: 'D (notes)', char: 'U+001F' },
      ]);
    });

    it('long import (staff), XLSX: `_x0000_` in a shared string and `_x0001_` in another column are named', async () => {
      const header = ['pole', 'indicateur', 'categorie', 'annee', 'trimestre', 'valeur', 'raison', 'commentaire'];
      const file = await xlsx([
        header,
        [pole.slug, 'EMP_CREES', '', 2026, 1, 1, '', 'x_x0000_'],
        [pole.slug, 'TE_ACTIONS', '', 2026, 1, 1, 'a_x0001_b', ''],
      ]);
      const page = await preview(staff, '/admin/import', file, 'historique.xlsx', { statut: 'brouillon' });
      await refused(staff, page, [
        { line: '2', column: 'H (commentaire)', char: 'U+0000' },
        { line: '3', column: 'G (raison)', char: 'U+0001' },
      ]);
    });

    it('long import (staff), XLSX: `_x0000_` in an inline string is decoded, then refused', async () => {
      const header = ['pole', 'indicateur', 'categorie', 'annee', 'trimestre', 'valeur', 'commentaire'];
      const file = await xlsx([header, [pole.slug, 'EMP_CREES', '', 2026, 1, 1, 'remplacé']], { cell: 'G2', text: 'x_x0000_' });
      const page = await preview(staff, '/admin/import', file, 'inline.xlsx', { statut: 'brouillon' });
      await refused(staff, page, [{ line: '2', column: 'G (commentaire)', char: 'U+0000' }]);
      expect(await findControlChars(ctx.db)).to.deep.equal([]);
    });
  });

  it('CLI user:create refuses a control character in --email or --name, naming the option', async () => {
    const run = async (argv: string[]) => {
      const err: string[] = [];
      async function* stdin() {}
      const code = await runUserCreate(argv, ctx.s, { stdin: stdin(), out: () => {}, err: (l) => err.push(l) });
      return { code, err };
    };
    const name = await run(['--email', 'cli@test.fr', '--role', 'staff', '--name', 'Nom\u0000nul']);
    expect(name.code).to.equal(1);
    expect(name.err[0]).to.equal('--name : caractère de contrôle U+0000 en position 4 (souvent un copier-coller) : retapez la valeur.');
    const email = await run(['--email', 'cli\u0007@test.fr', '--role', 'staff']);
    expect(email.code).to.equal(1);
    expect(email.err[0]).to.contain('--email : caractère de contrôle U+0007');
    expect(await ctx.db('users').where('email', 'like', 'cli%').first()).to.equal(undefined);
  });
});
