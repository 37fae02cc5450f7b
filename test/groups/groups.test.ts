// Group sets and groups through the staff pages: create, rename, deactivate; 422 next to the field with
// the typed values kept (empty label, duplicate code), 409 on a stale form, every change in the journal
// named in French; managers and funders refused (403) with nothing written.
import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { text } from '../support/html.ts';

type Agent = ReturnType<typeof request.agent>;

describe(`pole groups: sets and groups (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let staff: Agent;
  let manager: Agent;
  let funder: Agent;
  const post = async (agent: Agent, url: string, fields: Record<string, string>, status: number, page?: string) => {
    const html = page ?? (await agent.get(url).expect(200)).text;
    return agent
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(html), ...fields })
      .expect((res) => {
        if (res.status !== status) throw new Error(`${url}: ${res.status} ${text(res.text).slice(0, 600)}`);
      });
  };
  const setId = async (code: string) => (await ctx.db('group_sets').where({ code }).first('id'))!.id as number;
  const count = async (table: string) => Number((await ctx.db(table).count({ n: '*' }).first())!.n);

  before(async () => {
    ctx = await createTestApp();
    const pole = await makePole(ctx.s);
    staff = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
    manager = await signIn(ctx.app, (await makeUser(ctx.s, 'manager', { poleIds: [pole.id] })).email);
    funder = await signIn(ctx.app, (await makeUser(ctx.s, 'funder', { regionCodes: ['76'] })).email);
  });
  after(() => ctx.close());

  it('creates a set, and refuses an empty label or a duplicate code (422, typed values kept, nothing stored)', async () => {
    const url = '/admin/groupes/ensembles/nouveau';
    await post(staff, url, { code: 'filiere', label_fr: 'Filière', description_fr: 'Par filière', display_order: '10' }, 303);
    const empty = await post(
      staff,
      url,
      { code: 'territoire', label_fr: '  ', description_fr: 'Par territoire', display_order: '20' },
      422,
    );
    expect(text(empty.text)).to.include('Indiquez un libellé.');
    expect(empty.text).to.match(/id="f-code"[^>]*value="territoire"/);
    const dup = await post(staff, url, { code: 'filiere', label_fr: 'Autre filière', description_fr: '', display_order: '' }, 422);
    expect(text(dup.text)).to.include('Un autre ensemble porte déjà ce code.');
    expect(dup.text).to.match(/id="f-label_fr"[^>]*value="Autre filière"/);
    const bad = await post(staff, url, { code: 'Filière !', label_fr: 'X', description_fr: '', display_order: '5000' }, 422);
    expect(text(bad.text)).to.include('lettres minuscules').and.include('de 0 à 999');
    expect(await ctx.db('group_sets').select('code', 'label_fr', 'description_fr', 'display_order')).to.deep.equal([
      { code: 'filiere', label_fr: 'Filière', description_fr: 'Par filière', display_order: 10 },
    ]);
    const list = text((await staff.get('/admin/groupes').expect(200)).text);
    expect(list).to.include('Filière (filiere)').and.include('Aucun groupe dans cet ensemble.');
  });

  it('adds groups; a code already used in the set is refused, the same code in another set is not', async () => {
    const id = await setId('filiere');
    const url = `/admin/groupes/ensembles/${id}/groupes/nouveau`;
    await post(staff, url, { code: 'reemploi', label_fr: 'Réemploi et économie circulaire', display_order: '10' }, 303);
    await post(staff, url, { code: 'bois', label_fr: 'Bois', display_order: '20' }, 303);
    const dup = await post(staff, url, { code: 'bois', label_fr: 'Bois bis', display_order: '30' }, 422);
    expect(text(dup.text)).to.include('Un autre groupe de « Filière » porte déjà ce code.');
    expect(dup.text).to.match(/value="Bois bis"/);
    await post(staff, '/admin/groupes/ensembles/nouveau', { code: 'programme', label_fr: 'Programme', description_fr: '' }, 303);
    await post(staff, `/admin/groupes/ensembles/${await setId('programme')}/groupes/nouveau`, { code: 'bois', label_fr: 'Bois' }, 303);
    const list = text((await staff.get('/admin/groupes').expect(200)).text);
    expect(list).to.include('Réemploi et économie circulaire').and.include('Actif');
    expect(await count('pole_groups')).to.equal(3);
  });

  it('renames a set and deactivates a group; a stale form answers 409 and overwrites nothing', async () => {
    const id = await setId('filiere');
    const setUrl = `/admin/groupes/ensembles/${id}/modifier`;
    const stale = (await staff.get(setUrl).expect(200)).text;
    await post(staff, setUrl, { label_fr: 'Filières', description_fr: 'Par filière', display_order: '10', version: '1' }, 303);
    const res = await post(
      staff,
      setUrl,
      { label_fr: 'Filière principale', description_fr: '', display_order: '10', version: '1' },
      409,
      stale,
    );
    expect(text(res.text)).to.include('modifié');
    expect(res.text).to.match(/value="Filière principale"/);
    expect((await ctx.db('group_sets').where({ id }).first()).label_fr).to.equal('Filières');
    const bois = (await ctx.db('pole_groups').where({ set_id: id, code: 'bois' }).first())!;
    const groupUrl = `/admin/groupes/ensembles/${id}/groupes/${bois.id}/modifier`;
    await post(staff, groupUrl, { label_fr: 'Bois local', display_order: '20', active: 'non', version: String(bois.version) }, 303);
    const after = (await ctx.db('pole_groups').where({ id: bois.id }).first())!;
    expect([after.label_fr, Boolean(after.active), after.version]).to.deep.equal(['Bois local', false, 2]);
    await post(staff, groupUrl, { label_fr: 'Bois', display_order: '20', active: 'oui', version: '1' }, 409);
    // Another set's group under this set's URL is not a page.
    const other = (await ctx
      .db('pole_groups')
      .where({ set_id: await setId('programme') })
      .first())!;
    await staff.get(`/admin/groupes/ensembles/${id}/groupes/${other.id}/modifier`).expect(404);
    await staff.get('/admin/groupes/ensembles/99999999999/modifier').expect(404);
  });

  it('names every change in the journal, in French', async () => {
    const actions = (await ctx.db('audit_log').where('action', 'like', 'group%').select('action')).map((r) => r.action);
    expect(actions).to.have.members([
      'group_set.create',
      'group_set.create',
      'group.create',
      'group.create',
      'group.create',
      'group_set.update',
      'group.deactivate',
    ]);
    const journal = text((await staff.get('/admin/journal?quoi=groupes').expect(200)).text);
    expect(journal)
      .to.include('Ensemble de groupes « Filières » créé')
      .and.include('Ensemble de groupes « Filières » modifié')
      .and.include('Groupe « Filières — Bois local » désactivé')
      .and.include('Groupe « Filières — Réemploi et économie circulaire » créé');
  });

  it('refuses managers and funders (403) on every staff page, writing nothing', async () => {
    const id = await setId('filiere');
    const before = JSON.stringify([
      await ctx.db('group_sets').orderBy('id'),
      await ctx.db('pole_groups').orderBy('id'),
      await count('audit_log'),
    ]);
    for (const agent of [manager, funder]) {
      await agent.get('/admin/groupes').expect(403);
      await agent.get(`/admin/groupes/ensembles/${id}/modifier`).expect(403);
      const csrf = csrfFrom((await agent.get('/profil').expect(200)).text);
      await agent.post('/admin/groupes/ensembles/nouveau').type('form').send({ _csrf: csrf, code: 'x', label_fr: 'X' }).expect(403);
      await agent
        .post(`/admin/groupes/ensembles/${id}/groupes/nouveau`)
        .type('form')
        .send({ _csrf: csrf, code: 'x', label_fr: 'X' })
        .expect(403);
    }
    const after = JSON.stringify([
      await ctx.db('group_sets').orderBy('id'),
      await ctx.db('pole_groups').orderBy('id'),
      await count('audit_log'),
    ]);
    expect(after).to.equal(before);
  });
});
