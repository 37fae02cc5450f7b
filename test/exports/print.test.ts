import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { createTestApp, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { closeBrowserSuite, openBrowserSuite, signInThroughForm, watchProblems, type Served } from '../support/browser.ts';
import { makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { buildExportFixture } from './fixture.ts';

const OUT = path.resolve('test-results/exports');

/** Pages of a PDF: its page objects (`/Type /Page`, not the `/Type /Pages` tree nodes). */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

describe(`exports: the print page in Chromium (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(180_000);
  let ctx: TestContext;
  let browser: Browser;
  let server: Served;
  let staffEmail = '';
  let funderEmail = '';

  before(async () => {
    ctx = await createTestApp();
    await buildExportFixture(ctx);
    staffEmail = (await makeUser(ctx.s, 'staff')).email;
    funderEmail = (await makeUser(ctx.s, 'funder', { regionCodes: ['76'] })).email;
    ({ server, browser } = await openBrowserSuite(ctx.app));
    fs.mkdirSync(OUT, { recursive: true });
  });
  after(async () => {
    await closeBrowserSuite(browser, server, ctx);
  });

  it('the export pages have no console error, no CSP violation, no serious accessibility problem', async () => {
    const visits: [string, string[]][] = [
      [
        staffEmail,
        [
          '/admin/exports',
          '/admin/exports/synthese?periode=2031&format=pdf',
          '/admin/exports/synthese/impression?periode=2026-T2',
          '/exports',
        ],
      ],
      [funderEmail, ['/exports', '/exports/perimetre/impression?periode=2026']],
    ];
    for (const [email, urls] of visits) {
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const problems = watchProblems(page);
      await signInThroughForm(page, server.url, email, TEST_PASSWORD);
      for (const url of urls) {
        const res = await page.goto(server.url + url);
        expect(res?.status(), url).to.equal(url.includes('2031') ? 422 : 200);
        const axe = await new AxeBuilder({ page }).analyze();
        const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(serious.map((v) => `${url}: ${v.id} — ${v.help}`)).to.deep.equal([]);
      }
      // The 422 page is expected; nothing else may fail.
      expect(problems.filter((p) => !p.includes('422'))).to.deep.equal([]);
      await context.close();
    }
  });

  for (const who of ['staff', 'funder'] as const) {
    it(`${who}: prints on A4 without navigation, a sane number of pages, no CSP error`, async () => {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems = watchProblems(page);
      await signInThroughForm(page, server.url, who === 'staff' ? staffEmail : funderEmail, TEST_PASSWORD);
      const url =
        who === 'staff'
          ? '/admin/exports/synthese/impression?periode=2026-T2&base=validated'
          : '/exports/perimetre/impression?periode=2026';
      await page.goto(server.url + url);
      await page.screenshot({ path: path.join(OUT, `print-${who}-screen.png`), fullPage: true });
      // On screen the navigation is there; in print it is gone, and so are the buttons.
      expect(await page.locator('nav.main-nav').evaluate((el) => getComputedStyle(el).display)).not.to.equal('none');
      await page.emulateMedia({ media: 'print' });
      for (const selector of ['nav.main-nav', '.site-header', '.site-footer', '.print-actions']) {
        expect(await page.locator(selector).evaluate((el) => getComputedStyle(el).display), selector).to.equal('none');
      }
      // Each view starts a new page.
      const breaks = await page.locator('.print-section').evaluateAll((els) => els.map((el) => getComputedStyle(el).breakBefore));
      expect(breaks.slice(1).every((b) => b === 'page')).to.equal(true);
      const pdf = await page.pdf({ format: 'A4', printBackground: false, preferCSSPageSize: true });
      fs.writeFileSync(path.join(OUT, `print-${who}.pdf`), pdf);
      expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
      const pages = pdfPageCount(pdf);
      expect(pages, 'pages').to.be.within(breaks.length, 40);
      await page.close();
      expect(problems).to.deep.equal([]);
    });
  }
});
