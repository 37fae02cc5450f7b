import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makeUser } from '../support/factories.ts';

describe('security headers and error pages', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp();
  });
  after(() => ctx.close());

  it('sends a strict CSP and the usual protective headers, without X-Powered-By', async () => {
    const res = await request(ctx.app).get('/connexion').expect(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).to.contain("script-src 'self'").and.contain("style-src 'self'").and.contain("frame-ancestors 'none'").and.contain("object-src 'none'");
    expect(csp).to.not.contain('unsafe-inline').and.not.contain('unsafe-eval').and.not.contain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['referrer-policy']).to.equal('same-origin');
    expect(res.headers['x-powered-by']).to.equal(undefined);
    expect(res.headers['strict-transport-security']).to.equal(undefined);
    expect(res.headers['cache-control']).to.equal('no-store');
  });

  it('serves pages without any inline script or style attribute', async () => {
    const user = await makeUser(ctx.s, 'staff');
    const agent = await signIn(ctx.app, user.email);
    for (const path of ['/connexion', '/admin', '/admin/poles', '/admin/journal']) {
      const html = (await agent.get(path)).text;
      expect(html, path).to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, path).to.not.match(/\sstyle="/);
      expect(html, path).to.not.match(/\son[a-z]+="/);
    }
  });

  it('over TLS: HSTS, upgrade-insecure-requests and a Secure cookie', async () => {
    const tls = await createTestApp({ PUBLIC_URL: 'https://impact.exemple.fr' });
    try {
      const res = await request(tls.app).get('/connexion').expect(200);
      expect(res.headers['strict-transport-security']).to.match(/max-age=31536000/);
      expect(String(res.headers['content-security-policy'])).to.contain('upgrade-insecure-requests');
      // express-session only sends a Secure cookie over a secure connection: behind the proxy, say so.
      const proxied = await createTestApp({ PUBLIC_URL: 'https://impact.exemple.fr', TRUST_PROXY: '1' });
      try {
        const r2 = await request(proxied.app).get('/connexion').set('X-Forwarded-Proto', 'https').expect(200);
        const cookie = ([] as string[]).concat(r2.headers['set-cookie'] ?? []).join(';');
        expect(cookie).to.match(/Secure/).and.match(/HttpOnly/);
      } finally {
        await proxied.close();
      }
    } finally {
      await tls.close();
    }
  });

  it('answers unknown pages with a French 404', async () => {
    const res = await request(ctx.app).get('/nulle-part').expect(404);
    expect(res.text).to.contain('Page introuvable');
  });

  it('never shows a stack trace in production', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), PASSWORD_HASH_COST: '10' });
    try {
      // A route that fails, added for the test only after the app's own routes (so before nothing).
      const user = await makeUser(prod.s, 'staff');
      const agent = await signIn(prod.app, user.email);
      await prod.db.schema.renameTable('audit_log', 'audit_log_hidden');
      const res = await agent.get('/admin/journal');
      await prod.db.schema.renameTable('audit_log_hidden', 'audit_log');
      expect(res.status).to.equal(500);
      expect(res.text).to.contain('Erreur interne').and.not.contain('at ').and.not.contain('audit_log');
    } finally {
      await prod.close();
    }
  });

  it('refuses duplicated query parameters and oversized bodies with a 4xx', async () => {
    const user = await makeUser(ctx.s, 'staff');
    const agent = await signIn(ctx.app, user.email);
    await agent.get('/admin/poles?region=76&region=84').expect(400);
    const res = await request(ctx.app).post('/connexion').type('form').send({ email: 'x'.repeat(300_000) });
    expect(res.status).to.be.within(400, 499);
  });
});

describe('hostile characters', () => {
  it('refuses a NUL character in a form or a query with 400, on any route, storing nothing', async () => {
    const ctx = await createTestApp();
    try {
      const user = await makeUser(ctx.s, 'staff');
      const agent = await signIn(ctx.app, user.email);
      const token = (await agent.get('/admin/poles/nouveau')).text.match(/name="_csrf" value="([^"]+)"/)![1];
      const before = await ctx.db('poles').count({ n: '*' }).first();
      const res = await agent.post('/admin/poles/nouveau').type('form').send({ _csrf: token, name: 'Pôle\u0000nul', region_code: '76' });
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('Requête invalide');
      expect(await ctx.db('poles').count({ n: '*' }).first()).to.deep.equal(before);
      await agent.get('/admin/poles?q=a%00b').expect(400);
    } finally {
      await ctx.close();
    }
  });
});
