import { expect } from 'chai';
import request from 'supertest';
import { SESSION_COOKIE } from '../../server/http/session.ts';
import { createTestApp, csrfFrom, signIn, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
}

describe('signing in and out', () => {
  let ctx: TestContext;
  let staff: { id: number; email: string };
  let manager: { id: number; email: string };

  before(async () => {
    ctx = await createTestApp();
    staff = await makeUser(ctx.s, 'staff', { email: 'Equipe@Test.PTCE-impact.fr' });
    const pole = await makePole(ctx.s);
    manager = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
  });
  after(() => ctx.close());

  it('shows the French sign-in form to anonymous visitors and sends them there from private pages', async () => {
    const page = await request(ctx.app).get('/connexion').expect(200);
    expect(page.text).to.contain('Connexion').and.contain('name="_csrf"').and.contain('Adresse électronique');
    const home = await request(ctx.app).get('/admin').expect(303);
    expect(home.headers.location).to.equal('/connexion');
    // Sent there from a page asked for, the form says why; opened directly, it says nothing of the kind.
    expect(page.text).to.not.contain('Connectez-vous pour accéder à cette page.');
    const agent = request.agent(ctx.app);
    await agent.get('/tableau-de-bord').expect(303);
    expect((await agent.get('/connexion').expect(200)).text).to.contain('Connectez-vous pour accéder à cette page.');
  });

  it('signs in whatever the case of the email, under a new session id, and lands by role', async () => {
    const agent = request.agent(ctx.app);
    const page = await agent.get('/connexion');
    const before = sessionCookie(page);
    const res = await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: 'equipe@test.ptce-impact.fr', password: TEST_PASSWORD })
      .expect(303);
    const after = sessionCookie(res);
    expect(after).to.be.a('string');
    expect(after!.split(';')[0]).to.not.equal(before?.split(';')[0]);
    expect(after)
      .to.match(/HttpOnly/)
      .and.match(/SameSite=Lax/);
    expect(after).to.not.match(/Secure/);
    const home = await agent.get('/').expect(303);
    expect(home.headers.location).to.equal('/admin');
    const row = await ctx.db('users').where({ id: staff.id }).first('last_sign_in_at');
    expect(row.last_sign_in_at).to.be.a('string');
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const agent = request.agent(ctx.app);
    const page = await agent.get('/connexion');
    const token = csrfFrom(page.text);
    const unknown = await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: token, email: 'personne@nulle.part', password: 'un mot de passe faux' });
    const wrong = await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: token, email: manager.email, password: 'un mot de passe faux' });
    expect(unknown.status).to.equal(401);
    expect(wrong.status).to.equal(401);
    const message = (html: string) =>
      /<div class="error-summary"[^>]*>\s*<h2[^>]*>Il y a un problème<\/h2>\s*<p>([^<]*)<\/p>/.exec(html)?.[1];
    expect(message(unknown.text)).to.equal('Adresse électronique ou mot de passe incorrect.');
    expect(message(wrong.text)).to.equal(message(unknown.text));
    expect(wrong.text).to.contain(`value="${manager.email}"`);
  });

  it('asks for both fields in French, keeping the typed email', async () => {
    const agent = request.agent(ctx.app);
    const page = await agent.get('/connexion');
    const res = await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: 'quelquun@exemple.fr', password: '' })
      .expect(422);
    expect(res.text).to.contain('Saisissez votre mot de passe.').and.contain('value="quelquun@exemple.fr"');
  });

  it('refuses a sign-in without a valid CSRF token', async () => {
    await request(ctx.app).post('/connexion').type('form').send({ email: staff.email, password: TEST_PASSWORD }).expect(403);
    const agent = request.agent(ctx.app);
    await agent.get('/connexion');
    await agent.post('/connexion').type('form').send({ _csrf: 'faux', email: staff.email, password: TEST_PASSWORD }).expect(403);
  });

  it('signs out with a POST that ends the session server-side', async () => {
    const agent = await signIn(ctx.app, manager.email);
    const home = await agent.get('/mon-pole').expect(200);
    await agent
      .post('/deconnexion')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) })
      .expect(303)
      .expect('location', '/connexion?deconnecte=1');
    expect((await agent.get('/connexion?deconnecte=1')).text).to.contain('Vous êtes déconnecté.');
    await agent.get('/mon-pole').expect(303).expect('location', '/connexion');
    await request(ctx.app).get('/deconnexion').expect(404);
  });

  it('ends an idle session after 30 minutes and any session after 12 hours', async () => {
    const agent = await signIn(ctx.app, manager.email);
    ctx.clock.advance({ minutes: 29 });
    await agent.get('/mon-pole').expect(200);
    ctx.clock.advance({ minutes: 29 });
    await agent.get('/mon-pole').expect(200); // activity keeps it alive
    ctx.clock.advance({ minutes: 31 });
    await agent.get('/mon-pole').expect(303).expect('location', '/connexion');

    const busy = await signIn(ctx.app, manager.email);
    for (let i = 0; i < 25; i++) {
      ctx.clock.advance({ minutes: 29 });
      const res = await busy.get('/mon-pole');
      if (i < 24) expect(res.status, `after ${(i + 1) * 29} min`).to.equal(200);
      else expect(res.status).to.equal(303);
    }
  });

  it('keeps an active user signed in and ends an idle session whatever the idle time, one minute included', async () => {
    const short = await createTestApp({ SESSION_IDLE_MINUTES: '1' });
    try {
      const u = await makeUser(short.s, 'funder');
      const agent = await signIn(short.app, u.email);
      // A request every 50 seconds for ten minutes: never idle for a minute, never signed out.
      for (let i = 1; i <= 12; i++) {
        short.clock.advance({ seconds: 50 });
        expect((await agent.get('/profil')).status, `after ${i * 50} s`).to.equal(200);
      }
      short.clock.advance({ seconds: 50 });
      await agent.get('/profil').expect(200);
      // Then idle: out once the minute (and at most a tenth more) has passed.
      short.clock.advance({ seconds: 67 });
      await agent.get('/profil').expect(303).expect('location', '/connexion');
    } finally {
      await short.close();
    }
  });

  it('ends a session when the account is deactivated in the database', async () => {
    const other = await makeUser(ctx.s, 'funder');
    const agent = await signIn(ctx.app, other.email);
    await agent.get('/').expect(200);
    await ctx.db('users').where({ id: other.id }).update({ active: false });
    await agent.get('/').expect(303).expect('location', '/connexion');
    const page = await request.agent(ctx.app).get('/connexion');
    expect(page.status).to.equal(200);
  });
});

describe('sign-in throttling', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp();
  });
  after(() => ctx.close());

  it('answers 429 after 5 failures on one account, then lets the right password through once the delay is over', async () => {
    const user = await makeUser(ctx.s, 'staff');
    const agent = request.agent(ctx.app);
    const token = csrfFrom((await agent.get('/connexion')).text);
    const attempt = (password: string) => agent.post('/connexion').type('form').send({ _csrf: token, email: user.email, password });
    for (let i = 0; i < 5; i++) expect((await attempt('mauvais mot de passe')).status).to.equal(401);
    const blocked = await attempt(TEST_PASSWORD);
    expect(blocked.status).to.equal(429);
    expect(Number(blocked.headers['retry-after'])).to.be.greaterThan(0);
    expect(blocked.text).to.contain('Trop de tentatives de connexion');
    ctx.clock.advance({ minutes: 2 });
    expect((await attempt(TEST_PASSWORD)).status).to.equal(303);
  });

  it('doubles the delay with each further failure, never locking the account for good', async () => {
    const user = await makeUser(ctx.s, 'staff');
    const agent = request.agent(ctx.app);
    const token = csrfFrom((await agent.get('/connexion')).text);
    const attempt = (password: string) => agent.post('/connexion').type('form').send({ _csrf: token, email: user.email, password });
    for (let i = 0; i < 5; i++) await attempt('mauvais mot de passe');
    ctx.clock.advance({ minutes: 2 });
    await attempt('encore mauvais mot de passe'); // 6th failure: 2 minutes
    ctx.clock.advance({ minutes: 1 });
    expect((await attempt(TEST_PASSWORD)).status).to.equal(429);
    ctx.clock.advance({ minutes: 2 });
    expect((await attempt(TEST_PASSWORD)).status).to.equal(303);
  });

  it('throttles one IP trying many accounts', async () => {
    // A fresh app: the previous tests' failures from this IP would count too.
    const fresh = await createTestApp();
    try {
      const agent = request.agent(fresh.app);
      const token = csrfFrom((await agent.get('/connexion')).text);
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) {
        const res = await agent
          .post('/connexion')
          .type('form')
          .send({ _csrf: token, email: `inconnu${i}@exemple.fr`, password: 'nimporte quoi du tout' });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 20).every((s) => s === 401)).to.equal(true);
      expect(statuses[20]).to.equal(429);
    } finally {
      await fresh.close();
    }
  });
});
