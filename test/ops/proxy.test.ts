// Behind a reverse proxy that terminates TLS: with PUBLIC_URL in https and TRUST_PROXY, the session cookie
// is Secure and is sent when the proxy says the request came over https; without TRUST_PROXY it is never sent.
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestContext } from '../support/test-app.ts';

describe('behind a TLS reverse proxy: PUBLIC_URL, TRUST_PROXY and secure cookies', () => {
  const contexts: TestContext[] = [];
  after(async () => {
    for (const c of contexts) await c.close();
  });
  const app = async (env: Record<string, string>) => {
    const ctx = await createTestApp({ PUBLIC_URL: 'https://impact.exemple.fr', ...env });
    contexts.push(ctx);
    return ctx.app;
  };
  const sessionCookie = (res: request.Response) => ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).find((c) => c.startsWith('ptce.sid='));

  it('sends a Secure, HttpOnly, SameSite=Lax cookie when the proxy forwards https, with HSTS', async () => {
    const a = await app({ TRUST_PROXY: '1' });
    const res = await request(a).get('/connexion').set('X-Forwarded-Proto', 'https').set('X-Forwarded-For', '203.0.113.7').expect(200);
    const cookie = sessionCookie(res);
    expect(cookie).to.match(/; Secure/).and.match(/; HttpOnly/).and.match(/; SameSite=Lax/);
    expect(res.headers['strict-transport-security']).to.match(/max-age=\d+/);
  });

  it('never sends the Secure cookie over plain HTTP, nor when the proxy is not trusted', async () => {
    const trusted = await app({ TRUST_PROXY: '1' });
    expect(sessionCookie(await request(trusted).get('/connexion').expect(200))).to.equal(undefined);
    const untrusted = await app({});
    expect(sessionCookie(await request(untrusted).get('/connexion').set('X-Forwarded-Proto', 'https').expect(200))).to.equal(undefined);
  });
});
