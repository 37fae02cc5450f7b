import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { createTestApp, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { closeBrowserSuite, openBrowserSuite, signInThroughForm, watchProblems, type Served } from '../support/browser.ts';
import { makeUser } from '../support/factories.ts';

const SHOTS = path.resolve('test-results/screenshots');

describe('API tokens on the profile page, in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let browser: Browser;
  let server: Served;
  let email = '';

  before(async () => {
    ctx = await createTestApp();
    email = (await makeUser(ctx.s, 'funder', { regionCodes: ['76'], name: 'Fabrice Garnier' })).email;
    ({ server, browser } = await openBrowserSuite(ctx.app, SHOTS));
  });
  after(async () => {
    await closeBrowserSuite(browser, server, ctx);
  });

  it('creates a token shown once, uses it, then revokes it, without console errors or serious accessibility problems', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signInThroughForm(page, server.url, email, TEST_PASSWORD);
    await page.goto(`${server.url}/profil`);
    await page.fill('#f-token_name', 'Tableur du service études');
    const [created] = await Promise.all([page.waitForNavigation(), page.click('#jetons button[type=submit]:has-text("Créer un jeton")')]);
    expect(created?.status()).to.equal(201);
    const token = await page.inputValue('#new-api-token');
    expect(token).to.match(/^ptce_[A-Za-z0-9_-]{43}$/);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).to.deep.equal([]);
    await page.screenshot({ path: path.join(SHOTS, 'funder_profil_jeton-cree.png'), fullPage: true });

    const res = await fetch(`${server.url}/api/v1/regions`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);

    await page.goto(`${server.url}/profil`);
    expect(await page.locator('#new-api-token').count()).to.equal(0);
    // The answer is the same URL (POST → 303 → /profil): wait for the new page's message, not for « a
    // navigation », which a loaded machine can report for the page already shown.
    await page.click('#jetons button:has-text("Révoquer")');
    await page
      .locator('main', { hasText: 'Le jeton « Tableur du service études » est révoqué.' })
      .waitFor({ timeout: 15_000 })
      .catch(async (err: unknown) => {
        throw new Error(
          `${String(err).split('\n')[0]} — page ${page.url()}: ${(await page.textContent('#jetons'))?.replace(/\s+/g, ' ').slice(0, 600)}`,
        );
      });
    expect(await page.locator('#jetons button:has-text("Révoquer")').count(), 'no token left to revoke').to.equal(0);
    await page.screenshot({ path: path.join(SHOTS, 'funder_profil_jeton-revoque.png'), fullPage: true });
    expect((await fetch(`${server.url}/api/v1/regions`, { headers: { Authorization: `Bearer ${token}` } })).status).to.equal(401);
    expect(problems.filter((p) => !p.includes('/api/v1/'))).to.deep.equal([]);
    await context.close();
  });
});
