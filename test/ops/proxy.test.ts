// Behind a reverse proxy that terminates TLS: with PUBLIC_URL in https and TRUST_PROXY, the session cookie
// is Secure and is sent when the proxy says the request came over https; without TRUST_PROXY it is never sent.
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, csrfFrom, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { makeUser } from '../support/factories.ts';

describe('behind a TLS reverse proxy: PUBLIC_URL, TRUST_PROXY and secure cookies', () => {
  const contexts: TestContext[] = [];
  after(async () => {
    for (const c of contexts) await c.close();
  });
  const app = async (env: Record<string, string>) => {
    const ctx = await createTestApp({ PUBLIC_URL: 'https://impact.exemple.fr', ...env });
    contexts.push(ctx);
    return ctx;
  };
  const cookies = (res: request.Response) => (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  const sessionCookie = (res: request.Response) => cookies(res).find((c) => c.startsWith('ptce.sid='));
  /** Signs in as a browser would behind the proxy: the sign-in page, then its form (the session starts there). */
  const signInThrough = async (ctx: TestContext, headers: Record<string, string>) => {
    const { email } = await makeUser(ctx.s, 'staff');
    const page = await request(ctx.app).get('/connexion').set(headers).expect(200);
    const nonce = cookies(page)
      .find((c) => c.startsWith('ptce_csrf='))!
      .split(';')[0];
    const res = await request(ctx.app)
      .post('/connexion')
      .set(headers)
      .set('Cookie', nonce)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email, password: TEST_PASSWORD });
    return { page, res };
  };

  it('sends a Secure, HttpOnly, SameSite=Lax cookie when the proxy forwards https, with HSTS', async () => {
    const a = await app({ TRUST_PROXY: '1' });
    const { page, res } = await signInThrough(a, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.7' });
    expect(res.status).to.equal(303);
    expect(sessionCookie(res))
      .to.match(/; Secure/)
      .and.match(/; HttpOnly/)
      .and.match(/; SameSite=Lax/);
    // The sign-in form's own cookie (its CSRF nonce) is just as guarded.
    expect(cookies(page).find((c) => c.startsWith('ptce_csrf=')))
      .to.match(/; Secure/)
      .and.match(/; HttpOnly/)
      .and.match(/; SameSite=Lax/);
    expect(page.headers['strict-transport-security']).to.match(/max-age=\d+/);
  });

  it('never sends the Secure cookie over plain HTTP, nor when the proxy is not trusted', async () => {
    const trusted = await app({ TRUST_PROXY: '1' });
    expect(sessionCookie((await signInThrough(trusted, {})).res)).to.equal(undefined);
    const untrusted = await app({});
    expect(sessionCookie((await signInThrough(untrusted, { 'X-Forwarded-Proto': 'https' })).res)).to.equal(undefined);
  });
});
