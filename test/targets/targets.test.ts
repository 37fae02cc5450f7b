// Targets through the app: the staff form (all or nothing, 422 with typed values, 409 on a stale form,
// audited), a manager's proposals for next year, who may do what, and progress on the pole pages.
import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { onPostgres } from '../support/test-db.ts';
import { chartsOf, text } from '../support/html.ts';
import { parse } from 'csv-parse/sync';
import { CSV_HEADER } from '../../server/exports/summary-files.ts';
import { binary, readXlsx } from '../support/files.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Services } from '../../server/services.ts';

type Agent = ReturnType<typeof request.agent>;
const S = 10_000;

describe(`targets per pole and year (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let s: Services;
  let staff: Agent;
  let manager: Agent;
  let funder: Agent;
  let otherManager: Agent;
  let pole: PoleRow;
  let other: PoleRow;
  const form = (year = 2026) => `/admin/poles/${pole.slug}/objectifs?annee=${year}`;
  const rows = async (year = 2026) =>
    (
      await ctx
        .db('targets as t')
        .join('indicators as i', 'i.id', 't.indicator_id')
        .where({ 't.pole_id': pole.id, 't.first_year': year })
        .select('i.code', 't.value_scaled', 't.status')
    ).map((r) => [r.code, Number(r.value_scaled), r.status]);
  /** Posts `fields` on the form as drawn now (its digest), or on `page` drawn earlier. */
  const post = async (agent: Agent, url: string, fields: Record<string, string>, status: number, page?: string) => {
    const html = page ?? (await agent.get(url).expect(200)).text;
    const digest = /name="digest" value="([0-9a-f]+)"/.exec(html)![1];
    return agent
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(html), digest, ...fields })
      .expect(status);
  };

  before(async () => {
    ctx = await createTestApp();
    s = ctx.s;
    pole = await makePole(s, { name: 'Pôle Réemploi Garonne', firstReport: { year: 2025, quarter: 1 } });
    other = await makePole(s, { name: 'Pôle Rhône', region: '84' });
    const st = await makeUser(s, 'staff');
    const m = await makeUser(s, 'manager', { poleIds: [pole.id] });
    const om = await makeUser(s, 'manager', { poleIds: [other.id] });
    const f = await makeUser(s, 'funder', { regionCodes: ['76'] });
    // 2026-T1..T3 validated: 2 + 3 + 3,5 = 8,5 ETP created; 40 ETP in the structures at the end of T3.
    for (const [quarter, emp] of [
      [1, '2'],
      [2, '3'],
      [3, '3,5'],
    ] as const) {
      const q = { year: 2026, quarter };
      const saved = await s.reporting.save(
        pole,
        q,
        { ...(await completeBody(s, q, { 'v.EMP_CREES': emp, 'v.EMP_ETP_FIN': '40' })), version: '0' },
        true,
        {
          userId: m.id,
        },
      );
      expect(saved.kind, JSON.stringify(saved)).to.equal('saved');
      const report = (await s.repos.reporting.report(s.db, pole.id, q))!;
      expect(await s.review.decide(report, 'validate', report.version, '', { userId: st.id })).to.equal('done');
    }
    await s.refresh.rebuild();
    staff = await signIn(ctx.app, st.email);
    manager = await signIn(ctx.app, m.email);
    otherManager = await signIn(ctx.app, om.email);
    funder = await signIn(ctx.app, f.email);
  });
  after(() => ctx.close());

  it('shows every indicator with last year’s target and actual, and refuses a bad value (422), keeping every typed value and storing nothing', async () => {
    const page = text((await staff.get(form()).expect(200)).text);
    expect(page)
      .to.include('Objectifs 2026 — Pôle Réemploi Garonne')
      .and.include('Emplois non délocalisables créés')
      .and.include('total de l’année');
    const res = await post(staff, form(), { 'o.EMP_CREES': '12', 'o.EMP_ETP_FIN': 'beaucoup', 'o.MATURITE_COOP': '7' }, 422);
    expect(text(res.text)).to.include('Il y a un problème').and.include('Emplois (ETP) dans les structures membres en fin de trimestre :');
    expect(res.text).to.match(/id="f-o\.EMP_CREES"[^>]*value="12"/);
    expect(res.text).to.match(
      /id="f-o\.EMP_ETP_FIN"[^>]*value="beaucoup"[^>]*aria-invalid="true"|id="f-o\.EMP_ETP_FIN"[^>]*value="beaucoup"/,
    );
    expect(text(res.text)).to.include('entre 1,0 et 4,0');
    expect(await rows()).to.deep.equal([]);
  });

  it('stores the year’s targets at once (a year’s flow may exceed a quarter’s bound), audited; an empty field removes one', async () => {
    const audit = Number((await ctx.db('audit_log').count({ n: '*' }).first())!.n);
    const res = await post(
      staff,
      form(),
      { 'o.EMP_CREES': '12', 'o.EMP_ETP_FIN': '50', 'o.MATURITE_COOP': '3,5', 'o.ACT_CONSOLIDEES': '30000' },
      303,
    );
    expect(res.headers.location).to.equal(`/poles/${pole.slug}#objectifs`);
    expect(await rows()).to.have.deep.members([
      ['EMP_CREES', 12 * S, 'validated'],
      ['EMP_ETP_FIN', 50 * S, 'validated'],
      ['MATURITE_COOP', 3.5 * S, 'validated'],
      ['ACT_CONSOLIDEES', 30000 * S, 'validated'],
    ]);
    expect(Number((await ctx.db('audit_log').count({ n: '*' }).first())!.n) - audit).to.equal(4);
    const journal = text((await staff.get('/admin/journal').expect(200)).text);
    expect(journal).to.include('Objectif de « Pôle Réemploi Garonne » fixé');
    await post(staff, form(), { 'o.EMP_CREES': '12', 'o.EMP_ETP_FIN': '50', 'o.MATURITE_COOP': '3,5', 'o.ACT_CONSOLIDEES': '' }, 303);
    expect((await rows()).map((r) => r[0])).to.have.members(['EMP_CREES', 'EMP_ETP_FIN', 'MATURITE_COOP']);
    expect(await ctx.db('audit_log').where({ action: 'target.delete' })).to.have.length(1);
  });

  it('answers 409 to a form drawn before another change, keeping its typed values and storing nothing', async () => {
    const stale = (await staff.get(form()).expect(200)).text;
    await post(staff, form(), { 'o.EMP_CREES': '14', 'o.EMP_ETP_FIN': '50', 'o.MATURITE_COOP': '3,5' }, 303);
    const res = await post(staff, form(), { 'o.EMP_CREES': '10', 'o.EMP_ETP_FIN': '50', 'o.MATURITE_COOP': '3,5' }, 409, stale);
    expect(text(res.text)).to.include('modifiés pendant votre saisie').and.include('Enregistré');
    expect(res.text).to.match(/id="f-o\.EMP_CREES"[^>]*value="10"/);
    expect((await rows()).find((r) => r[0] === 'EMP_CREES')).to.deep.equal(['EMP_CREES', 14 * S, 'validated']);
    // Back to 12 for the progress below.
    await post(staff, form(), { 'o.EMP_CREES': '12', 'o.EMP_ETP_FIN': '50', 'o.MATURITE_COOP': '3,5' }, 303);
  });

  it('shows progress in words on the pole page and « Mon pôle », within scope', async () => {
    const pageText = text((await funder.get(`/poles/${pole.slug}`).expect(200)).text);
    expect(pageText)
      .to.include('Objectifs 2026')
      .and.include('8,5 ETP sur 12,0 ETP — 71 % — conforme à la trajectoire (9,0 ETP attendus à fin T3)')
      .and.include('40,0 ETP sur 50,0 ETP — 80 % — pas encore atteint')
      .and.include('2026-T3');
    expect(pageText, 'only staff are offered the form').not.to.include('Fixer les objectifs');
    // The trend chart of a headline flow draws the year's target spread over its quarters.
    const html = (await funder.get(`/poles/${pole.slug}`).expect(200)).text;
    const emp = chartsOf(html).find((c) => c.series.some((x) => x.role === 'target'))!;
    const line = emp.series.find((x) => x.role === 'target')!;
    expect(line.label).to.equal('Objectif de l’année ÷ 4 (par trimestre)');
    expect(emp.labels.map((l, i) => [l, line.values[i]]).filter(([l]) => String(l).startsWith('2026'))).to.deep.equal([
      ['2026-T1', 3],
      ['2026-T2', 3],
      ['2026-T3', 3],
    ]);
    expect(line.values[emp.labels.indexOf('2025-T4')]).to.equal(null);
    const mine = text((await manager.get(`/mon-pole/${pole.slug}`).expect(200)).text);
    expect(mine).to.include('8,5 ETP sur 12,0 ETP').and.include('Proposer les objectifs de 2027');
    expect(text((await staff.get(`/poles/${pole.slug}`).expect(200)).text)).to.include('Fixer les objectifs de 2026');
  });

  it('shows a region’s poles against their targets, with the same poles’ sum and its completeness, within scope', async () => {
    const html = (await funder.get('/regions/76').expect(200)).text;
    const panel = text(/<section aria-labelledby="h-targets"[\s\S]*?<\/section>/.exec(html)![0]);
    expect(panel)
      .to.include('Objectifs 2026 des pôles : Emplois non délocalisables créés')
      .and.include('Objectif fixé pour 1 pôle sur 1.')
      .and.include(
        'Ensemble des pôles ayant un objectif : 8,5 ETP sur 12,0 ETP — 71 % — conforme à la trajectoire (9,0 ETP attendus à fin T3).',
      )
      .and.include('Réalisé de ces pôles : 3 trimestres déclarés sur 3 (100 %).');
    expect(text(/<tr id="target-pole-\d+"[\s\S]*?<\/tr>/.exec(html)![0])).to.equal(
      'Pôle Réemploi Garonne 12,0 ETP 8,5 ETP 3 trimestres déclarés sur 3 (100 %) 71 % conforme à la trajectoire (9,0 ETP attendus à fin T3)',
    );
    // A score: the share of poles meeting their target.
    const score = text((await funder.get('/regions/76?indicateur=MATURITE_COOP').expect(200)).text);
    expect(score).to.include('0 pôle sur 1 atteint son objectif.');
    // A region whose poles have no target says so; a funder never sees a region outside its scope.
    expect(text((await staff.get('/regions/84').expect(200)).text)).to.match(/Aucun pôle affiché n’a d’objectif validé pour 20\d\d/);
    await funder.get('/regions/84').expect(404);
  });

  it('adds to each headline tile the progress of the area’s poles that have a target', async () => {
    const html = (await funder.get('/tableau-de-bord').expect(200)).text;
    const tile = text(/<li class="card dash-tile" id="tile-EMP_CREES">[\s\S]*?<\/li>/.exec(html)![0]);
    expect(tile).to.include(
      'Objectifs 2026 (1 pôle sur 1 en a un) : 8,5 ETP sur 12,0 ETP — 71 % — conforme à la trajectoire (9,0 ETP attendus à fin T3). Réalisé sur 3 trimestres déclarés sur 3 (100 %).',
    );
    // An indicator nobody has a target for says nothing of targets.
    expect(text(/<li class="card dash-tile" id="tile-TE_ACTIONS">[\s\S]*?<\/li>/.exec(html)![0])).not.to.include('Objectifs');
    const region = text(
      /<li class="card dash-tile" id="tile-EMP_CREES">[\s\S]*?<\/li>/.exec((await funder.get('/regions/76').expect(200)).text)![0],
    );
    expect(region).to.include('Objectifs 2026 (1 pôle sur 1 en a un)');
  });

  it('answers targets and progress in the API, within the scope of the caller', async () => {
    const body = (await funder.get('/api/v1/targets?year=2026').expect(200)).body as { data: Record<string, unknown>[] };
    const emp = body.data.find((d) => d.indicator === 'EMP_CREES');
    expect(emp).to.deep.equal({
      pole: pole.slug,
      indicator: 'EMP_CREES',
      year: 2026,
      span: null,
      target: 12,
      direction: 'up',
      actual: 8.5,
      through: '2026-T3',
      share: 0.708,
      reached: false,
      trajectory: { expected: 9, status: 'on_track' },
      completeness: { reported: 3, expected: 3 },
    });
    expect(body.data.map((d) => d.indicator)).to.have.members(['EMP_CREES', 'EMP_ETP_FIN', 'MATURITE_COOP']);
    expect((await otherManager.get('/api/v1/targets?year=2026').expect(200)).body.data).to.deep.equal([]);
    expect((await staff.get(`/api/v1/targets?year=2026&pole=${pole.slug}`).expect(200)).body.data).to.have.length(3);
    expect((await funder.get(`/api/v1/targets?pole=${other.slug}`).expect(404)).body.error.code).to.equal('not_found');
    expect((await funder.get('/api/v1/targets?year=deux').expect(400)).body.error.parameter).to.equal('year');
    expect((await funder.get('/api/v1/targets?annee=2026').expect(400)).body.error.parameter).to.equal('annee');
    const doc = (await funder.get('/api/v1/openapi.json').expect(200)).body as { paths: Record<string, unknown> };
    expect(doc.paths).to.have.property('/targets');
  });

  it('writes the scope’s targets and progress in its export: an « Objectifs » section in both CSV flavours and a sheet in the XLSX', async () => {
    for (const [format, sep] of [
      ['csv', ','],
      ['csv-excel', ';'],
    ] as const) {
      const res = await funder.get(`/exports/perimetre?periode=2026-T3&format=${format}`).expect(200);
      const rows: string[][] = parse(res.text, { delimiter: sep, bom: true });
      const col = (name: (typeof CSV_HEADER)[number]) => CSV_HEADER.indexOf(name);
      expect(rows[0]).to.deep.equal([...CSV_HEADER]);
      const emp = rows.find((r) => r[0] === 'Objectifs' && r[col('code_indicateur')] === 'EMP_CREES')!;
      const num = (v: string) => Number(v.replace(',', '.'));
      expect(emp[col('code_zone')]).to.equal(pole.slug);
      expect(emp[col('periode')]).to.equal('2026, à fin 2026-T3');
      expect([
        num(emp[col('valeur')]),
        num(emp[col('objectif')]),
        num(emp[col('part_atteinte_pct')]),
        num(emp[col('attendu_trajectoire')]),
      ]).to.deep.equal([8.5, 12, 70.8, 9]);
      // French spaces as the pages write them (a no-break space before the unit).
      expect(emp[col('situation_objectif')].replace(/\u00a0/g, ' ')).to.equal('conforme à la trajectoire (9,0 ETP attendus à fin T3)');
      expect(rows.every((r) => r.length === CSV_HEADER.length)).to.equal(true);
      expect(res.text).not.to.include(other.slug);
    }
    const res = await funder.get('/exports/perimetre?periode=2026-T3&format=xlsx').buffer(true).parse(binary).expect(200);
    const wb = await readXlsx(res.body as Buffer);
    const sheet = wb.getWorksheet('Objectifs')!;
    const values: unknown[][] = [];
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    const emp = values.find((v) => v[1] === 'EMP_CREES')!;
    expect(emp.slice(0, 9)).to.deep.equal([
      'Pôle Réemploi Garonne',
      'EMP_CREES',
      'Emplois non délocalisables créés',
      2026,
      12,
      8.5,
      '2026-T3',
      0.708,
      9,
    ]);
  });

  it('sets a convention’s targets over its span, never the sum of the annual ones, and shows its progress over the span', async () => {
    const url = `/admin/poles/${pole.slug}/objectifs?de=2025&a=2027`;
    const page = text((await staff.get(url).expect(200)).text);
    expect(page).to.include('Objectifs de la convention 2025–2027 — Pôle Réemploi Garonne').and.include('total sur la période');
    // A flow over three years may reach three years of quarters' bound.
    await post(staff, url, { 'o.EMP_CREES': '40', 'o.EMP_ETP_FIN': '' }, 303);
    const rows2025 = await ctx.db('targets').where({ pole_id: pole.id, first_year: 2025, last_year: 2027 });
    expect(rows2025.map((r) => Number(r.value_scaled))).to.deep.equal([40 * S]);
    // The year's own targets are untouched, and the annual page lists the convention.
    expect((await rows()).find((r) => r[0] === 'EMP_CREES')).to.deep.equal(['EMP_CREES', 12 * S, 'validated']);
    expect(text((await staff.get(form()).expect(200)).text)).to.include('2025–2027');
    const panel = text(
      /<section aria-labelledby="h-objectifs"[\s\S]*?<\/section>/.exec((await funder.get(`/poles/${pole.slug}`).expect(200)).text)![0],
    );
    expect(panel)
      .to.include('Emplois non délocalisables créés — convention 2025–2027')
      .and.include('8,5 ETP sur 40,0 ETP — 21 % — en retard sur la trajectoire (23,3 ETP attendus à fin 2026-T3)')
      .and.include('3 trimestres déclarés sur 7 (43 %)');
    // The API answers the convention beside the year's target, over its span so far.
    const api = (await funder.get('/api/v1/targets?year=2026').expect(200)).body as { data: Record<string, unknown>[] };
    expect(api.data.filter((d) => d.indicator === 'EMP_CREES' && d.span !== null)).to.deep.equal([
      {
        pole: pole.slug,
        indicator: 'EMP_CREES',
        year: 2026,
        span: { first: 2025, last: 2027 },
        target: 40,
        direction: 'up',
        actual: 8.5,
        through: '2026-T3',
        share: 0.213,
        reached: false,
        trajectory: { expected: 23.3333, status: 'behind' },
        completeness: { reported: 3, expected: 7 },
      },
    ]);
    // The region's page lists it apart from the year's targets, against its own span.
    const region = (await funder.get('/regions/76?indicateur=EMP_CREES&a=2026-T3').expect(200)).text;
    const row = /<tr id="convention-[^"]+">[\s\S]*?<\/tr>/.exec(region);
    expect(text(row![0])).to.equal(
      'Pôle Réemploi Garonne 2025–2027 40,0 ETP 8,5 ETP 3 trimestres déclarés sur 7 (43 %) 21 % en retard sur la trajectoire (23,3 ETP attendus à fin 2026-T3)',
    );
    // The scope export writes the convention beside the year's target, at the period's end.
    const csv: string[][] = parse((await funder.get('/exports/perimetre?periode=2026-T3&format=csv').expect(200)).text, { bom: true });
    const col = (name: (typeof CSV_HEADER)[number]) => CSV_HEADER.indexOf(name);
    const conv = csv.filter((r) => r[0] === 'Objectifs' && r[col('code_indicateur')] === 'EMP_CREES').map((r) => r[col('periode')]);
    expect(conv).to.have.members(['2026, à fin 2026-T3', 'convention 2025–2027, à fin 2026-T3']);
    const xlsx = await funder.get('/exports/perimetre?periode=2026-T3&format=xlsx').buffer(true).parse(binary).expect(200);
    const sheet = (await readXlsx(xlsx.body as Buffer)).getWorksheet('Objectifs')!;
    const years: unknown[] = [];
    sheet.eachRow((row) => {
      if (row.getCell(2).value === 'EMP_CREES') years.push(row.getCell(4).value);
    });
    expect(years).to.have.members([2026, '2025–2027']);
    // A span the page's choice made wrong is said next to its field; a forged one is a 400.
    const wrong = await staff.get(`/admin/poles/${pole.slug}/objectifs?de=2027&a=2025`).expect(422);
    expect(text(wrong.text)).to.include('Choisissez une fin de convention après son début, sur 6 ans au plus.');
    await staff.get(`/admin/poles/${pole.slug}/objectifs?de=2020&a=2030`).expect(422);
    await staff.get(`/admin/poles/${pole.slug}/objectifs?de=2025`).expect(400);
    await staff.get(`/admin/poles/${pole.slug}/objectifs?de=2025&a=2027&annee=2026`).expect(400);
  });

  it('lets a manager propose next year’s targets, which staff then validate; a validated one stays as it is', async () => {
    const url = `/mon-pole/${pole.slug}/objectifs`;
    expect(text((await manager.get(url).expect(200)).text))
      .to.include('Objectifs 2027')
      .and.include('Proposez les objectifs');
    await post(manager, url, { 'o.EMP_CREES': '15' }, 303);
    expect(await rows(2027)).to.deep.equal([['EMP_CREES', 15 * S, 'proposed']]);
    expect(await ctx.db('audit_log').where({ action: 'target.propose' })).to.have.length(1);
    // Not shown as progress (not validated), flagged on the staff form.
    expect(text((await staff.get(form(2027)).expect(200)).text)).to.include('Proposé par le pôle, à valider');
    await post(staff, form(2027), { 'o.EMP_CREES': '14' }, 303);
    expect(await rows(2027)).to.deep.equal([['EMP_CREES', 14 * S, 'validated']]);
    // The manager sees it validated and cannot change it.
    const res = await post(manager, url, { 'o.EMP_CREES': '20' }, 422);
    expect(text(res.text)).to.include('validé par l’équipe nationale');
    expect(await rows(2027)).to.deep.equal([['EMP_CREES', 14 * S, 'validated']]);
  });

  it('keeps targets to staff (403), and proposals to the pole’s own managers (another pole’s is not found: 404)', async () => {
    for (const agent of [manager, funder, otherManager]) {
      await agent.get(form()).expect(403);
      const token = csrfFrom((await agent.get('/profil').expect(200)).text);
      await agent
        .post(form())
        .type('form')
        .send({ _csrf: token, digest: '0'.repeat(32), 'o.EMP_CREES': '1' })
        .expect(403);
    }
    await otherManager.get(`/mon-pole/${pole.slug}/objectifs`).expect(404);
    await funder.get(`/mon-pole/${pole.slug}/objectifs`).expect(403);
    await staff.get(`/admin/poles/${pole.slug}/objectifs?annee=1990`).expect(400);
    await staff.get(`/admin/poles/${pole.slug}/objectifs?annee=deux`).expect(400);
    const html = (await staff.get(form()).expect(200)).text;
    await staff
      .post(form())
      .type('form')
      .send({ _csrf: csrfFrom(html), digest: 'forged' })
      .expect(400);
    // A field sent twice is refused next to it (422), never read as empty (which would remove the target).
    const digest = /name="digest" value="([0-9a-f]+)"/.exec(html)![1];
    const twice = await staff
      .post(form())
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(html))}&digest=${digest}&o.EMP_CREES=12&o.EMP_CREES=&o.EMP_ETP_FIN=50&o.MATURITE_COOP=3,5`)
      .expect(422);
    expect(text(twice.text)).to.include('ce champ a été envoyé plusieurs fois');
    expect((await rows()).length).to.equal(3);
  });
  it('sets a target on a category of an indicator that has them, shown with its label and compared with that category', async () => {
    const html = (await staff.get(form()).expect(200)).text;
    // Every field as drawn (the form is all or nothing), with a target for one category of the members.
    const fields = Object.fromEntries(
      [...html.matchAll(/name="(o\.[A-Z_.a-z]+)" type="text"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    expect(fields).to.have.property('o.MEMBRES.collectivite', '');
    expect(text(html)).to.include('Membres du pôle en fin de trimestre — Collectivités territoriales');
    const bad = await post(staff, form(), { ...fields, 'o.MEMBRES.collectivite': 'trois' }, 422, html);
    expect(bad.text).to.match(/id="f-o\.MEMBRES\.collectivite"[^>]*value="trois"/);
    await post(staff, form(), { ...fields, 'o.MEMBRES.collectivite': '3' }, 303);
    const stored = await ctx.db('targets').where({ pole_id: pole.id, first_year: 2026, category: 'collectivite' });
    expect(stored.map((r) => [Number(r.value_scaled), r.status])).to.deep.equal([[3 * S, 'validated']]);
    const [cell] = await s.repos.aggregatesRead.read(s.db, {
      base: 'validated',
      level: 'pole',
      areas: [String(pole.id)],
      category: 'collectivite',
      grain: 'ytd',
      fromIndex: 2026 * 4 + 2,
      toIndex: 2026 * 4 + 2,
    });
    const panel = text(
      /<section aria-labelledby="h-objectifs"[\s\S]*?<\/section>/.exec((await funder.get(`/poles/${pole.slug}`).expect(200)).text)![0],
    );
    const actual = new Intl.NumberFormat('fr-FR').format(cell.value! / S);
    expect(panel).to.include(`Membres du pôle en fin de trimestre — Collectivités territoriales ${actual} sur 3`);
    // A chart of the indicator draws its total's target only: the category's is not its line.
    expect([...(await s.targetProgress.chartLines(pole, ['MEMBRES'], ['2026-T1', '2026-T2'])).keys()]).to.deep.equal([]);
    // The dashboards' tiles and the API compare totals only: the category's target is not summed with them.
    const api = (await funder.get('/api/v1/targets?year=2026').expect(200)).body as { data: { indicator: string }[] };
    expect(api.data.filter((d) => d.indicator === 'MEMBRES')).to.deep.equal([]);
  });
});
