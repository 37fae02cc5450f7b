// Ids and versions beyond what an integer column holds: PostgreSQL answered « out of range » (a 500) where
// SQLite found nothing. Every id and version read from a URL, a query or a form is bounded to
// 1..2147483647 (versions 0..): a URL id answers 404, a form field 422 with its message, never a 5xx.
import { expect } from 'chai';
import type request from 'supertest';
import { readInteger, MAX_INT } from '../../server/http/params.ts';
import { createTestApp, csrfFrom, csrfToken, signIn, type TestContext } from '../support/test-app.ts';
import { makeMember, makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { snapshot } from '../support/personas.ts';

type Agent = ReturnType<typeof request.agent>;

/** Numbers no id column holds, and shapes that are not an id at all. */
export const NOT_IDS = [
  '2147483648',
  '4294967296',
  '9007199254740993',
  '99999999999999999999',
  '-1',
  '0',
  '0001',
  '1e9',
  '1.5',
  '0x10',
  ' 1',
  '١',
];

describe('readInteger: the one bounded id reader', () => {
  it('reads canonical integers from 1 (ids) or 0 (versions) to 2^31-1, nothing else', () => {
    expect(readInteger('1')).to.equal(1);
    expect(readInteger(String(MAX_INT))).to.equal(2147483647);
    expect(readInteger('0', 0)).to.equal(0);
    for (const raw of [...NOT_IDS, '', undefined, 12, ['1'], '1 ', '+1']) expect(readInteger(raw), JSON.stringify(raw)).to.equal(undefined);
  });
});

describe(`ids and versions ≥ 2^31 (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let staff: Agent;
  let manager: Agent;
  let slug = '';
  let userId = 0;

  before(async () => {
    ctx = await createTestApp();
    const pole = await makePole(ctx.s, { name: 'Pôle Grands Nombres' });
    slug = pole.slug;
    await makeMember(ctx.s, slug, 'ess');
    staff = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
    const m = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
    userId = m.id;
    manager = await signIn(ctx.app, m.email);
  });
  after(() => ctx.close());

  it('a URL id (path or query) that no column holds answers 404, GET and POST', async () => {
    const quarter = () => `/mon-pole/${slug}/trimestres/2026-T3`;
    const gets: [Agent, (id: string) => string][] = [
      [staff, (id) => `/poles/${id}`],
      [manager, (id) => `/mon-pole/${id}`],
      [staff, (id) => `/admin/import/${id}`],
      [manager, (id) => `${quarter()}/import?lot=${id}`],
      [staff, (id) => `/admin/utilisateurs/${id}/modifier`],
      [staff, (id) => `/admin/poles/${slug}/membres/${id}/modifier`],
      [staff, (id) => `/admin/indicateurs/${id}/modifier`],
      [staff, (id) => `/admin/envois/${id}`],
      [staff, (id) => `/publications/2026-T3/versions/${id}`],
    ];
    const posts: [Agent, (id: string) => string][] = [
      [manager, (id) => `${quarter()}/import/${id}/confirmer`],
      [staff, (id) => `/admin/import/${id}/confirmer`],
      [staff, (id) => `/admin/utilisateurs/${id}/desactiver`],
      [staff, (id) => `/admin/utilisateurs/${id}/modifier`],
      [manager, (id) => `/profil/jetons/${id}/revoquer`],
    ];
    const before = await snapshot(ctx);
    const seen: string[] = [];
    for (const id of [...NOT_IDS, String(MAX_INT)].map(encodeURIComponent)) {
      for (const [agent, url] of gets) {
        const res = await agent.get(url(id));
        seen.push(`${res.status} GET ${url(id)}`);
      }
      for (const [agent, url] of posts) {
        const res = await agent
          .post(url(id))
          .type('form')
          .send({ _csrf: await csrfToken(agent), version: '1', display_name: 'x', email: 'x@y.fr', role: 'staff' });
        seen.push(`${res.status} POST ${url(id)}`);
      }
    }
    expect(seen.filter((line) => !line.startsWith('404 '))).to.deep.equal([]);
    expect(await snapshot(ctx)).to.equal(before);
  });

  it('a version or an id posted in a form that no column holds is a 4xx (422 with its message on a form page), storing nothing', async () => {
    const before = await snapshot(ctx);
    const edit = `/admin/utilisateurs/${userId}/modifier`;
    const userForm = async (o: Record<string, string>) => {
      const page = await staff.get(edit).expect(200);
      return staff
        .post(edit)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: 'gestion@test.fr', display_name: 'Gestion', role: 'manager', ...o });
    };
    for (const v of NOT_IDS.filter((x) => x !== '0')) {
      const res = await userForm({ version: v, pole_ids: '1' });
      expect(res.status, `user version ${v}`).to.equal(422);
      const ids = await userForm({ version: '1', pole_ids: v });
      expect(ids.status, `pole id ${v}`).to.equal(422);
      expect(ids.text).to.contain('Choisissez des pôles de la liste.');

      const profile = await manager.get('/profil');
      const p = await manager
        .post('/profil')
        .type('form')
        .send({ _csrf: csrfFrom(profile.text), display_name: 'Moi', version: v });
      expect(p.status, `profile version ${v}`).to.equal(422);

      const poleEdit = await staff.get(`/admin/poles/${slug}/modifier`).expect(200);
      const values = Object.fromEntries(
        [...poleEdit.text.matchAll(/<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      );
      const pe = await staff
        .post(`/admin/poles/${slug}/modifier`)
        .type('form')
        .send({
          ...values,
          _csrf: csrfFrom(poleEdit.text),
          region_code: '76',
          departement_code: '31',
          territory_departements: '31',
          founding_wave: 'aap_2015',
          first_report: '2024-T1',
          version: v,
        });
      expect(pe.status, `pole version ${v}`).to.equal(422);

      for (const path of [
        `/admin/poles/${slug}/archiver`,
        `/admin/poles/${slug}/desarchiver`,
        `/admin/utilisateurs/${userId}/desactiver`,
        `/admin/trimestres/${slug}/2026-T3/valider`,
      ]) {
        const res = await staff
          .post(path)
          .type('form')
          .send({ _csrf: await csrfToken(staff), version: v, archived_on: '2026-01-01' });
        expect(res.status, `${path} version ${v}`).to.be.within(400, 499);
      }
      const pub = await staff.get('/admin/publications/nouvelle');
      const pr = await staff
        .post('/admin/publications/nouvelle')
        .type('form')
        .send({ _csrf: csrfFrom(pub.text), periode: '2026-T3', motif: '', version_attendue: v });
      expect(pr.status, `publication version ${v}`).to.be.within(400, 499);
    }
    // A save stores the version plus one: the largest version that can still be incremented is read (and
    // is simply stale here, 409); the column's maximum itself is refused, never an overflow (it was a 500).
    const profile = await manager.get('/profil');
    const post = (version: number) =>
      manager
        .post('/profil')
        .type('form')
        .send({ _csrf: csrfFrom(profile.text), display_name: 'Moi', version: String(version) });
    expect((await post(MAX_INT - 1)).status).to.equal(409);
    expect((await post(MAX_INT)).status).to.equal(422);
    expect(await snapshot(ctx)).to.equal(before);
  });
});
