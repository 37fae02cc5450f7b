import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, csrfFrom, type TestContext } from '../support/test-app.ts';
import { buildCast, snapshot, type Cast } from '../support/personas.ts';

/** A concrete URL for a route pattern, using the cast's objects. */
function urlFor(path: string, c: Cast): string {
  return path
    .replace(':slug', c.poles.a.slug)
    .replace(':memberId', String(c.memberA))
    .replace(':userId', String(c.victimUserId))
    .replace(':indicatorId', String(c.indicatorId))
    .replace(':tokenId', '1') // before ':token', which it starts with
    .replace(':token', 'jeton-inconnu')
    .replace(':period', '2026-T3')
    .replace(':batchId', '1')
    .replace(':messageId', '1')
    .replace(':format', 'csv');
}

describe('CSRF protection on every POST route', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let cast: Cast;

  before(async () => {
    ctx = await createTestApp();
    cast = await buildCast(ctx);
  });
  after(() => ctx.close());

  it('refuses a missing, a foreign and a forged token with 403 and stores nothing', async () => {
    const posts = ctx.app.declaredRoutes.filter((r) => r.method === 'post');
    expect(posts.length).to.be.greaterThan(15);
    // A token that is valid, but for somebody else's session.
    const foreign = csrfFrom((await request.agent(ctx.app).get('/connexion')).text);
    const failures: string[] = [];
    let ran = 0;
    for (const route of posts) {
      const agent = route.access.kind === 'public' ? cast.agents.anonymous : cast.agents.staff;
      const url = urlFor(route.path, cast);
      for (const [label, body] of [
        ['missing', { name: 'x', email: 'x@y.fr', password: 'x' }],
        ['foreign', { _csrf: foreign, name: 'x' }],
        ['forged', { _csrf: 'a'.repeat(64), name: 'x' }],
      ] as const) {
        const before = await snapshot(ctx);
        const res = await agent.post(url).type('form').send(body);
        ran++;
        if (res.status !== 403) failures.push(`${url} (${label}): ${res.status}`);
        if ((await snapshot(ctx)) !== before) failures.push(`${url} (${label}): database changed`);
      }
    }
    expect(failures).to.deep.equal([]);
    expect(ran).to.equal(posts.length * 3);
  });

  it('answers 403 with a French page', async () => {
    const res = await request(ctx.app).post('/connexion').type('form').send({ email: 'a@b.fr' }).expect(403);
    expect(res.text).to.contain('Le formulaire a expiré ou n’est pas valide.');
  });
});
