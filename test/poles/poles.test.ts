import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makeMember, makePole, makeUser } from '../support/factories.ts';

const VALID = {
  name: 'Pôle Coopération Garonne',
  slug: '',
  region_code: '76',
  departement_code: '31',
  territory_epci: '243100518', // Toulouse Métropole
  creation_year: '2016',
  first_report: '2024-T1',
  founding_wave: 'aap_2015',
  legal_form: 'SCIC SAS',
  description: 'Coopération autour du réemploi.',
  contact_email: 'contact@garonne.fr',
  website: 'https://garonne.fr',
};

async function counts(ctx: TestContext) {
  const n = async (t: string) => Number((await ctx.db(t).count({ n: '*' }).first())!.n);
  return {
    poles: await n('poles'),
    territories: await n('pole_territories'),
    members: await n('pole_members'),
    audit: await n('audit_log'),
  };
}

describe('poles and their members (staff)', () => {
  let ctx: TestContext;
  let staff: ReturnType<typeof request.agent>;
  let token: string;

  before(async () => {
    ctx = await createTestApp();
    const u = await makeUser(ctx.s, 'staff');
    staff = await signIn(ctx.app, u.email);
    token = csrfFrom((await staff.get('/admin/poles/nouveau').expect(200)).text);
  });
  after(() => ctx.close());

  it('creates a pole on real EPCI, audited, and shows its page', async () => {
    const before = await counts(ctx);
    const res = await staff
      .post('/admin/poles/nouveau')
      .type('form')
      .send({ _csrf: token, ...VALID })
      .expect(303);
    expect(res.headers.location).to.equal('/poles/pole-cooperation-garonne');
    const page = await staff.get(res.headers.location).expect(200);
    expect(page.text).to.contain('Pôle Coopération Garonne').and.contain('Toulouse Métropole').and.contain('Le pôle a été créé.');
    expect(page.text).to.match(/Population des EPCI : [\d\s\u202f]+ hab\./);
    const after = await counts(ctx);
    expect(after).to.deep.equal({ ...before, poles: before.poles + 1, territories: before.territories + 1, audit: before.audit + 1 });
    const audit = await ctx.db('audit_log').orderBy('id', 'desc').first();
    expect(audit).to.include({ action: 'pole.create', entity: 'pole' });
    expect(JSON.parse(audit.after_json)).to.include({ name: VALID.name, region_code: '76' });
  });

  const bad: [string, Record<string, string>, string, string][] = [
    ['empty name', { name: '' }, 'name', 'Saisissez le nom du pôle.'],
    [
      'département outside the region',
      { departement_code: '69' },
      'departement_code',
      'Ce département n’appartient pas à la région choisie.',
    ],
    ['unknown region', { region_code: '99' }, 'region_code', 'Choisissez une région de la liste.'],
    ['unknown EPCI', { territory_epci: '243100518, 999999999' }, 'territory_epci', 'Code EPCI inconnu : 999999999'],
    ['year in the future', { creation_year: '2031' }, 'creation_year', 'L’année doit être comprise entre 1980 et 2026.'],
    ['year not a number', { creation_year: 'deux mille' }, 'creation_year', 'Saisissez une année sur quatre chiffres.'],
    ['bad quarter', { first_report: '2024-5' }, 'first_report', 'Saisissez un trimestre sous la forme 2024-T1.'],
    ['bad email', { contact_email: 'pas-une-adresse' }, 'contact_email', 'Saisissez une adresse électronique valide'],
    ['website without scheme', { website: 'garonne.fr' }, 'website', 'commençant par https://'],
    ['javascript website', { website: 'javascript:alert(1)' }, 'website', 'commençant par https://'],
    ['bad slug', { slug: 'Pas Bon!' }, 'slug', 'Lettres minuscules, chiffres et tirets'],
    ['slug taken', { name: 'Autre nom', slug: 'pole-cooperation-garonne' }, 'slug', 'déjà pris'],
    ['unknown wave', { founding_wave: 'aap_1999' }, 'founding_wave', 'Choisissez la vague de labellisation.'],
    ['name too long', { name: 'x'.repeat(201) }, 'name', 'trop long'],
  ];
  for (const [label, change, field, message] of bad) {
    it(`refuses ${label} with 422, a French message next to the field, the typed values kept, nothing stored`, async () => {
      const before = await counts(ctx);
      const form = { ...VALID, name: `Pôle refusé ${label}`, ...change };
      const res = await staff
        .post('/admin/poles/nouveau')
        .type('form')
        .send({ _csrf: token, ...form })
        .expect(422);
      const errorBlock = new RegExp(`id="f-${field}-error">([^<]*)<`).exec(res.text);
      expect(errorBlock, `error next to ${field}`).to.not.equal(null);
      expect(errorBlock![1].replace(/&#x27;|&#39;/g, '’')).to.contain(message.replace(/'/g, '’'));
      expect(res.text).to.contain(`aria-invalid="true"`);
      if (field !== 'name') expect(res.text).to.contain(`value="${form.name}"`);
      expect(res.text).to.contain(`value="${form.contact_email}"`);
      expect(await counts(ctx)).to.deep.equal(before);
    });
  }

  it('edits a pole, detects a stale form (409, nothing stored) and writes no audit row for a save without change', async () => {
    const pole = (await ctx.s.repos.poles.findBySlug(ctx.db, 'pole-cooperation-garonne'))!;
    const edit = await staff.get(`/admin/poles/${pole.slug}/modifier`).expect(200);
    expect(edit.text).to.contain('>243100518</textarea>').and.contain('value="2024-T1"');
    const t = csrfFrom(edit.text);
    const form = { ...VALID, version: String(pole.version) };

    let before = await counts(ctx);
    await staff
      .post(`/admin/poles/${pole.slug}/modifier`)
      .type('form')
      .send({ _csrf: t, ...form })
      .expect(303);
    expect((await counts(ctx)).audit, 'no change, no audit row').to.equal(before.audit);

    const v2 = (await ctx.s.repos.poles.findBySlug(ctx.db, pole.slug))!.version;
    expect(v2, 'no change, no new version').to.equal(pole.version);
    await staff
      .post(`/admin/poles/${pole.slug}/modifier`)
      .type('form')
      .send({ _csrf: t, ...form, version: String(v2), description: 'Nouvelle présentation' })
      .expect(303);
    expect((await counts(ctx)).audit).to.equal(before.audit + 1);

    before = await counts(ctx);
    const stale = await staff
      .post(`/admin/poles/${pole.slug}/modifier`)
      .type('form')
      .send({ _csrf: t, ...form, version: String(v2), description: 'Écrasement' })
      .expect(409);
    expect(stale.text).to.contain('modifié par quelqu’un d’autre').and.contain('Écrasement');
    expect((await ctx.s.repos.poles.findBySlug(ctx.db, pole.slug))!.description).to.equal('Nouvelle présentation');
    expect(await counts(ctx)).to.deep.equal(before);
  });

  it('archives with a date and un-archives, each audited; a bad date is refused', async () => {
    const pole = await makePole(ctx.s, { name: 'Pôle à archiver' });
    const page = await staff.get(`/poles/${pole.slug}`).expect(200);
    const t = csrfFrom(page.text);
    const before = await counts(ctx);
    const bad = await staff
      .post(`/admin/poles/${pole.slug}/archiver`)
      .type('form')
      .send({ _csrf: t, version: String(pole.version), archived_on: '2026-02-30' })
      .expect(422);
    expect(bad.text).to.contain('Cette date n’existe pas.');
    expect(await counts(ctx)).to.deep.equal(before);
    await staff
      .post(`/admin/poles/${pole.slug}/archiver`)
      .type('form')
      .send({ _csrf: t, version: String(pole.version), archived_on: '2026-06-30' })
      .expect(303);
    const archived = (await ctx.s.repos.poles.findBySlug(ctx.db, pole.slug))!;
    expect(archived.archived_on).to.equal('2026-06-30');
    expect((await staff.get('/admin/poles').expect(200)).text).to.not.contain('Pôle à archiver');
    expect((await staff.get('/admin/poles?etat=archives').expect(200)).text).to.contain('Pôle à archiver');
    await staff
      .post(`/admin/poles/${pole.slug}/desarchiver`)
      .type('form')
      .send({ _csrf: t, version: String(archived.version) })
      .expect(303);
    expect((await ctx.s.repos.poles.findBySlug(ctx.db, pole.slug))!.archived_on).to.equal(null);
    expect((await counts(ctx)).audit).to.equal(before.audit + 2);
  });

  it('searches and filters the list by name and region', async () => {
    await makePole(ctx.s, { name: 'Pôle Lyonnais du Réemploi', region: '84', departement: '69' });
    const byName = await staff.get('/admin/poles?q=lyonnais').expect(200);
    expect(byName.text).to.contain('Pôle Lyonnais du Réemploi').and.not.contain('Pôle Coopération Garonne');
    const byRegion = await staff.get('/admin/poles?region=76').expect(200);
    expect(byRegion.text).to.contain('Pôle Coopération Garonne').and.not.contain('Pôle Lyonnais');
    await staff.get('/admin/poles?etat=nimporte').expect(400);
  });

  it('keeps a member register with SIREN checks, and shows the décret 2015-431 rule', async () => {
    const pole = await makePole(ctx.s, { name: 'Pôle Composition' });
    const page = await staff.get(`/admin/poles/${pole.slug}/membres/nouveau`).expect(200);
    const t = csrfFrom(page.text);
    const add = (m: Record<string, string>) =>
      staff
        .post(`/admin/poles/${pole.slug}/membres/nouveau`)
        .type('form')
        .send({ _csrf: t, joined_on: '2024-01-15', left_on: '', siren: '', ...m });

    const before = await counts(ctx);
    const badSiren = await add({ name: 'Ressourcerie', category: 'ess', siren: '732 829 321' }).expect(422);
    expect(badSiren.text).to.contain('clé de contrôle incorrecte').and.contain('value="Ressourcerie"');
    const badDates = await add({ name: 'Ressourcerie', category: 'ess', left_on: '2023-01-01' }).expect(422);
    expect(badDates.text).to.contain('La date de sortie doit suivre la date d’adhésion.');
    const badCategory = await add({ name: 'Ressourcerie', category: 'banque' }).expect(422);
    expect(badCategory.text).to.contain('Choisissez la catégorie de l’article 9.');
    expect(await counts(ctx)).to.deep.equal(before);

    await add({ name: 'Ressourcerie du Val', category: 'ess', siren: '732 829 320' }).expect(303);
    await add({ name: 'Menuiserie Martin', category: 'non_ess' }).expect(303);
    let show = await staff.get(`/poles/${pole.slug}`).expect(200);
    expect(show.text).to.contain('Composition non conforme').and.contain('un autre acteur');
    await add({ name: 'Communauté de communes', category: 'collectivite' }).expect(303);
    show = await staff.get(`/poles/${pole.slug}`).expect(200);
    expect(show.text).to.contain('Composition conforme au décret 2015-431').and.contain('732829320');
    expect((await counts(ctx)).audit).to.equal(before.audit + 3);

    // A member who leaves keeps its row, with a date; the rule is computed on current members.
    const member = await ctx.db('pole_members').where({ pole_id: pole.id, category: 'collectivite' }).first();
    const edit = await staff.get(`/admin/poles/${pole.slug}/membres/${member.id}/modifier`).expect(200);
    await staff
      .post(`/admin/poles/${pole.slug}/membres/${member.id}/modifier`)
      .type('form')
      .send({
        _csrf: csrfFrom(edit.text),
        name: member.name,
        siren: '',
        category: 'collectivite',
        joined_on: member.joined_on,
        left_on: '2026-10-01',
        version: String(member.version),
      })
      .expect(303);
    show = await staff.get(`/poles/${pole.slug}`).expect(200);
    expect(show.text).to.contain('ancien membre').and.contain('Composition non conforme');
    // The same stale form again: refused.
    await staff
      .post(`/admin/poles/${pole.slug}/membres/${member.id}/modifier`)
      .type('form')
      .send({
        _csrf: csrfFrom(edit.text),
        name: 'Autre',
        siren: '',
        category: 'collectivite',
        joined_on: member.joined_on,
        left_on: '',
        version: String(member.version),
      })
      .expect(409);
    // A save that changes nothing makes no new version and no audit row: a colleague's open form still saves.
    const current = await ctx.db('pole_members').where({ id: member.id }).first();
    const mine = await staff.get(`/admin/poles/${pole.slug}/membres/${member.id}/modifier`).expect(200);
    const same = {
      name: current.name,
      siren: current.siren ?? '',
      category: current.category,
      joined_on: current.joined_on,
      left_on: current.left_on ?? '',
      version: String(current.version),
    };
    const auditBefore = (await counts(ctx)).audit;
    await staff
      .post(`/admin/poles/${pole.slug}/membres/${member.id}/modifier`)
      .type('form')
      .send({ _csrf: csrfFrom(mine.text), ...same })
      .expect(303);
    expect((await ctx.db('pole_members').where({ id: member.id }).first()).version).to.equal(current.version);
    expect((await counts(ctx)).audit).to.equal(auditBefore);
    await staff
      .post(`/admin/poles/${pole.slug}/membres/${member.id}/modifier`)
      .type('form')
      .send({ _csrf: csrfFrom(mine.text), ...same, name: 'Mairie renommée' })
      .expect(303);
    await staff.get(`/admin/poles/${pole.slug}/membres/999999/modifier`).expect(404);
    await staff.get(`/admin/poles/${pole.slug}/membres/abc/modifier`).expect(404);
  });
});

describe('landing pages by role', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp();
  });
  after(() => ctx.close());

  it('sends a manager to « Mon pôle », with a switcher when it manages several', async () => {
    const p1 = await makePole(ctx.s, { name: 'Premier pôle' });
    const p2 = await makePole(ctx.s, { name: 'Second pôle' });
    await makeMember(ctx.s, p1.slug, 'ess', 'Épicerie solidaire');
    const one = await makeUser(ctx.s, 'manager', { poleIds: [p1.id] });
    const two = await makeUser(ctx.s, 'manager', { poleIds: [p1.id, p2.id] });
    const a = await signIn(ctx.app, one.email);
    await a.get('/').expect(303).expect('location', '/mon-pole');
    const mine = await a.get('/mon-pole').expect(200);
    expect(mine.text).to.contain('Premier pôle').and.contain('Épicerie solidaire').and.not.contain('Changer de pôle');
    const b = await signIn(ctx.app, two.email);
    const switcher = await b.get(`/mon-pole/${p2.slug}`).expect(200);
    expect(switcher.text).to.contain('Changer de pôle').and.contain(`href="/mon-pole/${p1.slug}"`).and.contain('Second pôle');
    await a.get(`/mon-pole/${p2.slug}`).expect(404);
  });

  it('sends a funder to the poles of its scope grouped by region', async () => {
    await makePole(ctx.s, { name: 'Pôle breton', region: '53', departement: '29' });
    const regional = await makeUser(ctx.s, 'funder', { regionCodes: ['76'] });
    const national = await makeUser(ctx.s, 'funder');
    const r = await (await signIn(ctx.app, regional.email)).get('/').expect(200);
    expect(r.text).to.contain('Occitanie').and.contain('Premier pôle').and.not.contain('Pôle breton');
    const n = await (await signIn(ctx.app, national.email)).get('/').expect(200);
    expect(n.text).to.contain('Périmètre national').and.contain('Bretagne').and.contain('Pôle breton');
  });
});
