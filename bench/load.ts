// The load generator, in its own process so that autocannon's work does not run on the server's event
// loop. Forked by measure.ts with IPC: it receives one job, answers with a summary, and exits.
// A job runs for `duration` seconds, or until the parent sends 'stop' (bounded by `maxSeconds`).
import autocannon, { type Result } from 'autocannon';

export interface LoadJob {
  url: string;
  paths: string[];
  cookie: string;
  connections: number;
  /** Seconds; with `untilStopped`, the upper bound. */
  duration: number;
  untilStopped?: boolean;
}

export interface LoadSummary {
  paths: string[];
  seconds: number;
  requests: number;
  rps: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
  mean: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
  statusCodes: Record<string, number>;
}

export function summarise(paths: string[], r: Result): LoadSummary {
  const requests = Object.values(r.statusCodeStats).reduce((s, x) => s + x.count, 0);
  return {
    paths,
    seconds: r.duration,
    requests,
    rps: r.duration > 0 ? requests / r.duration : 0,
    p50: r.latency.p50,
    p97_5: r.latency.p97_5,
    p99: r.latency.p99,
    max: r.latency.max,
    mean: r.latency.average,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    resets: r.resets,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
  };
}

function run(job: LoadJob): void {
  const instance = autocannon(
    {
      url: job.url,
      connections: job.connections,
      duration: job.duration,
      timeout: 10,
      headers: job.cookie ? { cookie: job.cookie, accept: 'text/html' } : { accept: 'text/html' },
      requests: job.paths.map((path) => ({ method: 'GET', path })),
    },
    (err, result) => {
      if (err) {
        process.send!({ error: String(err) });
      } else {
        process.send!({ summary: summarise(job.paths, result) });
      }
      process.disconnect();
    },
  );
  process.on('message', (m) => {
    if (m === 'stop') instance.stop();
  });
}

// Only when forked as this script (load-entry.ts imports summarise from load.ts).
if (process.send && process.argv[1] && import.meta.filename === process.argv[1]) {
  process.once('message', (job) => run(job as LoadJob));
  process.send('ready');
}
