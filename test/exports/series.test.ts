import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type request from 'supertest';
import { binary, readXlsx } from '../support/files.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-db.ts';
import { text } from '../support/html.ts';
import type { CurrentUser } from '../../server/http/current-user.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import { ExportsRepo } from '../../server/exports/exports.repo.ts';
import { SERIES_HEADER } from '../../server/exports/series-files.ts';
import { SeriesService } from '../../server/exports/series.service.ts';
import { officialPopulations } from '../../server/reference/population.ts';
import { PopulationsService } from '../../server/reference/populations.service.ts';

type Agent = ReturnType<typeof request.agent>;
type Row = Record<(typeof SERIES_HEADER)[number], string>;

const URL = '/exports/series?de=2026-T1&a=2026-T3&indicateurs=EMP_CREES&indicateurs=EMP_ETP_FIN';
const pop = officialPopulations();
/** value × 10 000 ÷ population, as the file writes it (four decimals, point). */
const per10k = (value: number, population: number) => String(Math.round(((value * 10_000) / population) * 10_000) / 10_000);

describe(`time-series export (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let poles: Record<'garonne' | 'lauragais' | 'rhone', PoleRow>;
  const agents = {} as Record<'staff' | 'funder76' | 'national', Agent>;

  /** The CSV standard file of `url` for `agent`, parsed into records by column name. */
  async function csvRows(agent: Agent, url: string): Promise<Row[]> {
    const res = await agent.get(`${url}&format=csv`).expect(200);
    expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
    return parse(res.text, { columns: true }) as Row[];
  }

  before(async () => {
    // Two regions, three poles. Occitanie's 2026-T3 has one of its two reports validated (Lauragais's is only
    // submitted): provisional there and for the nation (2 of 3), consolidated in Auvergne-Rhône-Alpes.
    ctx = await createTestApp();
    const s = ctx.s;
    const staff = await makeUser(s, 'staff');
    poles = {
      garonne: await makePole(s, { name: 'Pôle Garonne', region: '76', firstReport: { year: 2026, quarter: 1 } }),
      lauragais: await makePole(s, { name: 'Pôle Lauragais', region: '76', firstReport: { year: 2026, quarter: 1 } }),
      rhone: await makePole(s, { name: 'Pôle Rhône', region: '84', firstReport: { year: 2026, quarter: 1 } }),
    };
    const entries: [keyof typeof poles, number, string, string, boolean][] = [
      ['garonne', 1, '2', '20', true],
      ['garonne', 2, '3', '21', true],
      ['garonne', 3, '4', '25', true],
      ['lauragais', 1, '1', '6', true],
      ['lauragais', 2, '1', '6', true],
      ['lauragais', 3, '5', '7', false],
      ['rhone', 1, '10', '100', true],
      ['rhone', 2, '10', '100', true],
      ['rhone', 3, '10', '100', true],
    ];
    for (const [key, quarter, emp, etp, validate] of entries) {
      const period = { year: 2026, quarter };
      const body = { ...(await completeBody(s, period, { 'v.EMP_CREES': emp, 'v.EMP_ETP_FIN': etp })), version: '0' };
      const saved = await s.reporting.save(poles[key], period, body, true, { userId: staff.id });
      expect(saved.kind, JSON.stringify(saved)).to.equal('saved');
      if (!validate) continue;
      const report = (await s.repos.reporting.report(s.db, poles[key].id, period))!;
      expect(await s.review.decide(report, 'validate', report.version, '', { userId: staff.id })).to.equal('done');
    }
    // Garonne's 2026 targets: 10 jobs created (a flow), 50 ETP at the end of the year (a stock).
    const { digest } = await s.targets.form(poles.garonne, 2026);
    await s.targets.saveYear(poles.garonne, 2026, { 'o.EMP_CREES': '10', 'o.EMP_ETP_FIN': '50' }, digest, { userId: staff.id });
    await s.refresh.rebuild();
    agents.staff = await signIn(ctx.app, staff.email);
    agents.funder76 = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['76'] })).email);
    agents.national = await signIn(ctx.app, (await makeUser(s, 'funder')).email);
  });
  after(() => ctx.close());

  it('staff: the nation, each region and each pole, quarter by quarter, exactly', async () => {
    const rows = await csvRows(agents.staff, URL);
    expect(Object.keys(rows[0])).to.deep.equal([...SERIES_HEADER]);
    // 6 areas × 2 indicators × 3 quarters.
    expect(rows).to.have.length(36);
    const fr = pop.france();
    const r84 = pop.region('84')!;
    const r76 = pop.region('76')!;
    const d31 = pop.departement('31')!;
    const d69 = pop.departement('69')!;
    const pick = (r: Row) => [
      r.niveau,
      r.code_zone,
      r.periode,
      r.valeur,
      r.statut_periode,
      r.poles_declares,
      r.poles_attendus,
      r.completude_pct,
      r.population,
      r.pour_10000_habitants,
      r.objectif,
      r.part_objectif_pct,
    ];
    const jobs = rows.filter((r) => r.code_indicateur === 'EMP_CREES').map(pick);
    const { garonne: g, lauragais: l, rhone: rh } = poles;
    expect(jobs).to.deep.equal([
      ['nation', 'FR', '2026-T1', '13.0', 'consolide', '3', '3', '100.0', String(fr), per10k(13, fr), '', ''],
      ['nation', 'FR', '2026-T2', '14.0', 'consolide', '3', '3', '100.0', String(fr), per10k(14, fr), '', ''],
      ['nation', 'FR', '2026-T3', '14.0', 'provisoire', '2', '3', '66.7', String(fr), per10k(14, fr), '', ''],
      // Regions in French order: Auvergne-Rhône-Alpes, then Occitanie.
      ['region', '84', '2026-T1', '10.0', 'consolide', '1', '1', '100.0', String(r84), per10k(10, r84), '', ''],
      ['region', '84', '2026-T2', '10.0', 'consolide', '1', '1', '100.0', String(r84), per10k(10, r84), '', ''],
      ['region', '84', '2026-T3', '10.0', 'consolide', '1', '1', '100.0', String(r84), per10k(10, r84), '', ''],
      ['region', '76', '2026-T1', '3.0', 'consolide', '2', '2', '100.0', String(r76), per10k(3, r76), '', ''],
      ['region', '76', '2026-T2', '4.0', 'consolide', '2', '2', '100.0', String(r76), per10k(4, r76), '', ''],
      ['region', '76', '2026-T3', '4.0', 'provisoire', '1', '2', '50.0', String(r76), per10k(4, r76), '', ''],
      // Poles by region, then name; their population is their territory's (here one département each).
      ['pole', rh.slug, '2026-T1', '10.0', 'consolide', '1', '1', '100.0', String(d69), per10k(10, d69), '', ''],
      ['pole', rh.slug, '2026-T2', '10.0', 'consolide', '1', '1', '100.0', String(d69), per10k(10, d69), '', ''],
      ['pole', rh.slug, '2026-T3', '10.0', 'consolide', '1', '1', '100.0', String(d69), per10k(10, d69), '', ''],
      // Garonne's target of 10 against its year to date: 2, then 5, then 9.
      ['pole', g.slug, '2026-T1', '2.0', 'consolide', '1', '1', '100.0', String(d31), per10k(2, d31), '10.0', '20.0'],
      ['pole', g.slug, '2026-T2', '3.0', 'consolide', '1', '1', '100.0', String(d31), per10k(3, d31), '10.0', '50.0'],
      ['pole', g.slug, '2026-T3', '4.0', 'consolide', '1', '1', '100.0', String(d31), per10k(4, d31), '10.0', '90.0'],
      ['pole', l.slug, '2026-T1', '1.0', 'consolide', '1', '1', '100.0', String(d31), per10k(1, d31), '', ''],
      ['pole', l.slug, '2026-T2', '1.0', 'consolide', '1', '1', '100.0', String(d31), per10k(1, d31), '', ''],
      // Submitted, not validated: nothing in the validated base, and the quarter waits for it.
      ['pole', l.slug, '2026-T3', '', 'provisoire', '0', '1', '0.0', String(d31), '', '', ''],
    ]);
    const first = rows[0];
    expect([first.code_indicateur, first.indicateur, first.unite, first.zone]).to.deep.equal([
      'EMP_CREES',
      'Emplois non délocalisables créés',
      'ETP',
      'France',
    ]);
    // A stock's target is compared with its level: Garonne's 25 ETP at 2026-T3 against 50.
    const stock = rows.find((r) => r.code_indicateur === 'EMP_ETP_FIN' && r.code_zone === g.slug && r.periode === '2026-T3')!;
    expect([stock.valeur, stock.objectif, stock.part_objectif_pct]).to.deep.equal(['25.0', '50.0', '50.0']);
  });

  it('a regional funder gets its regions and their poles, never the nation nor another region', async () => {
    const rows = await csvRows(agents.funder76, URL);
    expect(rows).to.have.length(3 * 2 * 3);
    expect([...new Set(rows.map((r) => `${r.niveau}:${r.code_zone}`))]).to.deep.equal([
      'region:76',
      `pole:${poles.garonne.slug}`,
      `pole:${poles.lauragais.slug}`,
    ]);
    // A national funder sees what staff see.
    expect(await csvRows(agents.national, URL)).to.have.length(36);
  });

  it('ratios and scores have no per-inhabitant figure; every indicator when none is chosen', async () => {
    const rows = await csvRows(agents.staff, '/exports/series?de=2026-T2&a=2026-T2');
    const indicators = await ctx.s.repos.indicators.list(ctx.db, { activeOnly: true });
    expect(rows).to.have.length(indicators.length * 6);
    const ratio = rows.find((r) => r.code_indicateur === 'PCT_MEMBRES_ESS' && r.niveau === 'nation')!;
    expect(ratio.valeur).to.not.equal('');
    expect(ratio.pour_10000_habitants).to.equal('');
  });

  it('CSV Excel (France): BOM, semicolons, decimal commas, the same cells', async () => {
    const res = await agents.staff.get(`${URL}&format=csv-excel`).expect(200);
    expect(res.headers['content-disposition']).to.equal('attachment; filename="ptce-series-2026-T1-2026-T3-excel.csv"');
    expect(res.text.startsWith('\ufeff')).to.equal(true);
    const excel = parse(res.text, { bom: true, delimiter: ';', columns: true }) as Row[];
    const standard = await csvRows(agents.staff, URL);
    expect(excel).to.have.length(standard.length);
    expect(excel[2].valeur).to.equal('14,0');
    expect(excel[2].completude_pct).to.equal('66,7');
    excel.forEach((r, i) => expect(r.pour_10000_habitants.replace(',', '.')).to.equal(standard[i].pour_10000_habitants));
  });

  it('XLSX: one sheet « Séries », a note row, a frozen header, numbers as numbers with the decimals', async () => {
    const res = await agents.funder76.get(`${URL}&format=xlsx`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-disposition']).to.equal('attachment; filename="ptce-series-2026-T1-2026-T3.xlsx"');
    const wb = await readXlsx(res.body as Buffer);
    expect(wb.worksheets.map((w) => w.name)).to.deep.equal(['Séries']);
    const ws = wb.getWorksheet('Séries')!;
    const note = String(ws.getCell('A1').value);
    expect(note).to.include('Périmètre : Occitanie').and.include('2026-T1 à 2026-T3').and.include('données validées');
    expect(note)
      .to.include(pop.vintage)
      .and.match(/Généré le 2026-11-26T\d\d:00:00\+01:00\.$/);
    expect(ws.views[0]).to.include({ state: 'frozen', ySplit: 2 });
    expect((ws.getRow(2).values as unknown[]).slice(1)).to.deep.equal([...SERIES_HEADER]);
    expect(ws.rowCount).to.equal(2 + 18);
    // Row 3: Occitanie, jobs created, 2026-T1.
    const row = ws.getRow(3);
    expect([row.getCell(1).value, row.getCell(5).value, row.getCell(7).value]).to.deep.equal(['EMP_CREES', '76', '2026-T1']);
    expect(row.getCell(8).value).to.equal(3);
    expect(row.getCell(8).numFmt).to.equal('#,##0.0');
    expect(row.getCell(13).value).to.equal(pop.region('76'));
    expect(typeof row.getCell(14).value).to.equal('number');
    const garonne = ws.getRow(3 + 6 + 2);
    expect([garonne.getCell(5).value, garonne.getCell(15).value, garonne.getCell(16).value]).to.deep.equal([poles.garonne.slug, 10, 90]);
  });

  it('slices of poles give the very same rows as one read', async () => {
    const s = ctx.s;
    const sliced = new SeriesService({
      db: s.db,
      repos: { ...s.repos, exports: new ExportsRepo() },
      closure: s.closure,
      populations: new PopulationsService({ populations: pop, repos: s.repos }),
      poleSlice: 1,
    });
    const user: CurrentUser = { id: 0, email: '', displayName: '', role: 'staff', poleIds: [], regionCodes: [] };
    const query = { from: { year: 2026, quarter: 1 }, to: { year: 2026, quarter: 3 }, format: 'csv' as const };
    const collect = async (svc: SeriesService) => {
      const plan = await svc.plan(user, query);
      if (!plan.ok) throw new Error('plan refused');
      const out: unknown[] = [];
      for await (const r of svc.rows(plan.data))
        out.push([r.area.code, r.indicator.row.code, r.quarter, r.value, r.provisional, r.targetPct]);
      return out;
    };
    expect(await collect(sliced)).to.deep.equal(await collect(s.series));
  });

  it('the exports page offers the form; a bad field is said next to it (422), never a 500', async () => {
    const page = await agents.funder76.get('/exports').expect(200);
    expect(page.text).to.include('action="/exports/series"').and.include('value="EMP_CREES"');
    const cases: [string, string, string][] = [
      ['de=2026-X1&a=2026-T3&format=csv', 'f-serie-de-error', 'Trimestre non reconnu'],
      ['de=2026-T3&a=2026-T1&format=csv', 'f-serie-a-error', 'doit suivre'],
      ['de=2026-T1&a=2026-T4&format=csv', 'f-serie-a-error', 'pas encore clos'],
      ['de=2016-T3&a=2026-T3&format=csv', 'f-serie-de-error', '40 trimestres au plus'],
      ['de=2026-T1&a=2026-T3&format=pdf', 'f-serie-format-error', 'Choisissez un format'],
      ['de=2026-T1&a=2026-T3&format=csv&indicateurs=INCONNU', 'f-serie-indicateurs-error', 'Indicateur inconnu : INCONNU'],
      ['de=2026-T1&de=2026-T2&a=2026-T3&format=csv', 'f-serie-de-error', 'Une seule valeur'],
      ['format=csv&format=xlsx&de=2026-T1&a=2026-T3', 'f-serie-format-error', 'Choisissez un format'],
      ['', 'f-serie-de-error', 'Indiquez le trimestre de début'],
    ];
    for (const [query, id, message] of cases) {
      const res = await agents.staff.get(`/exports/series?${query}`);
      expect(res.status, query).to.equal(422);
      const error = new RegExp(`id="${id}">([^<]*)<`).exec(res.text);
      expect(error?.[1], query).to.include(message);
      // The error summary links to the field; what was typed stays in the form.
      expect(res.text, query).to.include(`href="#${id.replace(/-error$/, '')}"`);
    }
    const kept = await agents.staff.get('/exports/series?de=2026-X1&a=2026-T3&format=csv&indicateurs=EMP_CREES');
    expect(kept.text)
      .to.include('value="2026-X1"')
      .and.match(/value="EMP_CREES" checked/);
    expect(text(kept.text)).to.include('Séries trimestrielles');
  });
});
