// Anonymous visitors write nothing to the database: the sign-in form's CSRF token lives in a cookie of
// their browser, and the page they asked for waits in a cookie too (one session row per view of
// /connexion was found, kept 12 hours).
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, csrfFrom, signIn, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';

describe(`anonymous forms store nothing (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let email: string;
  const sessions = async () => Number((await ctx.db('sessions').count({ n: '*' }).first())!.n);

  before(async () => {
    ctx = await createTestApp();
    email = (await makeUser(ctx.s, 'staff')).email;
  });
  after(() => ctx.close());

  it('200 views of /connexion and of protected pages write no session row', async () => {
    const before = await sessions();
    for (let i = 0; i < 100; i++) {
      const page = await request(ctx.app).get('/connexion').expect(200);
      expect(csrfFrom(page.text)).to.match(/^a\./);
      await request(ctx.app).get('/admin/poles').expect(303).expect('location', '/connexion');
    }
    expect(await sessions()).to.equal(before);
  });

  it('signs in with the cookie-bound token and comes back to the page asked for; the session starts only then', async () => {
    const agent = request.agent(ctx.app);
    await agent.get('/admin/poles?etat=tous').expect(303);
    const page = await agent.get('/connexion').expect(200);
    const before = await sessions();
    const res = await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email, password: TEST_PASSWORD })
      .expect(303);
    expect(res.headers.location).to.equal('/admin/poles?etat=tous');
    expect(await sessions()).to.equal(before + 1);
    await agent.get('/admin/poles').expect(200);
  });

  it('refuses the token without its cookie, with another browser’s cookie, forged or stale, and from a signed-in user', async () => {
    const mine = request.agent(ctx.app);
    const token = csrfFrom((await mine.get('/connexion')).text);
    const other = request.agent(ctx.app);
    await other.get('/connexion');
    const post = (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, t: string) =>
      (agent as ReturnType<typeof request.agent>).post('/connexion').type('form').send({ _csrf: t, email, password: TEST_PASSWORD });
    expect((await post(request(ctx.app), token)).status, 'no cookie').to.equal(403);
    expect((await post(other, token)).status, 'another browser').to.equal(403);
    expect((await post(mine, token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA'))).status, 'forged').to.equal(403);
    ctx.clock.advance({ hours: 13 });
    try {
      expect((await post(mine, token)).status, 'stale').to.equal(403);
    } finally {
      ctx.clock.advance({ hours: -13 });
    }
    // Signed in, only the session's own token counts.
    const signedIn = await signIn(ctx.app, email);
    const anonymousToken = csrfFrom((await request.agent(ctx.app).get('/connexion')).text);
    expect((await signedIn.post('/profil').type('form').send({ _csrf: anonymousToken, display_name: 'X' })).status).to.equal(403);
  });

  it('never sends anyone to another site after sign-in', async () => {
    for (const target of ['//exemple.com/x', '/\\exemple.com', 'https://exemple.com']) {
      const page = await request(ctx.app).get('/connexion');
      const nonce = /ptce_csrf=([^;]+)/.exec(String(page.headers['set-cookie']))![1];
      const res = await request(ctx.app)
        .post('/connexion')
        .set('Cookie', `ptce_csrf=${nonce}; ptce_retour=${encodeURIComponent(target)}`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email, password: TEST_PASSWORD });
      expect(res.status, target).to.equal(303);
      expect(res.headers.location, target).to.equal('/');
    }
  });
});
