// The served OpenAPI document, linted by Redocly CLI with its recommended rules: no error, no warning.
// The CLI runs offline: telemetry and the update and announcement checks are turned off by environment.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestContext } from '../support/test-app.ts';

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string }[];
}

const redocly = path.join(path.dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
const OFFLINE = {
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
  NO_COLOR: '1',
};

describe('OpenAPI document linted by Redocly CLI (recommended rules)', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ptce-openapi-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Writes the document an app serves to a file and lints it; the working directory holds no redocly.yaml. */
  async function lintServed(env: Record<string, string>, name: string): Promise<LintReport> {
    let ctx: TestContext | undefined;
    try {
      ctx = await createTestApp(env);
      const doc = (await request(ctx.app).get('/api/v1/openapi.json').expect(200)).body;
      const file = path.join(dir, name);
      await writeFile(file, JSON.stringify(doc, null, 2));
      // Exit code 1 when an error is found: the report on stdout says which, so it is read either way.
      const { stdout } = await promisify(execFile)(process.execPath, [redocly, 'lint', '--format=json', '--extends=recommended', file], {
        cwd: dir,
        env: { ...process.env, ...OFFLINE },
      }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
      return JSON.parse(stdout) as LintReport;
    } finally {
      await ctx?.close();
    }
  }

  it('passes with no error and no warning as served in production (a public https address)', async () => {
    const report = await lintServed({ PUBLIC_URL: 'https://impact.exemple.fr' }, 'openapi.json');
    expect(report.problems, JSON.stringify(report.problems, null, 2)).to.deep.equal([]);
    expect(report.totals).to.include({ errors: 0, warnings: 0 });
  });

  it('is a real lint: served from localhost, the server address is the one warning', async () => {
    const report = await lintServed({}, 'openapi-localhost.json');
    expect(report.totals).to.include({ errors: 0, warnings: 1 });
    expect(report.problems.map((p) => p.ruleId)).to.deep.equal(['no-server-example.com']);
  });

  it('names every operation with a stable camelCase operationId, each once', async () => {
    const ctx = await createTestApp();
    try {
      const doc = (await request(ctx.app).get('/api/v1/openapi.json').expect(200)).body as {
        paths: Record<string, Record<string, { operationId?: string }>>;
      };
      const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
      expect(ids).to.deep.equal(['listIndicators', 'listRegions', 'listAggregates', 'listTargets']);
      for (const id of ids) expect(id).to.match(/^[a-z][a-zA-Z0-9]*$/);
    } finally {
      await ctx.close();
    }
  });
});
