import { expect } from 'chai';
import request from 'supertest';
import fc from 'fast-check';
import { createTestApp, csrfToken, signIn, type TestContext } from '../support/test-app.ts';
import { makeMember, makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { assertNoControlChars } from '../support/invariants.ts';

describe('security headers and error pages', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp();
  });
  after(() => ctx.close());

  it('sends a strict CSP and the usual protective headers, without X-Powered-By', async () => {
    const res = await request(ctx.app).get('/connexion').expect(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp)
      .to.contain("script-src 'self'")
      .and.contain("style-src 'self'")
      .and.contain("frame-ancestors 'none'")
      .and.contain("object-src 'none'");
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
        expect(cookie)
          .to.match(/Secure/)
          .and.match(/HttpOnly/);
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
    const res = await request(ctx.app)
      .post('/connexion')
      .type('form')
      .send({ email: 'x'.repeat(300_000) });
    expect(res.status).to.be.within(400, 499);
  });
});

describe(`hostile characters (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
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

/** What a fuzzer or a forged link puts where an id, a version or a text is expected. */
const hostile = fc.oneof(
  fc.constantFrom(
    '2147483647',
    '2147483648',
    '4294967295',
    '4294967296',
    '9007199254740992',
    '9007199254740993',
    '99999999999999999999',
    '1' + '0'.repeat(40),
    '-1',
    '-2147483649',
    '0',
    '00',
    '0001',
    '007',
    '1e9',
    '1E3',
    '1.0',
    '0x7fffffff',
    ' 1',
    '1 ',
    '+1',
    '',
    '١٢',
    'Infinity',
    'NaN',
  ),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\u0001',
    '\u0007',
    '\u000b',
    '\u000c',
    '\u001b[31m',
    '\u007f',
    '_x0000_',
    'a\r\nb',
    '\ud800',
    'é\udc00',
    '%00',
    '\t',
  ),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 6 }),
);

/** Percent-encodes like a browser, a lone surrogate included (as the CESU bytes a broken client sends). */
const enc = (s: string) =>
  [...s]
    .map((ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        return '%ED%A0%80';
      }
    })
    .join('');
const formBody = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&');

describe(`fuzz: hostile ids, versions and texts in path, query and form (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(300_000);

  it('never answers 5xx, and no control character is ever stored', async () => {
    const ctx = await createTestApp();
    try {
      const pole = await makePole(ctx.s, { name: 'Pôle Fuzz' });
      await makeMember(ctx.s, pole.slug, 'ess');
      const staffUser = await makeUser(ctx.s, 'staff');
      const managerUser = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
      const agents = { staff: await signIn(ctx.app, staffUser.email), manager: await signIn(ctx.app, managerUser.email) };
      const tokens = { staff: await csrfToken(agents.staff), manager: await csrfToken(agents.manager) };
      const quarter = `/mon-pole/${pole.slug}/trimestres/2026-T3`;
      type Who = keyof typeof agents;
      const gets: [Who, (v: string) => string][] = [
        ['staff', (v) => `/poles/${enc(v)}`],
        ['manager', (v) => `/mon-pole/${enc(v)}`],
        ['staff', (v) => `/admin/import/${enc(v)}`],
        ['manager', (v) => `${quarter}/import?lot=${enc(v)}`],
        ['staff', (v) => `/admin/utilisateurs/${enc(v)}/modifier`],
        ['staff', (v) => `/admin/poles/${pole.slug}/membres/${enc(v)}/modifier`],
        ['staff', (v) => `/admin/indicateurs/${enc(v)}/modifier`],
        ['staff', (v) => `/admin/envois/${enc(v)}`],
        ['staff', (v) => `/publications/2026-T3/versions/${enc(v)}`],
        ['staff', (v) => `/admin/poles?q=${enc(v)}&region=${enc(v)}`],
        ['staff', (v) => `/admin/utilisateurs?q=${enc(v)}`],
        ['staff', (v) => `/admin/trimestres?region=${enc(v)}&periode=${enc(v)}`],
        ['staff', (v) => `/admin/journal?id=${enc(v)}`],
        ['staff', (v) => `/tableau-de-bord?indicateur=${enc(v)}&de=${enc(v)}`],
        ['staff', (v) => `/api/v1/aggregates?level=nation&page=${enc(v)}&limit=${enc(v)}`],
        ['staff', (v) => `/api/v1/aggregates?level=pole&area=${enc(v)}`],
      ];
      const posts: [Who, string | ((v: string) => string), (v: string) => Record<string, string>][] = [
        ['staff', '/profil', (v) => ({ display_name: v, version: v })],
        ['staff', '/profil', (v) => ({ display_name: 'Nom', version: v })],
        [
          'staff',
          `/admin/utilisateurs/${managerUser.id}/modifier`,
          (v) => ({ email: 'fuzz@test.fr', display_name: v, role: 'manager', pole_ids: v, version: v }),
        ],
        ['staff', `/admin/utilisateurs/${managerUser.id}/desactiver`, (v) => ({ version: v })],
        ['staff', (v) => `/admin/utilisateurs/${enc(v)}/reactiver`, () => ({ version: '1' })],
        ['staff', `/admin/poles/${pole.slug}/archiver`, (v) => ({ archived_on: v, version: v })],
        ['staff', `/admin/poles/${pole.slug}/desarchiver`, (v) => ({ version: v })],
        [
          'staff',
          `/admin/poles/${pole.slug}/membres/nouveau`,
          (v) => ({ name: v, siren: '', category: 'ess', joined_on: '2020-01-01', left_on: '', version: v }),
        ],
        ['staff', '/profil/jetons', (v) => ({ token_name: v })],
        ['staff', (v) => `/profil/jetons/${enc(v)}/revoquer`, () => ({})],
        ['staff', '/admin/publications/nouvelle', (v) => ({ periode: '2026-T3', motif: v, version_attendue: v })],
        ['staff', (v) => `/admin/import/${enc(v)}/confirmer`, () => ({})],
        ['staff', `/admin/trimestres/${pole.slug}/2026-T3/renvoyer`, (v) => ({ version: v, reason: v })],
        ['manager', quarter, (v) => ({ 'v.EMP_CREES': '1', 'c.EMP_CREES': v, highlights: v, version: v, action: 'brouillon' })],
        ['manager', (v) => `${quarter}/import/${enc(v)}/confirmer`, () => ({})],
      ];
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(fc.boolean(), fc.nat(), hostile, async (isGet, pick, v) => {
          let res;
          let what;
          if (isGet) {
            const [who, url] = gets[pick % gets.length];
            what = `GET ${url(v)}`;
            res = await agents[who].get(url(v));
          } else {
            const [who, url, form] = posts[pick % posts.length];
            const path = typeof url === 'string' ? url : url(v);
            what = `POST ${path} ${JSON.stringify(form(v))}`;
            res = await agents[who]
              .post(path)
              .type('form')
              .send(formBody({ _csrf: tokens[who], ...form(v) }));
          }
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, what).to.be.below(500);
        }),
        { numRuns: 400, seed: 20261127 },
      );
      console.log(`      [statuses: ${JSON.stringify([...statuses].sort((a, b) => a[0] - b[0]))}]`);
      // The run reached the handlers (not only the CSRF check or the router).
      for (const status of [400, 404, 422])
        expect(statuses.get(status) ?? 0, `${status} in ${JSON.stringify([...statuses])}`).to.be.greaterThan(10);
      await assertNoControlChars(ctx.db);
    } finally {
      await ctx.close();
    }
  });
});
