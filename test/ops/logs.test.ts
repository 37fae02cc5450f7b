// The logs of a real process, at level trace, after the flows that handle secrets: no password, token,
// session id or CSRF token may appear in them, and every request gets one JSON line with its id.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Response } from 'supertest';
import { createTestDb, type TestDb } from '../support/test-db.ts';
import { csrfFrom, TEST_PASSWORD } from '../support/test-app.ts';
import { killAllApps, prepareInstallation, signInOverHttp, startApp, type AppProcess } from '../support/app-process.ts';
import request from 'supertest';
import express from 'express';
import { createLogger } from '../../server/logger.ts';
import { requestLog } from '../../server/http/request-log.ts';

describe('logs: JSON lines with a request id, and no secret in them', function () {
  this.timeout(90_000);
  let testDb: TestDb;
  let app: AppProcess | undefined;
  after(async () => {
    await killAllApps();
    await testDb?.destroy();
  });

  it('runs sign-in, a failed sign-in, a password change, invitation and reset links and a Bearer request, and finds none of their secrets in the logs', async () => {
    testDb = await createTestDb();
    let invitation = '';
    let reset = '';
    const inst = await prepareInstallation(testDb.database, {
      async withServices(s) {
        const invited = await s.users.createUser(
          { email: 'invitee@test.ptce-impact.fr', displayName: 'Invitée', role: 'funder', poleIds: [], regionCodes: [] },
          { userId: null },
        );
        invitation = invited.invitationToken!;
        const forgetful = await s.users.createUser(
          {
            email: 'oublieux@test.ptce-impact.fr',
            displayName: 'Oublieux',
            role: 'funder',
            poleIds: [],
            regionCodes: [],
            password: TEST_PASSWORD,
          },
          { userId: null },
        );
        reset = (await s.users.issueResetLink((await s.repos.users.findById(s.db, forgetful.id))!, { userId: null })).token;
      },
    });
    const sessionSecret = randomBytes(24).toString('hex');
    app = await startApp({ database: testDb.database, env: { NODE_ENV: 'production', SESSION_SECRET: sessionSecret, LOG_LEVEL: 'trace' } });

    const secrets = new Set<string>([sessionSecret, invitation, reset]);
    const requestIds = new Set<string>();
    const seen = (res: Response) => {
      requestIds.add(res.headers['x-request-id']);
      for (const c of (res.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
        const value = decodeURIComponent(c.split(';')[0].split('=').slice(1).join('='));
        secrets.add(value);
        const sid = /^s:([^.]+)\./.exec(value)?.[1];
        if (sid) secrets.add(sid);
      }
      const csrf = /name="_csrf" value="([^"]+)"/.exec(res.text ?? '')?.[1];
      if (csrf) secrets.add(csrf);
      const formToken = /name="form_token" value="([^"]+)"/.exec(res.text ?? '')?.[1];
      if (formToken) secrets.add(formToken);
      return res;
    };

    // A failed sign-in, then a good one.
    const anon = request.agent(app.url);
    const wrong = 'un-mauvais-mot-de-passe-tres-secret';
    secrets.add(wrong).add(TEST_PASSWORD);
    let page = seen(await anon.get('/connexion').expect(200));
    const failed = seen(
      await anon
        .post('/connexion')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: inst.manager.email, password: wrong }),
    );
    expect(failed.status).to.be.oneOf([401, 422]);
    const manager = await signInOverHttp(app.url, inst.manager.email);
    page = seen(await manager.get('/profil').expect(200));

    // Password change.
    const next = `phrase secrète ${randomBytes(6).toString('hex')}`;
    secrets.add(next);
    seen(
      await manager
        .post('/profil/mot-de-passe')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), current_password: TEST_PASSWORD, new_password: next, new_password_confirm: next })
        .expect(303),
    );

    // Invitation and reset links (the token is in the path), with a token in a query string too.
    for (const [path, token] of [
      ['/invitation', invitation],
      ['/reinitialisation', reset],
    ] as const) {
      const agent = request.agent(app.url);
      const chosen = `mot de passe choisi ${randomBytes(6).toString('hex')}`;
      secrets.add(chosen);
      page = seen(await agent.get(`${path}/${token}`).expect(200));
      seen(
        await agent
          .post(`${path}/${token}`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), password: chosen, password_confirm: chosen })
          .expect(303),
      );
    }
    const queryToken = randomBytes(16).toString('hex');
    secrets.add(queryToken);
    seen(await anon.get(`/connexion?token=${queryToken}`));

    // An API request with a Bearer token (whether or not the API answers).
    const bearer = `ptce_${randomBytes(20).toString('hex')}`;
    secrets.add(bearer);
    seen(await request(app.url).get('/api/v1/poles').set('Authorization', `Bearer ${bearer}`));
    seen(await request(app.url).get('/healthz').set('Cookie', `ptce.sid=${bearer}x`));
    secrets.add(`${bearer}x`);

    expect(await app.stop()).to.equal(0);
    const lines = app.logs.filter((l) => l.trim() !== '');
    // Production: every line is JSON.
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const leaks: string[] = [];
    for (const secret of secrets) {
      for (const form of new Set([secret, encodeURIComponent(secret), secret.replace(/ /g, '+')])) {
        const line = lines.find((l) => l.includes(form));
        if (line) leaks.push(`${secret.slice(0, 12)}… in ${line.slice(0, 200)}`);
      }
    }
    expect(leaks).to.deep.equal([]);
    expect(secrets.size).to.be.above(12);

    // One line per request, carrying the request id the answer gave.
    const requests = entries.filter((e) => e.msg === 'request');
    for (const id of requestIds)
      expect(
        requests.filter((e) => e.requestId === id),
        `request ${id}`,
      ).to.have.length(1);
    const invitationLines = requests.filter((e) => String(e.path).startsWith('/invitation'));
    expect(invitationLines.map((e) => [e.method, e.route, e.path, e.status])).to.deep.equal([
      ['GET', '/invitation/:token', '/invitation/:token', 200],
      ['POST', '/invitation/:token', '/invitation/:token', 303],
    ]);
    const change = requests.find((e) => e.path === '/profil/mot-de-passe')!;
    expect(change).to.include({ method: 'POST', status: 303, userId: inst.manager.id });
    expect(change.ms).to.be.a('number');
  });

  it('logs the whole path of an answer given by a mounted middleware (static files at debug, the API)', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    const app = express();
    app.use(requestLog(logger));
    app.use('/static', (_req, res) => void res.type('text/css').send('body {}'));
    app.use('/api/v1', (_req, res) => void res.status(401).json({ erreur: 'jeton' }));
    await request(app).get('/static/css/app.css').expect(200);
    await request(app).get('/api/v1/poles?token=secret-de-requete').expect(401);
    const entries = lines.map((l) => JSON.parse(l) as { level: number; path: string; status: number });
    expect(entries.map((e) => [e.level, e.path, e.status])).to.deep.equal([
      [20, '/static/css/app.css', 200],
      [30, '/api/v1/poles', 401],
    ]);
  });

  it('logs a failed query without its bound values', async () => {
    const t = await createTestDb();
    const lines: string[] = [];
    const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
    const secret = `valeur-secrete-${randomBytes(8).toString('hex')}`;
    const err = await t
      .db('users')
      .insert({ email: secret, no_such_column: secret })
      .catch((e: unknown) => e);
    logger.error({ err, user: { password: secret, headers: { authorization: `Bearer ${secret}` } } }, 'query failed');
    await t.destroy();
    expect(lines).to.have.length(1);
    expect(lines[0]).to.contain('insert into').and.not.to.contain(secret);
  });
});
