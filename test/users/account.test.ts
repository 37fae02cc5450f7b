import { createHash } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, csrfToken, signIn, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';

type Agent = ReturnType<typeof request.agent>;

const decode = (html: string) =>
  html
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const fieldError = (html: string, name: string) => new RegExp(`id="f-${name}-error">([^<]*)<`).exec(decode(html))?.[1];
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NEW_PASSWORD = 'girafe citron boussole';

describe(`profile, invitation and reset pages (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let pole: { id: number; name: string };

  async function counts() {
    const n = async (table: string) => Number((await ctx.db(table).count({ n: '*' }).first())?.n);
    return { users: await n('users'), audit: await n('audit_log'), tokens: await n('user_tokens') };
  }
  const userRow = (id: number) => ctx.db('users').where({ id }).first();
  const tokenRow = (token: string) =>
    ctx
      .db('user_tokens')
      .where({ token_hash: sha256(token) })
      .first();
  /** An account created by staff without a password: its invitation token. */
  async function invite(email: string, o: { role?: 'funder' | 'manager'; name?: string } = {}) {
    const created = await ctx.s.users.createUser(
      {
        email,
        displayName: o.name ?? 'Invitée',
        role: o.role ?? 'manager',
        poleIds: o.role === 'funder' ? [] : [pole.id],
        regionCodes: [],
      },
      { userId: null },
    );
    return { id: created.id, token: created.invitationToken! };
  }
  /** GETs a link page (for the session's CSRF token) and posts the password form. */
  async function submitLink(path: string, body: Record<string, string>, agent: Agent = request.agent(ctx.app)) {
    const page = await agent.get(path);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? (await csrfToken(agent, '/connexion'));
    return {
      agent,
      res: await agent
        .post(path)
        .type('form')
        .send({ _csrf: token, ...body }),
    };
  }

  before(async () => {
    ctx = await createTestApp();
    pole = await makePole(ctx.s, { name: 'Pôle Garrigue Solidaire' });
  });
  after(() => ctx.close());

  it('shows name, email, French role and scope on the profile of each kind of account', async () => {
    const cases: [Awaited<ReturnType<typeof makeUser>>, string][] = [
      [await makeUser(ctx.s, 'manager', { poleIds: [pole.id], name: 'Manon Profil' }), '<li>Pôle Garrigue Solidaire</li>'],
      [await makeUser(ctx.s, 'funder', { regionCodes: ['76', '11'], name: 'Fred Profil' }), '<li>Île-de-France</li><li>Occitanie</li>'],
      [await makeUser(ctx.s, 'funder', { name: 'Nina Profil' }), 'National : tous les pôles'],
      [await makeUser(ctx.s, 'staff', { name: 'Sacha Profil' }), 'Toutes les données (équipe nationale)'],
    ];
    for (const [who, scope] of cases) {
      const page = decode((await (await signIn(ctx.app, who.email)).get('/profil').expect(200)).text);
      expect(page).to.contain(`<dd>${who.email}</dd>`).and.contain(scope).and.contain('aria-current="page">Mon profil');
    }
    const role = decode((await (await signIn(ctx.app, cases[0][0].email)).get('/profil')).text);
    expect(role).to.contain('<dd>Gestionnaire de pôle</dd>').and.contain('value="Manon Profil"');
    await request(ctx.app).get('/profil').expect(303).expect('location', '/connexion');
  });

  it('changes the display name with one audit row; 422 in French keeping the typed value; 409 when stale; nothing stored on error', async () => {
    const who = await makeUser(ctx.s, 'funder', { name: 'Paul Nom' });
    const agent = await signIn(ctx.app, who.email);
    const csrf = await csrfToken(agent);
    const version = String((await userRow(who.id)).version);
    const before = await counts();
    const long = 'L'.repeat(121);
    const bad = await agent.post('/profil').type('form').send({ _csrf: csrf, version, display_name: long }).expect(422);
    expect(fieldError(bad.text, 'display_name')).to.equal('Ce texte est trop long (120 caractères au plus).');
    expect(bad.text).to.contain(`value="${long}"`);
    const empty = await agent.post('/profil').type('form').send({ _csrf: csrf, version, display_name: ' ' }).expect(422);
    expect(fieldError(empty.text, 'display_name')).to.equal('Saisissez le nom affiché.');
    expect(await counts()).to.deep.equal(before);

    await agent
      .post('/profil')
      .type('form')
      .send({ _csrf: csrf, version, display_name: 'Paul Nouveau' })
      .expect(303)
      .expect('location', '/profil');
    expect(decode((await agent.get('/profil')).text))
      .to.contain('Votre nom a été modifié.')
      .and.contain('<dd>Paul Nouveau</dd>');
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 1 });
    const [audit] = await ctx.db('audit_log').where({ action: 'user.profile_update', entity_id: String(who.id) });
    expect([JSON.parse(audit.before_json), JSON.parse(audit.after_json), audit.actor_id]).to.deep.equal([
      { display_name: 'Paul Nom' },
      { display_name: 'Paul Nouveau' },
      who.id,
    ]);

    const stale = await agent.post('/profil').type('form').send({ _csrf: csrf, version, display_name: 'Paul Troisième' }).expect(409);
    expect(decode(stale.text)).to.contain('a été modifié par quelqu’un d’autre').and.contain('value="Paul Troisième"');
    expect((await userRow(who.id)).display_name).to.equal('Paul Nouveau');
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 1 });
  });

  it('changes the password: current one required, policy checked, other sessions ended, this one kept, audited without the hash', async () => {
    const who = await makeUser(ctx.s, 'manager', { poleIds: [pole.id], name: 'Hugo Garrigue' });
    const elsewhere = await signIn(ctx.app, who.email);
    const agent = await signIn(ctx.app, who.email);
    const csrf = await csrfToken(agent);
    const change = (body: Record<string, string>) =>
      agent
        .post('/profil/mot-de-passe')
        .type('form')
        .send({ _csrf: csrf, ...body });
    const hashBefore = (await userRow(who.id)).password_hash;
    const before = await counts();
    const refusals: [Record<string, string>, string, string][] = [
      [
        { current_password: 'pas le bon mot de passe', new_password: NEW_PASSWORD, new_password_confirm: NEW_PASSWORD },
        'current_password',
        'Le mot de passe actuel est incorrect.',
      ],
      [
        { current_password: '', new_password: NEW_PASSWORD, new_password_confirm: NEW_PASSWORD },
        'current_password',
        'Saisissez votre mot de passe actuel.',
      ],
      [
        { current_password: TEST_PASSWORD, new_password: NEW_PASSWORD, new_password_confirm: 'autre chose encore' },
        'new_password_confirm',
        'Les deux mots de passe ne correspondent pas.',
      ],
      [
        { current_password: TEST_PASSWORD, new_password: 'trop court', new_password_confirm: 'trop court' },
        'new_password',
        'Le mot de passe doit contenir au moins 12 caractères.',
      ],
      [
        { current_password: TEST_PASSWORD, new_password: 'Garrigue2026', new_password_confirm: 'Garrigue2026' },
        'new_password',
        'Ce mot de passe est trop courant ou trop proche de votre nom, de votre pôle ou de votre région.',
      ],
      [
        { current_password: TEST_PASSWORD, new_password: TEST_PASSWORD, new_password_confirm: TEST_PASSWORD },
        'new_password',
        'Choisissez un mot de passe différent de l’actuel.',
      ],
    ];
    for (const [body, field, message] of refusals) {
      const res = await change(body);
      expect(res.status, message).to.equal(422);
      expect(fieldError(res.text, field)).to.equal(message);
      for (const typed of Object.values(body).filter(Boolean)) expect(res.text).to.not.contain(`value="${typed}"`); // passwords never sent back
    }
    expect((await userRow(who.id)).password_hash).to.equal(hashBefore);
    expect(await counts()).to.deep.equal(before);

    await change({ current_password: TEST_PASSWORD, new_password: NEW_PASSWORD, new_password_confirm: NEW_PASSWORD })
      .expect(303)
      .expect('location', '/profil');
    expect(decode((await agent.get('/profil').expect(200)).text)).to.contain('Votre mot de passe a été changé.');
    await agent.get('/profil').expect(200);
    await elsewhere.get('/profil').expect(303).expect('location', '/connexion');
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 1 });
    const [audit] = await ctx.db('audit_log').where({ action: 'user.password_change', entity_id: String(who.id) });
    const row = await userRow(who.id);
    expect(`${audit.before_json}${audit.after_json}`)
      .to.not.contain('scrypt')
      .and.not.contain(row.password_hash)
      .and.not.contain(NEW_PASSWORD);
    expect(JSON.parse(audit.after_json).sessionGeneration).to.equal(Number(row.session_generation));
    await signIn(ctx.app, who.email, NEW_PASSWORD);
    const old = request.agent(ctx.app);
    const token = await csrfToken(old, '/connexion'); // before the POST: the agent attaches its cookies when a request is built
    await old.post('/connexion').type('form').send({ _csrf: token, email: who.email, password: TEST_PASSWORD }).expect(401);
  });

  it('accepts an invitation once: the password is set, the link used, the person signs in; reuse is refused', async () => {
    const { id, token } = await invite('nouvelle@exemple.fr', { name: 'Zoé Nouvelle' });
    const page = await request(ctx.app).get(`/invitation/${token}`).expect(200);
    expect(decode(page.text))
      .to.contain('Bienvenue : choisissez votre mot de passe')
      .and.contain('nouvelle@exemple.fr')
      .and.contain('for="f-password"');
    const before = await counts();

    for (const [body, field, message] of [
      [
        { password: NEW_PASSWORD, password_confirm: 'pas pareil du tout' },
        'password_confirm',
        'Les deux mots de passe ne correspondent pas.',
      ],
      [{ password: 'court', password_confirm: 'court' }, 'password', 'Le mot de passe doit contenir au moins 12 caractères.'],
      [
        { password: 'Zoé.Nouvelle!', password_confirm: 'Zoé.Nouvelle!' },
        'password',
        'Ce mot de passe est trop courant ou trop proche de votre nom, de votre pôle ou de votre région.',
      ],
    ] as const) {
      const { res } = await submitLink(`/invitation/${token}`, body);
      expect(res.status, message).to.equal(422);
      expect(fieldError(res.text, field)).to.equal(message);
    }
    expect(await counts()).to.deep.equal(before);
    expect((await tokenRow(token)).used_at).to.equal(null);
    expect((await userRow(id)).password_hash).to.equal(null);

    const { agent, res } = await submitLink(`/invitation/${token}`, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/connexion');
    expect(decode((await agent.get('/connexion')).text)).to.contain('Votre mot de passe est enregistré.');
    expect((await tokenRow(token)).used_at).to.be.a('string');
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 1 });
    const [audit] = await ctx.db('audit_log').where({ action: 'user.invitation_accept', entity_id: String(id) });
    expect(JSON.parse(audit.after_json)).to.include({ hasPassword: true });
    await (await signIn(ctx.app, 'nouvelle@exemple.fr', NEW_PASSWORD)).get('/profil').expect(200);

    const hash = (await userRow(id)).password_hash;
    await request(ctx.app).get(`/invitation/${token}`).expect(410);
    const again = await submitLink(`/invitation/${token}`, { password: 'un tout autre secret', password_confirm: 'un tout autre secret' });
    expect(again.res.status).to.equal(410);
    expect(decode(again.res.text)).to.contain('Ce lien a expiré ou a déjà été utilisé.');
    expect((await userRow(id)).password_hash).to.equal(hash);
  });

  it('answers 404 for a link that never existed or is used on the wrong page', async () => {
    const { token } = await invite('mauvaise-page@exemple.fr');
    for (const path of ['/invitation/AAAAAAAAAAAAAAAAAAAAAA', '/invitation/trop-court', `/reinitialisation/${token}`]) {
      const res = await request(ctx.app).get(path).expect(404);
      expect(decode(res.text)).to.contain('Ce lien n’est pas valide.');
    }
    const { res } = await submitLink(`/reinitialisation/${token}`, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
    expect(res.status).to.equal(404);
    expect((await tokenRow(token)).used_at).to.equal(null);
  });

  it('resets a password through a staff link: existing sessions end, the old password stops working, the link is single use', async () => {
    const staff = await makeUser(ctx.s, 'staff');
    const who = await makeUser(ctx.s, 'funder', { name: 'Rita Reset' });
    const theirs = await signIn(ctx.app, who.email);
    const { token } = await ctx.s.users.issueResetLink((await ctx.s.repos.users.findById(ctx.db, who.id))!, { userId: staff.id });
    const page = await request(ctx.app).get(`/reinitialisation/${token}`).expect(200);
    expect(decode(page.text)).to.contain('Choisissez un nouveau mot de passe');
    const before = await counts();
    const { res } = await submitLink(`/reinitialisation/${token}`, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
    expect(res.status).to.equal(303);
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 1 });
    expect(await ctx.db('audit_log').where({ action: 'user.password_reset', entity_id: String(who.id) })).to.have.length(1);
    await theirs.get('/profil').expect(303).expect('location', '/connexion');
    await signIn(ctx.app, who.email, NEW_PASSWORD);
    await request(ctx.app).get(`/reinitialisation/${token}`).expect(410);
  });

  it('refuses a link for a deactivated account (410)', async () => {
    const { id, token } = await invite('desactivee@exemple.fr', { role: 'funder' });
    const staff = await makeUser(ctx.s, 'staff');
    const user = (await ctx.s.repos.users.findById(ctx.db, id))!;
    await ctx.s.users.setActive(user, user.version, false, { userId: staff.id });
    await request(ctx.app).get(`/invitation/${token}`).expect(410);
    const { res } = await submitLink(`/invitation/${token}`, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
    expect(res.status).to.equal(410);
    expect((await userRow(id)).password_hash).to.equal(null);
  });

  it('refuses every account POST without a valid CSRF token (403) and changes nothing', async () => {
    const who = await makeUser(ctx.s, 'funder', { name: 'Clara Csrf' });
    const { token } = await invite('csrf-invite@exemple.fr');
    const agent = await signIn(ctx.app, who.email);
    const version = String((await userRow(who.id)).version);
    const before = await counts();
    const posts: [string, Record<string, string>][] = [
      ['/profil', { version, display_name: 'Changé' }],
      ['/profil/mot-de-passe', { current_password: TEST_PASSWORD, new_password: NEW_PASSWORD, new_password_confirm: NEW_PASSWORD }],
      [`/invitation/${token}`, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD }],
    ];
    for (const [path, body] of posts) {
      await agent.post(path).type('form').send(body).expect(403);
      await agent
        .post(path)
        .type('form')
        .send({ ...body, _csrf: 'faux-jeton' })
        .expect(403);
    }
    expect(await counts()).to.deep.equal(before);
    expect((await userRow(who.id)).display_name).to.equal('Clara Csrf');
    expect((await tokenRow(token)).used_at).to.equal(null);
  });

  // Last: moving the clock on also ends the sessions opened above (idle timeout).
  it('refuses an invitation once its hour is over (410), storing nothing', async () => {
    const { id, token } = await invite('en-retard@exemple.fr');
    ctx.clock.advance({ minutes: 59 });
    await request(ctx.app).get(`/invitation/${token}`).expect(200);
    ctx.clock.advance({ minutes: 2 });
    const page = await request(ctx.app).get(`/invitation/${token}`).expect(410);
    expect(decode(page.text)).to.contain('Lien expiré').and.contain('Demandez un nouveau lien');
    const before = await counts();
    const { res } = await submitLink(`/invitation/${token}`, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
    expect(res.status).to.equal(410);
    expect(await counts()).to.deep.equal(before);
    expect((await userRow(id)).password_hash).to.equal(null);
  });
});
