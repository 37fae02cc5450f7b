import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, csrfFrom, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { createApp } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { buildServices } from '../../server/services.ts';
import { RateLimitsRepo } from '../../server/ratelimit/rate-limits.repo.ts';

/** A second instance of the application on the same database (as behind a load balancer). */
function secondInstance(ctx: TestContext) {
  return createApp(buildServices({ config: ctx.config, db: ctx.db, clock: ctx.clock, logger: createLogger('silent') }));
}

/** Signs in through the form and returns the session cookie, to send to any instance. */
async function sessionCookie(app: ReturnType<typeof createApp>, email: string): Promise<string> {
  const page = await request(app).get('/connexion');
  const first = String(page.headers['set-cookie']![0]).split(';')[0];
  const res = await request(app)
    .post('/connexion')
    .set('Cookie', first)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password: TEST_PASSWORD })
    .expect(303);
  return String(res.headers['set-cookie']![0]).split(';')[0];
}

describe(`rate limits in the database (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestApp({ API_RATE_LIMIT_PER_MINUTE: '3' });
  });
  after(() => ctx.close());

  it('answers 429 in JSON with Retry-After past the API limit, per token or user, across instances, until the minute is over', async () => {
    const user = await makeUser(ctx.s, 'staff');
    const cookie = await sessionCookie(ctx.app, user.email);
    const other = secondInstance(ctx);
    // One session (in the database), served by either instance: the limit counts across both.
    const remaining: string[] = [];
    for (const app of [ctx.app, other, ctx.app]) {
      const res = await request(app).get('/api/v1/indicators').set('Cookie', cookie).expect(200);
      remaining.push(res.headers['ratelimit-remaining']);
    }
    expect(remaining).to.deep.equal(['2', '1', '0']);
    const refused = await request(other).get('/api/v1/indicators').set('Cookie', cookie).expect(429).expect('content-type', /json/);
    expect(refused.body.error.code).to.equal('too_many_requests');
    const wait = Number(refused.headers['retry-after']);
    expect(wait).to.be.within(1, 60);
    // The message gives the same wait as the header, its noun agreeing with it.
    expect(refused.body.error.message).to.equal(`Trop de requêtes. Réessayez dans ${wait} seconde${wait >= 2 ? 's' : ''}.`);
    // A token of the same user counts on its own.
    const { token } = await ctx.s.apiTokens.create({ id: user.id } as never, 'Robot', null);
    await request(other).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(200);
    await request(ctx.app).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(200);
    await request(other).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(200);
    await request(ctx.app).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(429);
    ctx.clock.advance({ seconds: 61 });
    await request(ctx.app).get('/api/v1/indicators').set('Cookie', cookie).expect(200);
    await request(other).get('/api/v1/indicators').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('limits anonymous calls per address too (429, not 401, once over)', async () => {
    ctx.clock.advance({ minutes: 1 });
    for (let i = 0; i < 3; i++) await request(ctx.app).get('/api/v1/openapi.json').expect(200);
    await request(ctx.app).get('/api/v1/indicators').expect(429);
    ctx.clock.advance({ minutes: 1 });
  });

  it('counts wrong bearer tokens against the address: no unlimited guessing', async () => {
    ctx.clock.advance({ minutes: 1 });
    const guess = (i: number) => `Bearer ptce_${String(i).padStart(43, 'x')}`;
    for (let i = 0; i < 3; i++) await request(ctx.app).get('/api/v1/indicators').set('Authorization', guess(i)).expect(401);
    const refused = await request(ctx.app)
      .get('/api/v1/indicators')
      .set('Authorization', guess(3))
      .expect(429)
      .expect('content-type', /json/);
    expect(refused.body.error.code).to.equal('too_many_requests');
    ctx.clock.advance({ minutes: 1 });
  });

  it('throttles sign-in across instances: failures on one block the account on the other, success clears it', async () => {
    const user = await makeUser(ctx.s, 'funder');
    const other = secondInstance(ctx);
    const attempt = async (app: typeof ctx.app, password: string) => {
      const agent = request.agent(app);
      const token = csrfFrom((await agent.get('/connexion')).text);
      return agent.post('/connexion').type('form').send({ _csrf: token, email: user.email, password });
    };
    for (let i = 0; i < 5; i++) expect((await attempt(i % 2 ? other : ctx.app, 'mauvais mot de passe')).status).to.equal(401);
    const key = `login:a:${user.email}`;
    const row = await ctx.db('rate_limits').where({ key }).first();
    expect(Number(row.count)).to.equal(5);
    expect(Number(row.blocked_until)).to.be.greaterThan(ctx.clock.now().toMillis());
    expect((await attempt(other, TEST_PASSWORD)).status).to.equal(429);
    expect((await attempt(ctx.app, TEST_PASSWORD)).status).to.equal(429);
    ctx.clock.advance({ minutes: 2 });
    expect((await attempt(other, TEST_PASSWORD)).status).to.equal(303);
    expect(await ctx.db('rate_limits').where({ key }).first()).to.equal(undefined);
  });

  it('keeps counting for keys longer than the column (a 254-character email)', async () => {
    const email = `${'a'.repeat(240)}@exemple.fr`;
    const agent = request.agent(ctx.app);
    const token = csrfFrom((await agent.get('/connexion')).text);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await agent.post('/connexion').type('form').send({ _csrf: token, email, password: 'mauvais mot de passe' })).status);
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429]);
    ctx.clock.advance({ minutes: 2 });
  });

  it('counts concurrent hits exactly (one atomic statement per hit)', async () => {
    const repo = new RateLimitsRepo();
    const now = ctx.clock.now().toMillis();
    const counts = await Promise.all(Array.from({ length: 25 }, () => repo.hit(ctx.db, 'test:concurrent', now, 60_000)));
    expect(counts.map((c) => c.count).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 25 }, (_, i) => i + 1));
    const failures = await Promise.all(Array.from({ length: 10 }, () => repo.failure(ctx.db, 'test:failures', now, 3_600_000)));
    expect(Math.max(...failures.map((c) => c.count))).to.equal(10);
    // A new window starts again at 1.
    expect((await repo.hit(ctx.db, 'test:concurrent', now + 60_000, 60_000)).count).to.equal(1);
  });

  it('deletes expired counters opportunistically', async () => {
    const now = ctx.clock.now().toMillis();
    await ctx.db('rate_limits').insert([
      { key: 'test:old', window_start: now - 7_200_000, count: 3, blocked_until: 0, expires_at: now - 3_600_000 },
      { key: 'test:blocked', window_start: now - 7_200_000, count: 9, blocked_until: now + 600_000, expires_at: now + 600_000 },
    ]);
    ctx.clock.advance({ minutes: 2 });
    await request(ctx.app).get('/api/v1/openapi.json').expect(200);
    const keys = (await ctx.db('rate_limits').select('key')).map((r) => r.key);
    expect(keys).to.not.include('test:old');
    expect(keys).to.include('test:blocked');
  });
});
