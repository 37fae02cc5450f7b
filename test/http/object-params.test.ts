// The object a route's guard checks is the object its handler uses. An all-digit slug was once read as
// a pole id by the scope check while the handler loaded the pole by slug: manager A (pole id 1) wrote
// into the pole whose slug was « 1 ». Here two poles of different regions carry each other's id as slug.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfFrom, type TestContext } from '../support/test-app.ts';
import { buildCast, type Cast } from '../support/personas.ts';
import { onPostgres } from '../support/test-db.ts';
import { completeBody } from '../support/reporting.ts';
import { field } from '../../server/reporting/entry-rules.ts';
import { slugify } from '../../server/lib/slug.ts';

type Agent = ReturnType<typeof request.agent>;

/** Every row that belongs to one pole, to prove a request left it alone. */
async function rowsOf(ctx: TestContext, poleId: number): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const t of [
    'quarter_reports',
    'quarter_values',
    'value_revisions',
    'pole_members',
    'pole_territories',
    'import_batches',
    'notices',
  ]) {
    out[t] = await ctx.db(t).where({ pole_id: poleId }).orderByRaw('1');
  }
  out.poles = await ctx.db('poles').where({ id: poleId });
  return JSON.stringify(out);
}

describe(`a route's guard and handler read the same pole (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let cast: Cast;
  /** Pole A (Occitanie) now has pole C's id as slug, and pole C (Auvergne-Rhône-Alpes) pole A's id. */
  let slugOfA: string;
  let slugOfC: string;
  let names: { a: string; c: string };

  before(async () => {
    ctx = await createTestApp();
    cast = await buildCast(ctx);
    slugOfA = String(cast.poles.c.id);
    slugOfC = String(cast.poles.a.id);
    expect(slugOfA).to.not.equal(slugOfC);
    // As an installation from before the rule would hold them: written straight into the table.
    await ctx.db('poles').where({ id: cast.poles.a.id }).update({ slug: slugOfA });
    await ctx.db('poles').where({ id: cast.poles.c.id }).update({ slug: slugOfC });
    const [a, c] = await Promise.all([
      ctx.s.repos.poles.findById(ctx.db, cast.poles.a.id),
      ctx.s.repos.poles.findById(ctx.db, cast.poles.c.id),
    ]);
    names = { a: a!.name, c: c!.name };
    expect(a!.slug).to.equal(slugOfA);
    expect(c!.slug).to.equal(slugOfC);
  });
  after(() => ctx.close());

  const token = async (agent: Agent, url: string) => csrfFrom((await agent.get(url).expect(200)).text);

  it('a manager whose pole id is another pole’s slug cannot read nor write that pole', async () => {
    const before = await rowsOf(ctx, cast.poles.c.id);
    const agent = cast.agents.managerA;
    const csrf = await token(agent, '/profil');
    const base = `/mon-pole/${slugOfC}`;
    for (const url of [
      base,
      `${base}/trimestres/2026-T3`,
      `${base}/trimestres/2026-T3/historique?indicateur=EMP_CREES`,
      `${base}/trimestres/2026-T3/import`,
      `${base}/trimestres/2026-T3/modele/csv`,
    ]) {
      expect((await agent.get(url)).status, url).to.equal(404);
    }
    const body = await completeBody(ctx.s, { year: 2026, quarter: 3 }, { _csrf: csrf, action: 'brouillon', version: '0' });
    expect((await agent.post(`${base}/trimestres/2026-T3`).type('form').send(body)).status).to.equal(404);
    const upload = await agent
      .post(`${base}/trimestres/2026-T3/import?_csrf=${encodeURIComponent(csrf)}`)
      .attach('fichier', Buffer.from('code;categorie;valeur\nEMP_CREES;;3\n'), 'import.csv');
    expect(upload.status).to.equal(404);
    expect(await rowsOf(ctx, cast.poles.c.id), 'pole C untouched').to.equal(before);
    // The Occitanie funder cannot read the Auvergne-Rhône-Alpes pole whose slug is an Occitanie pole's id.
    expect((await cast.agents.funderRegion.get(`/poles/${slugOfC}`)).status).to.equal(404);
  });

  it('a pole whose slug is a number stays its own manager’s, and a draft saved there lands in it', async () => {
    const agent = cast.agents.managerA;
    const page = await agent.get(`/mon-pole/${slugOfA}`).expect(200);
    expect(page.text).to.contain(names.a).and.not.contain(names.c);
    const form = await agent.get(`/mon-pole/${slugOfA}/trimestres/2026-T3`).expect(200);
    const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(form.text)?.[1] ?? '';
    const otherBefore = await rowsOf(ctx, cast.poles.c.id);
    await agent
      .post(`/mon-pole/${slugOfA}/trimestres/2026-T3`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        version: hidden('version'),
        form_token: hidden('form_token'),
        [field.value('EMP_CREES')]: '2',
        action: 'brouillon',
      })
      .expect(303);
    const stored = await ctx.db('quarter_values').where({ pole_id: cast.poles.a.id, year: 2026, quarter: 3 });
    expect(stored).to.have.length(1);
    expect(await rowsOf(ctx, cast.poles.c.id), 'pole C untouched').to.equal(otherBefore);
    expect((await cast.agents.funderRegion.get(`/poles/${slugOfA}`).expect(200)).text).to.contain(names.a);
  });

  it('walks every route that names a pole: the page shows the pole the URL names, and a POST writes nowhere else', async () => {
    const withSlug = ctx.app.declaredRoutes.filter((r) => r.path.includes(':slug'));
    expect(withSlug.length).to.be.greaterThan(20);
    // The pole named is C (slug = A's id); A must come out of every request unchanged.
    const memberC = cast.memberC;
    const fill = (p: string) =>
      p
        .replace(':slug', slugOfC)
        .replace(':period', '2026-T3')
        .replace(':format', 'csv')
        .replace(':memberId', String(memberC))
        .replace(':batchId', '999999')
        .replace(':setId', '999999');
    const failures: string[] = [];
    for (const r of withSlug) {
      const access = r.access;
      const agent =
        access.kind === 'signedIn' && access.roles.includes('manager') && !access.roles.includes('staff')
          ? cast.agents.managerC
          : cast.agents.staff;
      const url = fill(r.path) + (r.path.endsWith('/historique') ? '?indicateur=EMP_CREES' : '');
      const before = await rowsOf(ctx, cast.poles.a.id);
      if (r.method === 'get') {
        const res = await agent.get(url);
        if (res.status !== 200) failures.push(`GET ${url}: ${res.status}`);
        else if (res.type === 'text/html' && (!res.text.includes(names.c) || res.text.includes(names.a)))
          failures.push(`GET ${url}: the page is not pole C’s`);
      } else {
        const csrf = await token(agent, '/profil');
        const res = await agent
          .post(url.includes('/import') ? `${url}?_csrf=${encodeURIComponent(csrf)}` : url)
          .type('form')
          .send({ _csrf: csrf });
        // The batch (or group set) 999999 does not exist: 404 is the right answer there, anything else must not be one.
        const expected404 = r.path.includes(':batchId') || r.path.includes(':setId');
        if (res.status >= 500 || (res.status === 404) !== expected404) failures.push(`POST ${url}: ${res.status}`);
      }
      if ((await rowsOf(ctx, cast.poles.a.id)) !== before) failures.push(`${r.method.toUpperCase()} ${url}: pole A changed`);
    }
    expect(failures).to.deep.equal([]);
  });

  it('no handler looks a pole or region up by itself: it takes the one its guard resolved', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.handlers.ts')) {
          const src = fs.readFileSync(p, 'utf8');
          if (/findBySlug|findInScope|param\(req, '(slug|code)'\)/.test(src)) offenders.push(p);
        }
      }
    };
    walk('server');
    expect(offenders).to.deep.equal([]);
  });

  it('refuses an all-digit slug next to the field, and the one an old pole still carries at its next edit', async () => {
    const staff = cast.agents.staff;
    const form = await staff.get('/admin/poles/nouveau').expect(200);
    const res = await staff
      .post('/admin/poles/nouveau')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        name: 'Pôle 2030',
        slug: '2030',
        region_code: '76',
        departement_code: '31',
        territory_departements: '31',
        creation_year: '2015',
        first_report: '2024-T1',
        legal_form: 'Association',
        founding_wave: 'aap_2015',
      });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('ne peut pas être fait que de chiffres').and.contain('value="2030"');
    expect(await ctx.db('poles').where({ name: 'Pôle 2030' })).to.have.length(0);
    // The pole C form shows its old slug: saved unchanged, it is refused with the same message.
    const edit = await staff.get(`/admin/poles/${slugOfC}/modifier`).expect(200);
    const c = (await ctx.s.repos.poles.findById(ctx.db, cast.poles.c.id))!;
    const values = {
      name: c.name,
      slug: c.slug,
      region_code: c.region_code,
      departement_code: c.departement_code,
      territory_departements: c.departement_code,
      creation_year: String(c.creation_year),
      first_report: '2024-T1',
      legal_form: c.legal_form,
      founding_wave: c.founding_wave,
      version: String(c.version),
      territory_epci: '',
      description: '',
      contact_email: '',
      website: '',
    };
    const again = await staff
      .post(`/admin/poles/${slugOfC}/modifier`)
      .type('form')
      .send({ ...values, _csrf: csrfFrom(edit.text) });
    expect(again.status).to.equal(422);
    expect(again.text).to.contain('ne peut pas être fait que de chiffres');
    // With a slug of letters, the same form saves.
    const renamed = await staff
      .post(`/admin/poles/${slugOfC}/modifier`)
      .type('form')
      .send({ ...values, slug: 'pole-c-renomme', _csrf: csrfFrom(edit.text) });
    expect(renamed.status).to.equal(303);
    expect((await ctx.s.repos.poles.findById(ctx.db, cast.poles.c.id))!.slug).to.equal('pole-c-renomme');
    // A name made of digits gives a slug that is not.
    expect(slugify('2030')).to.equal('pole-2030');
  });

  it('names the poles with an all-digit slug at start', async () => {
    expect(await ctx.s.repos.poles.allDigitSlugs(ctx.db)).to.have.members([slugOfA]);
  });
});
