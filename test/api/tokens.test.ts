import { createHash } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, csrfFrom, csrfToken, signIn, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';

type Agent = ReturnType<typeof request.agent>;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Creates a token on the profile page; returns it as shown (once) and the page. */
async function createToken(agent: Agent, name: string) {
  const res = await agent
    .post('/profil/jetons')
    .type('form')
    .send({ _csrf: await csrfToken(agent), token_name: name });
  expect(res.status, res.text.slice(0, 300)).to.equal(201);
  const m = /id="new-api-token"[^>]*value="(ptce_[A-Za-z0-9_-]{43})"/.exec(res.text);
  expect(m, 'token shown on the page').to.not.equal(null);
  return { token: m![1], html: res.text };
}

describe(`API tokens (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let funder: { id: number; email: string };
  let agent: Agent;

  before(async () => {
    ctx = await createTestApp();
    funder = await makeUser(ctx.s, 'funder', { regionCodes: ['76'] });
    agent = await signIn(ctx.app, funder.email);
  });
  after(() => ctx.close());

  it('creates a token shown once, stored only as its SHA-256, listed with its name and last use, audited', async () => {
    const { token, html } = await createToken(agent, 'Tableur du service études');
    expect(html).to.contain('Copiez-le maintenant');
    const rows = await ctx.db('api_tokens').where({ user_id: funder.id });
    expect(rows).to.have.length(1);
    expect(rows[0].token_hash).to.equal(sha256(token));
    expect(JSON.stringify(await ctx.db('api_tokens').select('*'))).to.not.contain(token.slice(5));
    expect(JSON.stringify(await ctx.db('audit_log').select('*'))).to.not.contain(token.slice(5));
    const audit = await ctx.db('audit_log').where({ entity: 'api_token', entity_id: String(rows[0].id) });
    expect(audit.map((a) => a.action)).to.deep.equal(['api_token.create']);

    // Later, the page lists it by name, never the token.
    const page = (await agent.get('/profil').expect(200)).text;
    expect(page).to.contain('Jetons d’accès à l’API').and.contain('Tableur du service études').and.contain('jamais');
    expect(page).to.not.contain(token);

    // It works alone, without any cookie, and records its last use (at most once a minute).
    const res = await request(ctx.app).get('/api/v1/regions').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body.data).to.deep.equal([{ code: '76', name: 'Occitanie' }]);
    expect(res.headers['set-cookie']).to.equal(undefined);
    const used = (await ctx.db('api_tokens').where({ id: rows[0].id }).first()).last_used_at;
    expect(used).to.be.a('string');
    ctx.clock.advance({ seconds: 30 });
    await request(ctx.app).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(200);
    expect((await ctx.db('api_tokens').where({ id: rows[0].id }).first()).last_used_at).to.equal(used);
    ctx.clock.advance({ seconds: 31 });
    await request(ctx.app).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(200);
    expect((await ctx.db('api_tokens').where({ id: rows[0].id }).first()).last_used_at > used).to.equal(true);
    expect((await agent.get('/profil').expect(200)).text).to.not.match(/<td>jamais<\/td>/);
  });

  it('keeps the scope of its owner', async () => {
    const { token } = await createToken(agent, 'Portée');
    await request(ctx.app).get('/api/v1/aggregates?level=nation').set('Authorization', `Bearer ${token}`).expect(403);
    await request(ctx.app).get('/api/v1/aggregates?level=region&area=84').set('Authorization', `Bearer ${token}`).expect(404);
    await request(ctx.app).get('/api/v1/aggregates?level=region&area=76').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('stops working once revoked; another account’s token answers 404 and stays usable', async () => {
    const { token } = await createToken(agent, 'À révoquer');
    const row = await ctx
      .db('api_tokens')
      .where({ token_hash: sha256(token) })
      .first();
    await request(ctx.app).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(200);

    const other = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
    const foreign = await other
      .post(`/profil/jetons/${row.id}/revoquer`)
      .type('form')
      .send({ _csrf: await csrfToken(other) });
    expect(foreign.status).to.equal(404);
    await other
      .post('/profil/jetons/abc/revoquer')
      .type('form')
      .send({ _csrf: await csrfToken(other) })
      .expect(404);
    await request(ctx.app).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(200);

    await agent
      .post(`/profil/jetons/${row.id}/revoquer`)
      .type('form')
      .send({ _csrf: await csrfToken(agent) })
      .expect(303)
      .expect('location', '/profil');
    const page = (await agent.get('/profil').expect(200)).text;
    expect(page).to.contain('Le jeton « À révoquer » est révoqué.').and.contain('révoqué le');
    const res = await request(ctx.app).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(401);
    expect(res.body.error).to.deep.equal({
      code: 'invalid_token',
      message: 'Ce jeton n’est pas valide : il est inconnu, révoqué, ou son compte est désactivé.',
    });
    expect(res.headers['www-authenticate']).to.contain('invalid_token');
    // A second revocation changes nothing and says so.
    await agent
      .post(`/profil/jetons/${row.id}/revoquer`)
      .type('form')
      .send({ _csrf: await csrfToken(agent) })
      .expect(303);
    const audit = await ctx
      .db('audit_log')
      .where({ entity: 'api_token', entity_id: String(row.id) })
      .orderBy('id');
    expect(audit.map((a) => a.action)).to.deep.equal(['api_token.create', 'api_token.revoke']);
  });

  it('revokes every token of the account when its password changes (the profile says so before)', async () => {
    const owner = await makeUser(ctx.s, 'funder', { regionCodes: ['76'] });
    const mine = await signIn(ctx.app, owner.email);
    const tokens = [(await createToken(mine, 'Tableur')).token, (await createToken(mine, 'Script')).token];
    const other = (await createToken(agent, 'Autre compte')).token;
    const profile = await mine.get('/profil').expect(200);
    expect(profile.text).to.contain('vos jetons d’accès à l’API révoqués');
    const next = 'une toute nouvelle phrase secrète';
    await mine
      .post('/profil/mot-de-passe')
      .type('form')
      .send({ _csrf: csrfFrom(profile.text), current_password: TEST_PASSWORD, new_password: next, new_password_confirm: next })
      .expect(303);
    for (const token of tokens) await request(ctx.app).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(401);
    await request(ctx.app).get('/api/v1/indicators').set('Authorization', `Bearer ${other}`).expect(200);
    const [audit] = await ctx.db('audit_log').where({ action: 'user.password_change', entity_id: String(owner.id) });
    expect(JSON.parse(audit.after_json).revokedApiTokens).to.equal(2);
  });

  it('refuses malformed, unknown tokens and the tokens of a deactivated account, even beside a valid session', async () => {
    const { token } = await createToken(agent, 'Compte désactivé');
    for (const header of [
      'Bearer',
      'Bearer ptce_court',
      `Bearer ${token.slice(0, -1)}x`,
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Bearer ${'x'.repeat(300)}`,
    ]) {
      const res = await agent.get('/api/v1/indicators').set('Authorization', header);
      expect(res.status, header).to.equal(401);
      expect(res.body.error.code).to.equal('invalid_token');
    }
    // A person with a session is served without any header.
    await agent.get('/api/v1/indicators').expect(200);
    await ctx.db('users').where({ id: funder.id }).update({ active: false });
    await request(ctx.app).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(401);
    await ctx.db('users').where({ id: funder.id }).update({ active: true });
    await request(ctx.app).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('refuses an empty or too long name with 422 next to the field, the typed value kept, nothing stored', async () => {
    const before = await ctx.db('api_tokens').count({ n: '*' }).first();
    for (const name of ['', '   ', 'x'.repeat(81)]) {
      const res = await agent
        .post('/profil/jetons')
        .type('form')
        .send({ _csrf: await csrfToken(agent), token_name: name });
      expect(res.status).to.equal(422);
      expect(res.text).to.match(/id="f-token_name-error">[^<]*(Donnez un nom au jeton|trop long)/);
      if (name.length > 3) expect(res.text).to.contain(`value="${name}"`);
    }
    const res = await agent
      .post('/profil/jetons')
      .type('form')
      .send({ _csrf: await csrfToken(agent), token_name: ['a', 'b'] });
    expect(res.status).to.equal(422);
    expect(await ctx.db('api_tokens').count({ n: '*' }).first()).to.deep.equal(before);
  });

  it('refuses a token creation without a valid CSRF token', async () => {
    const page = await agent.get('/profil');
    expect(csrfFrom(page.text)).to.be.a('string');
    await agent.post('/profil/jetons').type('form').send({ token_name: 'Sans jeton CSRF' }).expect(403);
    expect(await ctx.db('api_tokens').where({ name: 'Sans jeton CSRF' })).to.have.length(0);
  });
});
