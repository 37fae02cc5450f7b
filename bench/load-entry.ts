// The entry load, in its own process (as load.ts): each autocannon connection is one pole manager who
// opens its own pole's quarter form and saves it as a draft, again and again, with a changed figure each
// time. Every save is a real one: the form's version and form token are read from the page just served.
import autocannon from 'autocannon';
import { summarise, type LoadSummary } from './load.ts';

export interface EntryJob {
  url: string;
  connections: number;
  duration: number;
  /** One per connection: the manager's session cookie and its pole. */
  managers: { cookie: string; slug: string }[];
  period: string;
  /** A complete, valid form body (without _csrf, version, form_token, action). */
  body: Record<string, string>;
  /** The field whose value changes at every save, so that each save writes something. */
  varyField: string;
}

export interface EntrySummary extends LoadSummary {
  /** Answers to the POSTs alone: 303 is a saved draft; anything else is a failed save. */
  saves: Record<string, number>;
  savesPerSecond: number;
}

type Ctx = { csrf?: string; version?: string; formToken?: string; manager?: { cookie: string; slug: string } };
type Req = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  state: { manager?: { cookie: string; slug: string } };
};

const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

function run(job: EntryJob): void {
  const pool = [...job.managers];
  const saves: Record<string, number> = {};
  let counter = 0;
  const instance = autocannon(
    {
      url: job.url,
      connections: job.connections,
      duration: job.duration,
      timeout: 10,
      requests: [
        {
          method: 'GET',
          // Per-connection state: autocannon clones the request list for each connection, and keeps this
          // nested object between cycles (the context is reset at every cycle).
          state: {},
          setupRequest(req: Req, ctx: Ctx) {
            if (!req.state.manager) {
              const next = pool.shift();
              if (!next) throw new Error('more connections than managers');
              req.state.manager = next;
            }
            ctx.manager = req.state.manager;
            req.path = `/mon-pole/${ctx.manager.slug}/trimestres/${job.period}`;
            req.headers = { ...req.headers, cookie: ctx.manager.cookie, accept: 'text/html' };
            return req;
          },
          onResponse(_status: number, body: string, ctx: Ctx) {
            ctx.csrf = hidden(body, '_csrf');
            ctx.version = hidden(body, 'version');
            ctx.formToken = hidden(body, 'form_token');
          },
        },
        {
          method: 'POST',
          setupRequest(req: Req, ctx: Ctx) {
            if (!ctx.manager || !ctx.csrf || ctx.version === undefined || !ctx.formToken) return null; // form not served: start again
            counter++;
            const form = new URLSearchParams({
              ...job.body,
              [job.varyField]: String(1 + (counter % 97)),
              _csrf: ctx.csrf,
              version: ctx.version,
              form_token: ctx.formToken,
              action: 'brouillon',
            });
            req.path = `/mon-pole/${ctx.manager.slug}/trimestres/${job.period}`;
            req.headers = { ...req.headers, cookie: ctx.manager.cookie, 'content-type': 'application/x-www-form-urlencoded' };
            req.body = form.toString();
            return req;
          },
          onResponse(status: number) {
            saves[status] = (saves[status] ?? 0) + 1;
          },
        },
      ] as never,
    },
    (err, result) => {
      if (err) process.send!({ error: String(err) });
      else {
        const summary: EntrySummary = {
          ...summarise([`/mon-pole/:slug/trimestres/${job.period}`], result),
          saves,
          savesPerSecond: result.duration > 0 ? (saves['303'] ?? 0) / result.duration : 0,
        };
        process.send!({ summary });
      }
      process.disconnect();
    },
  );
  void instance;
}

if (process.send && process.argv[1] && import.meta.filename === process.argv[1]) {
  process.once('message', (job) => run(job as EntryJob));
  process.send('ready');
}
