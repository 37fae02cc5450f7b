import { createHash } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, csrfToken, signIn, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';

type Agent = ReturnType<typeof request.agent>;

/** Handlebars escapes quotes and `=`: compare messages on the decoded text. */
const decode = (html: string) =>
  html
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
/** The message printed next to a field by the form partials. */
const fieldError = (html: string, name: string) => new RegExp(`id="f-${name}-error">([^<]*)<`).exec(decode(html))?.[1];
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe(`staff pages for accounts (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let staff: { id: number; email: string };
  let pole: { id: number; name: string };
  let staffAgent: Agent;
  let csrf: string;

  async function counts() {
    const n = async (table: string) => Number((await ctx.db(table).count({ n: '*' }).first())?.n);
    return { users: await n('users'), audit: await n('audit_log'), tokens: await n('user_tokens') };
  }
  const auditRows = (action: string) => ctx.db('audit_log').where({ action }).orderBy('id');
  const post = (path: string, body: Record<string, unknown>, agent = staffAgent) =>
    agent
      .post(path)
      .type('form')
      .send({ _csrf: csrf, ...body });
  const versionOf = async (id: number) => String((await ctx.db('users').where({ id }).first('version')).version);

  before(async () => {
    ctx = await createTestApp();
    staff = await makeUser(ctx.s, 'staff', { name: 'Camille Équipe' });
    pole = await makePole(ctx.s, { name: 'Pôle Causse Vert' });
    staffAgent = await signIn(ctx.app, staff.email);
    csrf = await csrfToken(staffAgent, '/admin/utilisateurs/nouveau');
  });
  after(() => ctx.close());

  it('lists every account with its French role, scope, state and last sign-in, and filters them', async () => {
    const manager = await makeUser(ctx.s, 'manager', { name: 'Marius Gestion', poleIds: [pole.id] });
    await makeUser(ctx.s, 'funder', { name: 'Fanny Région', regionCodes: ['76'] });
    await makeUser(ctx.s, 'funder', { name: 'Nadia Nationale' });
    const gone = await makeUser(ctx.s, 'funder', { name: 'Ancien Compte' });
    await ctx.db('users').where({ id: gone.id }).update({ active: false });

    const page = decode((await staffAgent.get('/admin/utilisateurs').expect(200)).text);
    expect(page).to.contain('aria-current="page">Utilisateurs');
    const row = (name: string) => new RegExp(`<tr>\\s*<td><a[^>]*>${name}</a></td>([\\s\\S]*?)</tr>`).exec(page)?.[1] ?? '';
    expect(row('Marius Gestion'))
      .to.contain(manager.email)
      .and.contain('Gestionnaire de pôle')
      .and.contain('Pôle Causse Vert')
      .and.contain('jamais');
    expect(row('Fanny Région')).to.contain('Financeur').and.contain('Occitanie');
    expect(row('Nadia Nationale')).to.contain('national');
    expect(row('Camille Équipe')).to.contain('Équipe nationale').and.contain('26 novembre 2026 à 10:00').and.contain('Actif');
    expect(row('Ancien Compte')).to.contain('Désactivé');

    const names = async (query: string) => {
      const html = decode((await staffAgent.get(`/admin/utilisateurs?${query}`).expect(200)).text);
      return [...html.matchAll(/<td><a href="\/admin\/utilisateurs\/\d+\/modifier">([^<]+)<\/a>/g)].map((m) => m[1]).sort();
    };
    expect(await names('q=FANNY')).to.deep.equal(['Fanny Région']);
    expect(await names(`q=${encodeURIComponent(manager.email.slice(0, 12))}`)).to.deep.equal(['Marius Gestion']);
    expect(await names('role=manager')).to.deep.equal(['Marius Gestion']);
    expect(await names('etat=inactifs')).to.deep.equal(['Ancien Compte']);
    expect(await names('role=funder&etat=actifs')).to.deep.equal(['Fanny Région', 'Nadia Nationale']);
    expect(await names('q=%25')).to.deep.equal([]); // % is a character, not a wildcard
    expect(await names('q=&role=&etat=tous')).to.have.length(5);
    await staffAgent.get('/admin/utilisateurs?q=a&q=b').expect(400);
    await staffAgent.get('/admin/utilisateurs?role=boss').expect(400);
    await staffAgent.get('/admin/utilisateurs?etat=tous&etat=actifs').expect(400);
  });

  it('refuses the staff pages to managers and funders (403) and sends anonymous visitors to sign in', async () => {
    const manager = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
    const funder = await makeUser(ctx.s, 'funder');
    for (const who of [manager, funder]) {
      const agent = await signIn(ctx.app, who.email);
      await agent.get('/admin/utilisateurs').expect(403);
      await agent.get('/admin/utilisateurs/nouveau').expect(403);
      const token = await csrfToken(agent, '/profil');
      const before = await counts();
      await agent
        .post('/admin/utilisateurs/nouveau')
        .type('form')
        .send({ _csrf: token, email: 'intrus@exemple.fr', display_name: 'Intrus', role: 'staff' })
        .expect(403);
      await agent
        .post(`/admin/utilisateurs/${who.id}/modifier`)
        .type('form')
        .send({ _csrf: token, email: who.email, display_name: 'X', role: 'staff' })
        .expect(403);
      expect(await counts()).to.deep.equal(before);
      expect((await ctx.db('users').where({ id: who.id }).first()).role).to.not.equal('staff');
    }
    await request(ctx.app).get('/admin/utilisateurs').expect(303).expect('location', '/connexion');
  });

  it('creates an account with an initial password: one audit row without the password, and the person can sign in', async () => {
    const before = await counts();
    const res = await post('/admin/utilisateurs/nouveau', {
      email: 'Gerard.Manager@Exemple.fr',
      display_name: 'Gérard Manager',
      role: 'manager',
      pole_ids: [String(pole.id)],
      password: 'cheval agrafe batterie',
    }).expect(303);
    expect(res.headers.location).to.equal('/admin/utilisateurs');
    expect(await counts()).to.deep.equal({ users: before.users + 1, audit: before.audit + 1, tokens: before.tokens });
    const [audit] = await auditRows('user.create').where({ actor_id: staff.id });
    expect(JSON.parse(audit.after_json)).to.deep.include({
      email: 'Gerard.Manager@Exemple.fr',
      role: 'manager',
      poleIds: [pole.id],
      regionCodes: [],
    });
    expect(audit.after_json).to.not.contain('cheval').and.not.contain('scrypt');
    expect(decode((await staffAgent.get('/admin/utilisateurs')).text)).to.contain('Le compte a été créé.');
    const agent = await signIn(ctx.app, 'gerard.manager@exemple.fr', 'cheval agrafe batterie');
    expect(decode((await agent.get('/profil').expect(200)).text))
      .to.contain('<dd>Gestionnaire de pôle</dd>')
      .and.contain('<li>Pôle Causse Vert</li>');
  });

  it('creates an account with an invitation link shown once (201), stored only as its SHA-256', async () => {
    const before = await counts();
    const res = await post('/admin/utilisateurs/nouveau', {
      email: 'invitee@exemple.fr',
      display_name: 'Inès Invitée',
      role: 'funder',
      region_codes: ['76', '75'],
      password: '',
    }).expect(201);
    const token = /http:\/\/localhost:3000\/invitation\/([A-Za-z0-9_-]{22})"/.exec(res.text)?.[1];
    expect(token, 'link on the page').to.be.a('string');
    expect(Buffer.from(token!, 'base64url')).to.have.length(16);
    expect(decode(res.text)).to.contain('Il ne sera plus affiché').and.contain('26 novembre 2026 à 11:00');
    expect(await counts()).to.deep.equal({ users: before.users + 1, audit: before.audit + 1, tokens: before.tokens + 1 });

    const user = await ctx.db('users').where({ email: 'invitee@exemple.fr' }).first();
    expect(user.password_hash).to.equal(null);
    const stored = await ctx.db('user_tokens').where({ user_id: user.id });
    expect(stored).to.have.length(1);
    expect(stored[0].token_hash).to.equal(sha256(token!));
    expect(stored[0].purpose).to.equal('invitation');
    expect(stored[0].expires_at).to.equal('2026-11-26T10:00:00.000Z'); // 11:00 Paris = one hour from now
    // The token is nowhere at rest: not in the tokens, the audit log or the sessions.
    for (const table of ['user_tokens', 'audit_log', 'sessions', 'users']) {
      expect(JSON.stringify(await ctx.db(table).select('*')), table).to.not.contain(token);
    }
    // Shown once: no later page carries it.
    for (const path of ['/admin/utilisateurs', `/admin/utilisateurs/${user.id}/modifier`, '/admin']) {
      expect((await staffAgent.get(path).expect(200)).text, path).to.not.contain(token);
    }
    expect(await ctx.db('user_regions').where({ user_id: user.id }).orderBy('region_code').pluck('region_code')).to.deep.equal([
      '75',
      '76',
    ]);
  });

  it('refuses a duplicate email whatever its case, next to the field, keeping the typed values and storing nothing', async () => {
    const before = await counts();
    const res = await post('/admin/utilisateurs/nouveau', {
      email: staff.email.toUpperCase(),
      display_name: 'Doublon',
      role: 'staff',
    }).expect(422);
    expect(fieldError(res.text, 'email')).to.equal('Un compte existe déjà avec cette adresse électronique.');
    expect(res.text).to.contain(`value="${staff.email.toUpperCase()}"`).and.contain('value="Doublon"');
    expect(await counts()).to.deep.equal(before);
  });

  it('answers 422 with a French message next to each wrong field of the create form, values kept, nothing stored', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { email: 'pas-une-adresse', display_name: 'Lou', role: 'staff' },
        'email',
        'Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.',
      ],
      [{ email: 'lou@exemple.fr', display_name: '  ', role: 'staff' }, 'display_name', 'Saisissez le nom affiché.'],
      [{ email: 'lou@exemple.fr', display_name: 'Lou', role: 'boss' }, 'role', 'Choisissez un rôle.'],
      [
        { email: 'lou@exemple.fr', display_name: 'Lou', role: 'manager' },
        'pole_ids',
        'Choisissez au moins un pôle pour un gestionnaire de pôle.',
      ],
      [
        { email: 'lou@exemple.fr', display_name: 'Lou', role: 'funder', pole_ids: [String(pole.id)] },
        'pole_ids',
        'Seuls les gestionnaires de pôle sont rattachés à des pôles : retirez les pôles choisis ou changez de rôle.',
      ],
      [
        { email: 'lou@exemple.fr', display_name: 'Lou', role: 'staff', region_codes: ['76'] },
        'region_codes',
        'Seuls les financeurs ont des régions : retirez les régions choisies ou changez de rôle.',
      ],
      [
        { email: 'lou@exemple.fr', display_name: 'Lou', role: 'manager', pole_ids: ['999999'] },
        'pole_ids',
        'Choisissez des pôles de la liste.',
      ],
      [
        { email: 'lou@exemple.fr', display_name: 'Lou', role: 'funder', region_codes: ['ZZ'] },
        'region_codes',
        'Choisissez des régions de la liste.',
      ],
      [
        { email: 'lou@exemple.fr', display_name: 'Lou', role: 'staff', password: 'court' },
        'password',
        'Le mot de passe doit contenir au moins 12 caractères.',
      ],
      [
        { email: 'lou@exemple.fr', display_name: 'Lou Martin', role: 'funder', region_codes: ['76'], password: 'Occitanie2026!' },
        'password',
        'Ce mot de passe est trop courant ou trop proche de votre nom, de votre pôle ou de votre région.',
      ],
      [
        { email: 'lou@exemple.fr', display_name: 'Lou', role: 'manager', pole_ids: [String(pole.id)], password: 'Causse-2026!' },
        'password',
        'Ce mot de passe est trop courant ou trop proche de votre nom, de votre pôle ou de votre région.',
      ],
    ];
    const before = await counts();
    for (const [body, field, message] of cases) {
      const res = await post('/admin/utilisateurs/nouveau', body);
      expect(res.status, JSON.stringify(body)).to.equal(422);
      expect(fieldError(res.text, field), field).to.equal(message);
      expect(res.text).to.contain('Le formulaire contient des erreurs.');
      if (body.email) expect(res.text).to.contain(`value="${body.email}"`);
      if (typeof body.password === 'string') expect(res.text).to.not.contain(`value="${body.password}"`); // never sent back
    }
    const kept = await post('/admin/utilisateurs/nouveau', {
      email: 'x',
      display_name: 'Lou',
      role: 'funder',
      region_codes: ['76', '11'],
    }).expect(422);
    expect(kept.text)
      .to.match(/<input type="checkbox" name="region_codes" value="76" checked>/)
      .and.match(/<input type="checkbox" name="region_codes" value="11" checked>/)
      .and.match(/<option value="funder" selected>/);
    expect(await counts()).to.deep.equal(before);
  });

  it('edits identity, role and scope: one audit row with poleIds and regionCodes before and after; nothing when unchanged', async () => {
    const target = await makeUser(ctx.s, 'manager', { name: 'Rémi Rôle', poleIds: [pole.id] });
    const page = await staffAgent.get(`/admin/utilisateurs/${target.id}/modifier`).expect(200);
    expect(page.text)
      .to.contain(`value="${target.email}"`)
      .and.contain(`<input type="checkbox" name="pole_ids" value="${pole.id}" checked>`);
    const before = await counts();
    const version = await versionOf(target.id);
    await post(`/admin/utilisateurs/${target.id}/modifier`, {
      version,
      email: target.email,
      display_name: 'Rémi Rôle',
      role: 'funder',
      region_codes: ['76'],
    }).expect(303);
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 1 });
    const [audit] = await auditRows('user.update').where({ entity_id: String(target.id) });
    expect(JSON.parse(audit.before_json)).to.deep.include({ role: 'manager', poleIds: [pole.id], regionCodes: [] });
    expect(JSON.parse(audit.after_json)).to.deep.include({ role: 'funder', poleIds: [], regionCodes: ['76'] });
    expect(await ctx.db('user_poles').where({ user_id: target.id })).to.have.length(0);

    const same = await versionOf(target.id);
    await post(`/admin/utilisateurs/${target.id}/modifier`, {
      version: same,
      email: target.email,
      display_name: 'Rémi Rôle',
      role: 'funder',
      region_codes: ['76'],
    }).expect(303);
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 1 });
    expect(await versionOf(target.id)).to.equal(same);
  });

  it('answers a stale edit with 409, both versions shown, and stores nothing', async () => {
    const target = await makeUser(ctx.s, 'funder', { name: 'Sam Concurrence' });
    const stale = await versionOf(target.id);
    await post(`/admin/utilisateurs/${target.id}/modifier`, {
      version: stale,
      email: target.email,
      display_name: 'Sam Premier',
      role: 'funder',
    }).expect(303);
    const before = await counts();
    const res = await post(`/admin/utilisateurs/${target.id}/modifier`, {
      version: stale,
      email: target.email,
      display_name: 'Sam Second',
      role: 'funder',
    }).expect(409);
    expect(decode(res.text))
      .to.contain('a été modifié par quelqu’un d’autre')
      .and.contain('<dd>Sam Premier</dd>')
      .and.contain('value="Sam Second"');
    expect(await counts()).to.deep.equal(before);
    expect((await ctx.db('users').where({ id: target.id }).first()).display_name).to.equal('Sam Premier');
  });

  it('answers 422 on the edit form for a taken email in another case or a role/scope mismatch, storing nothing', async () => {
    const target = await makeUser(ctx.s, 'funder', { name: 'Éva Édition' });
    const version = await versionOf(target.id);
    const before = await counts();
    const taken = await post(`/admin/utilisateurs/${target.id}/modifier`, {
      version,
      email: staff.email.toUpperCase(),
      display_name: 'Éva',
      role: 'funder',
    }).expect(422);
    expect(fieldError(taken.text, 'email')).to.equal('Un compte existe déjà avec cette adresse électronique.');
    const mismatch = await post(`/admin/utilisateurs/${target.id}/modifier`, {
      version,
      email: target.email,
      display_name: 'Éva',
      role: 'manager',
      region_codes: ['76'],
    }).expect(422);
    expect(fieldError(mismatch.text, 'pole_ids')).to.equal('Choisissez au moins un pôle pour un gestionnaire de pôle.');
    expect(fieldError(mismatch.text, 'region_codes')).to.match(/^Seuls les financeurs/);
    expect(mismatch.text).to.contain('<option value="manager" selected>');
    const own = await post(`/admin/utilisateurs/${staff.id}/modifier`, {
      version: await versionOf(staff.id),
      email: staff.email,
      display_name: 'Camille Équipe',
      role: 'funder',
    }).expect(422);
    expect(fieldError(own.text, 'role')).to.match(/^Vous ne pouvez pas changer votre propre rôle/);
    expect(await counts()).to.deep.equal(before);
    await staffAgent.get('/admin/utilisateurs/999999/modifier').expect(404);
    await staffAgent.get('/admin/utilisateurs/abc/modifier').expect(404);
  });

  it('deactivation ends that user’s sessions and prevents sign-in; reactivation lets them back; each is one audit row', async () => {
    const target = await makeUser(ctx.s, 'funder');
    const theirs = await signIn(ctx.app, target.email);
    await theirs.get('/profil').expect(200);
    const generation = (await ctx.db('users').where({ id: target.id }).first()).session_generation;
    const before = await counts();
    await post(`/admin/utilisateurs/${target.id}/desactiver`, { version: await versionOf(target.id) })
      .expect(303)
      .expect('location', `/admin/utilisateurs/${target.id}/modifier`);
    const row = await ctx.db('users').where({ id: target.id }).first();
    expect(Number(row.session_generation)).to.equal(Number(generation) + 1);
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 1 });
    expect(JSON.parse((await auditRows('user.deactivate'))[0].after_json)).to.deep.equal({ active: false });
    await theirs.get('/profil').expect(303).expect('location', '/connexion');
    const retry = request.agent(ctx.app);
    const token = await csrfToken(retry, '/connexion');
    await retry.post('/connexion').type('form').send({ _csrf: token, email: target.email, password: TEST_PASSWORD }).expect(401);

    // Deactivating again changes nothing and writes nothing.
    await post(`/admin/utilisateurs/${target.id}/desactiver`, { version: await versionOf(target.id) }).expect(303);
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 1 });
    await post(`/admin/utilisateurs/${target.id}/reactiver`, { version: '0' }).expect(409);
    await post(`/admin/utilisateurs/${target.id}/reactiver`, {}).expect(400);
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 1 });
    await post(`/admin/utilisateurs/${target.id}/reactiver`, { version: await versionOf(target.id) }).expect(303);
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 2 });
    await (await signIn(ctx.app, target.email)).get('/profil').expect(200);
  });

  it('does not let a staff member deactivate themself', async () => {
    const before = await counts();
    const res = await post(`/admin/utilisateurs/${staff.id}/desactiver`, { version: await versionOf(staff.id) }).expect(422);
    expect(decode(res.text)).to.contain('Vous ne pouvez pas désactiver votre propre compte.');
    expect(await counts()).to.deep.equal(before);
    await staffAgent.get('/admin/utilisateurs').expect(200);
  });

  it('issues a one-hour reset link shown once, stored hashed, replacing the unused earlier one, audited without the token', async () => {
    const target = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
    const before = await counts();
    const issue = async () => {
      const res = await post(`/admin/utilisateurs/${target.id}/lien-reinitialisation`, {}).expect(201);
      return /http:\/\/localhost:3000\/reinitialisation\/([A-Za-z0-9_-]{22})"/.exec(res.text)![1];
    };
    const first = await issue();
    const second = await issue();
    expect(await counts()).to.deep.equal({ ...before, audit: before.audit + 2, tokens: before.tokens + 2 });
    const rows = await ctx.db('user_tokens').where({ user_id: target.id }).orderBy('id');
    expect(rows.map((r) => r.token_hash)).to.deep.equal([sha256(first), sha256(second)]);
    expect(rows[1]).to.include({ purpose: 'reset', expires_at: '2026-11-26T10:00:00.000Z', used_at: null });
    const audits = await auditRows('user.reset_link').where({ entity_id: String(target.id) });
    expect(audits).to.have.length(2);
    for (const a of audits) expect(a.after_json).to.not.contain(first).and.not.contain(second).and.not.contain(sha256(second));
    await request(ctx.app).get(`/reinitialisation/${first}`).expect(410);
    await request(ctx.app).get(`/reinitialisation/${second}`).expect(200);
  });

  it('refuses every staff POST without a valid CSRF token (403) and changes nothing', async () => {
    const target = await makeUser(ctx.s, 'funder');
    const version = await versionOf(target.id);
    const routes: [string, Record<string, unknown>][] = [
      ['/admin/utilisateurs/nouveau', { email: 'csrf@exemple.fr', display_name: 'Csrf', role: 'staff' }],
      [`/admin/utilisateurs/${target.id}/modifier`, { version, email: target.email, display_name: 'Changé', role: 'funder' }],
      [`/admin/utilisateurs/${target.id}/desactiver`, { version }],
      [`/admin/utilisateurs/${target.id}/reactiver`, { version }],
      [`/admin/utilisateurs/${target.id}/lien-reinitialisation`, {}],
    ];
    const before = await counts();
    for (const [path, body] of routes) {
      await staffAgent.post(path).type('form').send(body).expect(403);
      await staffAgent
        .post(path)
        .type('form')
        .send({ ...body, _csrf: 'faux-jeton' })
        .expect(403);
      await request(ctx.app)
        .post(path)
        .type('form')
        .send({ ...body, _csrf: csrf })
        .expect(403); // a token from another session
    }
    expect(await counts()).to.deep.equal(before);
  });
});
