// A redirect must leave only once the session holding what the request put in it is saved: the browser
// follows the redirect on the response head, and express-session flushes the head before its own save.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session, { MemoryStore, type SessionData } from 'express-session';
import { saveSessionBeforeRedirect } from '../../server/http/session.ts';

/** A store whose writes take a while, as a loaded database's do; it records when each write ended. */
class SlowStore extends MemoryStore {
  savedAt: number[] = [];
  override set(sid: string, s: SessionData, cb?: (err?: unknown) => void): void {
    setTimeout(() => {
      super.set(sid, s, (err) => {
        this.savedAt.push(performance.now());
        cb?.(err);
      });
    }, 150);
  }
}

async function serve(withFix: boolean) {
  const store = new SlowStore();
  const app = express();
  app.use(session({ secret: 'x'.repeat(32), store, resave: false, saveUninitialized: false }));
  if (withFix) app.use(saveSessionBeforeRedirect);
  app.post('/flash', (req, res) => {
    (req.session as unknown as { flash: string }).flash = 'Jeton révoqué';
    res.redirect(303, '/profil');
  });
  app.get('/plain', (_req, res) => res.redirect(303, '/profil'));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { store, server, port: (server.address() as AddressInfo).port };
}

/** When the response head arrived (what a browser acts on), and the Set-Cookie it carried. */
function headAt(port: number, method: string, path: string): Promise<{ at: number; status: number; cookie: string[] | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path }, (res) => {
      resolve({ at: performance.now(), status: res.statusCode!, cookie: res.headers['set-cookie'] });
      res.resume();
    });
    req.on('error', reject);
    req.end();
  });
}

describe('sessions saved before a redirect leaves', () => {
  it('sends the redirect only after the session holding the flash message is saved', async () => {
    const { store, server, port } = await serve(true);
    try {
      const head = await headAt(port, 'POST', '/flash');
      expect(head.status).to.equal(303);
      expect(store.savedAt, 'saved once').to.have.length(1);
      expect(head.at).to.be.at.least(store.savedAt[0]);
      expect(head.cookie?.[0]).to.match(/^connect\.sid=/);
    } finally {
      server.close();
    }
  });

  it('(without it, express-session sends the head first: the race this closes)', async () => {
    const { store, server, port } = await serve(false);
    try {
      const head = await headAt(port, 'POST', '/flash');
      await new Promise((r) => setTimeout(r, 300));
      expect(store.savedAt).to.have.length(1);
      expect(head.at).to.be.below(store.savedAt[0]);
    } finally {
      server.close();
    }
  });

  it('saves no session that the request left unchanged (no row for an anonymous redirect)', async () => {
    const { store, server, port } = await serve(true);
    try {
      const head = await headAt(port, 'GET', '/plain');
      expect(head.status).to.equal(303);
      expect(head.cookie).to.equal(undefined);
      await new Promise((r) => setTimeout(r, 300));
      expect(store.savedAt).to.have.length(0);
    } finally {
      server.close();
    }
  });
});
