// Uploads under hostile or very large files, through the real app: every refusal is a French message on
// the upload page with a 4xx, never a 5xx; one import at a time per user, a few per process (429).
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type request from 'supertest';
import { createTestApp, csrfToken, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { importSlots, MAX_IMPORTS_PER_PROCESS } from '../../server/imports/import-slots.ts';
import { oneHugeString, workbook } from './xlsx-zip.ts';

type Agent = ReturnType<typeof request.agent>;
type Pole = Awaited<ReturnType<typeof makePole>>;

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const problemRows = (html: string) =>
  [...html.matchAll(/<tr><td class="num">([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);

/** A multipart request sent in two halves: the import holds its slot until `finish()` sends the rest. */
async function heldUpload(agent: Agent, path: string, body: string) {
  const token = await csrfToken(agent);
  const boundary = 'ptce-test-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="lent.csv"\r\nContent-Type: text/csv\r\n\r\n`;
  const req = agent.post(`${path}?_csrf=${token}`).set('Content-Type', `multipart/form-data; boundary=${boundary}`);
  const done = new Promise<request.Response>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  req.write(head + body.slice(0, 10));
  return {
    done,
    finish() {
      req.write(`${body.slice(10)}\r\n--${boundary}--\r\n`);
      req.end();
      return done;
    },
  };
}

/** Waits (without a deadline of its own: mocha's timeout applies) until `n` imports hold a slot. */
async function slotsInUse(n: number) {
  while (importSlots.inUse < n) await new Promise((r) => setTimeout(r, 5));
}

describe(`uploads: limits, hostile files, one import at a time (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let pole: Pole;
  let manager: Agent;
  let manager2: Agent;
  let manager3: Agent;
  let staff: Agent;
  const base = (p: Pole, period = '2026-T3') => `/mon-pole/${p.slug}/trimestres/${period}`;

  before(async () => {
    ctx = await createTestApp();
    pole = await makePole(ctx.s);
    manager = await signIn(ctx.app, (await makeUser(ctx.s, 'manager', { poleIds: [pole.id] })).email);
    manager2 = await signIn(ctx.app, (await makeUser(ctx.s, 'manager', { poleIds: [pole.id] })).email);
    manager3 = await signIn(ctx.app, (await makeUser(ctx.s, 'manager', { poleIds: [pole.id] })).email);
    staff = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
  });
  after(() => ctx.close());

  async function upload(agent: Agent, path: string, file: Buffer | string, name: string, fields: Record<string, string> = {}) {
    const token = await csrfToken(agent);
    const req = agent.post(`${path}?_csrf=${token}`);
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    return req.attach('fichier', Buffer.isBuffer(file) ? file : Buffer.from(file, 'utf8'), name);
  }

  const batches = async () => Number((await ctx.db('import_batches').count({ n: '*' }).first())!.n);

  it('refuses an XLSX of one 190 MB cell (195 KB uploaded) with 413 and a French message on the upload page', async () => {
    const file = workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', { shared: oneHugeString(190 * 1024 * 1024) });
    expect(file.length).to.be.below(250_000);
    const before = await batches();
    const rss = process.memoryUsage().rss;
    const res = await upload(manager, `${base(pole)}/import`, file, 'bombe.xlsx');
    expect(res.status).to.equal(413);
    expect(res.text).to.contain('Ce classeur est trop volumineux une fois décompressé').and.contain('name="fichier"');
    // Loosely: the 190 MB were never inflated (the old reader grew the process by 400 MB).
    expect(process.memoryUsage().rss - rss).to.be.below(100 * 1024 * 1024);
    expect(await batches()).to.equal(before);
  });

  it('refuses a 150,000-row quarter CSV with 413 and the « too many rows » message', async () => {
    const csv = `code;valeur\r\n${'EMP_CREES;1\r\n'.repeat(150_000)}`;
    const res = await upload(manager, `${base(pole)}/import`, csv, 'gros.csv');
    expect(res.status).to.equal(413);
    expect(res.text).to.match(/Le fichier compte plus de 1.000 lignes : découpez-le en plusieurs fichiers\./);
  });

  it('judges a 150,000-row long-format CSV (every row a duplicate) without a 5xx: the problems are listed', async () => {
    const csv = `pole;indicateur;categorie;annee;trimestre;valeur\r\n${`${pole.slug};EMP_CREES;;2026;1;1\r\n`.repeat(150_000)}`;
    const res = await upload(staff, '/admin/import', csv, 'historique.csv', { statut: 'brouillon' });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const page = await staff.get(res.headers.location).expect(200);
    expect(page.text).to.match(/150.000 lignes, 149.999 problèmes/);
    expect(problemRows(page.text)[0]).to.equal(
      '3 B (indicateur) Ligne en double : cet indicateur et cette catégorie sont déjà renseignés ligne 2.',
    );
  });

  it('refuses a CSV cell longer than 4,000 characters, naming the cell (422)', async () => {
    const res = await upload(
      manager,
      `${base(pole)}/import`,
      `code;valeur;commentaire\r\nEMP_CREES;1;${'x'.repeat(4_001)}\r\n`,
      'long.csv',
    );
    expect(res.status).to.equal(422);
    expect(res.text).to.match(/La cellule C2 contient plus de 4.000 caractères/);
  });

  it('one import at a time per user: a second one answers 429 on a usable upload page; the slot is released after', async () => {
    const held = await heldUpload(manager, `${base(pole)}/import`, 'code;valeur\r\nTE_ACTIONS;2\r\n');
    await slotsInUse(1);
    const refused = await upload(manager, `${base(pole)}/import`, 'code;valeur\r\nTE_ACTIONS;3\r\n', 'x.csv');
    expect(refused.status).to.equal(429);
    expect(refused.text).to.contain('Un de vos imports est encore en cours de vérification').and.contain('name="fichier"');
    expect(csrfFrom(refused.text)).to.be.a('string');
    // Another user is not held up.
    expect((await upload(manager2, `${base(pole)}/import`, 'code;valeur\r\nTE_ACTIONS;4\r\n', 'x.csv')).status).to.equal(303);
    const first = await held.finish();
    expect(first.status).to.equal(303);
    expect(importSlots.inUse).to.equal(0);
    expect((await upload(manager, `${base(pole)}/import`, 'code;valeur\r\nTE_ACTIONS;3\r\n', 'x.csv')).status).to.equal(303);
  });

  it(`at most ${MAX_IMPORTS_PER_PROCESS} imports per process (429), and refusals and aborted uploads release their slot`, async () => {
    const agents = [manager, manager2, manager3];
    const held = [];
    for (const a of agents.slice(0, MAX_IMPORTS_PER_PROCESS))
      held.push(await heldUpload(a, `${base(pole)}/import`, 'code;valeur\r\nTE_ACTIONS;2\r\n'));
    await slotsInUse(MAX_IMPORTS_PER_PROCESS);
    const refused = await upload(agents[MAX_IMPORTS_PER_PROCESS], `${base(pole)}/import`, 'code;valeur\r\nTE_ACTIONS;3\r\n', 'x.csv');
    expect(refused.status).to.equal(429);
    expect(refused.text).to.contain('Trop d’imports sont en cours de vérification en ce moment');
    for (const h of held) expect((await h.finish()).status).to.equal(303);
    expect(importSlots.inUse).to.equal(0);

    // A refused file and a cut upload give their slot back.
    expect((await upload(manager, `${base(pole)}/import`, Buffer.from('PK\u0003\u0004 pas un classeur'), 'x.xlsx')).status).to.equal(422);
    const token = await csrfToken(manager);
    const cut = await manager
      .post(`${base(pole)}/import?_csrf=${token}`)
      .set('Content-Type', 'multipart/form-data; boundary=b')
      .send('--b\r\nContent-Disposition: form-data; name="fichier"; filename="x.csv"\r\n\r\ncode;valeur');
    expect(cut.status).to.equal(400);
    expect(importSlots.inUse).to.equal(0);
  });

  it('re-uploads the XLSX template whose stored comment reads « +3 ETP grâce au nouveau marché »', async () => {
    const comment = '+3 ETP grâce au nouveau marché';
    const user = await ctx.db('users').where('email', 'like', 'staff%').first();
    const saved = await ctx.s.reporting.save(
      pole,
      { year: 2026, quarter: 2 },
      { 'v.EMP_CREES': '3', 'c.EMP_CREES': comment, 'v.TE_ACTIONS': '1', 'c.TE_ACTIONS': '=pas une formule' },
      false,
      { userId: user.id },
    );
    expect(saved.kind).to.equal('saved');
    const template = await manager
      .get(`${base(pole, '2026-T2')}/modele/xlsx`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    // Sent back unchanged: nothing to import, and no « formula » problem.
    let res = await upload(manager, `${base(pole, '2026-T2')}/import`, template.body as Buffer, 'modele.xlsx');
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    let page = await manager.get(res.headers.location).expect(200);
    expect(problemRows(page.text)).to.deep.equal([]);
    expect(page.text).to.contain('aucun problème').and.contain('ne modifie aucune valeur');

    // With a value changed: applied, the comments kept as they were.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template.body as unknown as ArrayBuffer);
    wb.worksheets[0].eachRow((row) => {
      if (row.getCell(1).value === 'EMP_CREES' && !row.getCell(2).value) row.getCell(6).value = 4;
    });
    res = await upload(manager, `${base(pole, '2026-T2')}/import`, Buffer.from(await wb.xlsx.writeBuffer()), 'modele.xlsx');
    page = await manager.get(res.headers.location).expect(200);
    expect(problemRows(page.text)).to.deep.equal([]);
    await manager
      .post(/<form method="post" action="([^"]+\/confirmer)"/.exec(page.text)![1])
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    const stored = await ctx
      .db('quarter_values')
      .join('indicators', 'indicators.id', 'quarter_values.indicator_id')
      .where({ pole_id: pole.id, year: 2026, quarter: 2, category: '' })
      .whereIn('indicators.code', ['EMP_CREES', 'TE_ACTIONS'])
      .select('indicators.code', 'comment', 'value_scaled')
      .orderBy('indicators.code');
    expect(stored.map((v) => [v.code, v.comment, Number(v.value_scaled)])).to.deep.equal([
      ['EMP_CREES', comment, 40000],
      ['TE_ACTIONS', '=pas une formule', 10000],
    ]);
  });
});
