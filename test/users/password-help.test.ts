// « Mot de passe oublié ? »: the request never says whether the address has an account; staff see it on
// their home page until they send a reset link; an address may not ask without limit.
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makeUser } from '../support/factories.ts';
import { byId, text } from '../support/html.ts';
import { onPostgres } from '../support/test-db.ts';

describe(`« Mot de passe oublié ? » (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;

  beforeEach(async () => {
    ctx = await createTestApp();
  });
  afterEach(() => ctx.close());

  /** An anonymous visitor's request, with the CSRF token of the form. */
  async function ask(email: string, status: number, agent = request.agent(ctx.app)) {
    const form = await agent.get('/mot-de-passe-oublie').expect(200);
    return agent
      .post('/mot-de-passe-oublie')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), email })
      .expect(status);
  }
  const requests = () => ctx.db('audit_log').where({ action: 'user.reset_request' });

  it('is linked from the sign-in page, and answers the same for an account, an unknown or a disabled address', async () => {
    expect((await request(ctx.app).get('/connexion').expect(200)).text).to.contain('href="/mot-de-passe-oublie"');
    const person = await makeUser(ctx.s, 'funder', { name: 'Jeanne Martin' });
    const gone = await makeUser(ctx.s, 'funder');
    await ctx.db('users').where({ id: gone.id }).update({ active: false });
    const answers = [];
    for (const email of [person.email.toUpperCase(), 'personne@exemple.fr', gone.email]) {
      const res = await ask(email, 303);
      answers.push(res.headers.location);
    }
    expect(answers).to.deep.equal(Array(3).fill('/mot-de-passe-oublie?demande=1'));
    const done = await request(ctx.app).get('/mot-de-passe-oublie?demande=1').expect(200);
    expect(byId(done.text, 'p', 'forgot-done')).to.match(/^Votre demande est enregistrée\. Si un compte actif correspond/);
    const rows = await requests();
    expect(rows.map((r) => r.entity_id)).to.deep.equal([String(person.id)]);
    expect(rows[0].actor_id).to.equal(null);
  });

  it('refuses a malformed address next to the field (422), keeping it, storing nothing', async () => {
    const bad = await ask('jeanne.martin', 422);
    expect(bad.text)
      .to.match(/id="f-email-error">Saisissez une adresse électronique valide/)
      .and.contain('value="jeanne.martin"');
    expect((await ask('', 422)).text).to.contain('Saisissez votre adresse électronique.');
    expect(await requests()).to.have.length(0);
  });

  it('shows the request to staff until a reset link is sent; counts one request per quarter of an hour', async () => {
    const person = await makeUser(ctx.s, 'funder', { name: 'Jeanne Martin' });
    await ask(person.email, 303);
    await ask(person.email, 303);
    expect(await requests()).to.have.length(1);
    const staff = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
    const home = (await staff.get('/admin').expect(200)).text;
    expect(byId(home, 'section', 'work-resets')).to.match(/^1 demande de nouveau mot de passe Jeanne Martin /);
    expect(home).to.contain(`href="/admin/utilisateurs/${person.id}/modifier"`);
    const edit = await staff.get(`/admin/utilisateurs/${person.id}/modifier`).expect(200);
    await staff
      .post(`/admin/utilisateurs/${person.id}/lien-reinitialisation`)
      .type('form')
      .send({ _csrf: csrfFrom(edit.text) })
      .expect(201);
    expect((await staff.get('/admin').expect(200)).text).to.not.contain('id="work-resets"');
    // The journal says it in French.
    expect(text((await staff.get('/admin/journal?quoi=comptes').expect(200)).text)).to.contain(
      'Nouveau mot de passe demandé pour Jeanne Martin',
    );
  });

  it('limits one address to 10 requests an hour (429, said next to the field)', async () => {
    const agent = request.agent(ctx.app);
    for (let i = 0; i < 10; i++) await ask(`personne${i}@exemple.fr`, 303, agent);
    const refused = await ask('personne10@exemple.fr', 429, agent);
    expect(refused.text).to.contain('Trop de demandes depuis cette connexion');
  });
});
