// Every page type each demo role reaches, at 390 px in Chromium: no page scrolls sideways (wide tables
// scroll in their own frame) and axe-core finds nothing serious or critical, WCAG 2.1 and 2.2 AA rules
// included. A crawl rather than a list, so that a page added later is checked without anyone adding it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { closeBrowserSuite, openBrowserSuite, signInThroughForm, watchProblems, type Served } from '../support/browser.ts';
import { onPostgres } from '../support/test-db.ts';
import { DEMO_DOMAIN, DEMO_PASSWORD, loadDemoData } from '../../seeds/demo.ts';

const WIDTH = 390;
const MAX_PAGES = 60;
// Links that download a file, end the session or leave the HTML pages.
const SKIPPED = /deconnexion|\/fichier\/|\.(csv|xlsx|json|pdf)\b|\/modele\/|\/telecharger|\/api\/|\/static\/|\/export\b|\/exports\/.+/;

/** A page type: the same path with its slugs, ids and quarters replaced, so each type is visited once. */
const pageType = (url: string) =>
  url
    .replace(/\?.*$/, '')
    .replace(/\/\d{4}(-T\d)?(?=\/|$)/g, '/:period')
    .replace(/\/\d+(?=\/|$)/g, '/:id')
    .replace(/\/(poles|mon-pole|trimestres|regions)\/[^/]+/g, '/$1/:key');

// The pages as served (not the DOM after scripts), for the W3C Nu HTML checker at the end.
const served = fs.mkdtempSync(path.join(os.tmpdir(), 'ptce-vnu-'));
let servedCount = 0;

async function crawl(page: Page, base: string) {
  const queue = ['/'];
  const types = new Set<string>();
  const wide: string[] = [];
  const findings: string[] = [];
  while (queue.length && types.size < MAX_PAGES) {
    const url = queue.shift()!;
    if (types.has(pageType(url))) continue;
    types.add(pageType(url));
    const res = await page.goto(base + url);
    expect(res?.status(), url).to.be.below(400);
    if (!(res?.headers()['content-type'] ?? '').includes('text/html')) continue;
    fs.writeFileSync(path.join(served, `${String(servedCount++).padStart(3, '0')}.html`), await res!.text());
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > WIDTH) wide.push(`${url}: ${width} px`);
    const axe = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
      .analyze();
    for (const v of axe.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
      findings.push(`${url}: ${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    const links = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')!));
    for (const l of links) if (!SKIPPED.test(l)) queue.push(l.split('#')[0]);
  }
  return { types, wide, findings };
}

describe('every page each role reaches, at 390 px in Chromium (crawl of the demo data)', function () {
  this.timeout(600_000);
  let ctx: TestContext;
  let browser: Browser;
  let server: Served;

  before(async function () {
    // The layout does not depend on the database: the crawl runs once, on SQLite.
    if (onPostgres) return this.skip();
    ctx = await createTestApp();
    await loadDemoData(ctx.s, { regions: 3 });
    ({ server, browser } = await openBrowserSuite(ctx.app));
  });
  after(async () => {
    if (ctx) await closeBrowserSuite(browser, server, ctx);
    fs.rmSync(served, { recursive: true, force: true });
  });

  // The page types each role must at least reach, so that a crawl stopped early cannot pass.
  for (const [account, atLeast] of [
    ['staff', 25],
    ['manager.a', 8],
    ['funder.region', 10],
    ['funder.national', 10],
  ] as const) {
    it(`${account}: no page scrolls sideways, no serious accessibility finding`, async () => {
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: WIDTH, height: 844 } });
      const page = await context.newPage();
      await signInThroughForm(page, server.url, `${account}@${DEMO_DOMAIN}`, DEMO_PASSWORD);
      const problems = watchProblems(page);
      const { types, wide, findings } = await crawl(page, server.url);
      expect(types.size, [...types].join(' ')).to.be.at.least(atLeast);
      expect(wide, 'pages wider than the screen').to.deep.equal([]);
      expect(findings, 'axe-core, serious or critical').to.deep.equal([]);
      expect(
        problems.filter((p) => !p.startsWith('console warning')),
        'console, CSP or network problems',
      ).to.deep.equal([]);
      await context.close();
    });
  }
  it('serves valid HTML on every page crawled (the W3C Nu HTML checker, vnu-jar)', function () {
    const files = fs.readdirSync(served).map((f) => path.join(served, f));
    expect(files.length, 'pages crawled by the tests above').to.be.greaterThan(40);
    const vnu = path.resolve('node_modules/vnu-jar/build/dist/vnu.jar');
    const run = spawnSync('java', ['-jar', vnu, '--errors-only', '--format', 'json', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(run.error, 'a Java runtime (.ci/run installs default-jre-headless)').to.equal(undefined);
    const messages = (
      JSON.parse(run.stderr || '{"messages":[]}') as { messages: { type: string; url: string; lastLine: number; message: string }[] }
    ).messages
      .filter((m) => m.type === 'error')
      .map((m) => `${path.basename(m.url)}:${m.lastLine} ${m.message}`);
    expect(messages).to.deep.equal([]);
  });
});
