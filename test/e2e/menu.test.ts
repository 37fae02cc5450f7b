// The header's « Menu » button in a real browser: on a phone the menu folds behind it, on a wide screen and
// without JavaScript it is always open.
import path from 'node:path';
import { expect } from 'chai';
import { browserSuite, openPage } from '../support/browser.ts';
import { makeUser } from '../support/factories.ts';

const SHOTS = path.resolve('test-results/screenshots');

describe('the header menu in a real browser (Chromium)', function () {
  this.timeout(120_000);
  const suite = browserSuite(SHOTS, async (ctx) => (await makeUser(ctx.s, 'staff', { name: 'Camille Martin' })).email);

  it('folds the menu and the account links behind « Menu » at 390 px; Escape closes it', async () => {
    const { context, page, problems } = await openPage(suite, { width: 390, height: 844, email: suite.seeded });
    const button = page.locator('.menu-button');
    expect(await button.isVisible()).to.equal(true);
    expect(await page.locator('#site-menu-nav').isVisible()).to.equal(false);
    expect(await page.locator('#site-menu-user').isVisible()).to.equal(false);
    // The title is near the top of the screen, not under 330 px of menu.
    expect((await page.locator('main h1').boundingBox())!.y).to.be.below(120);
    await page.screenshot({ path: path.join(SHOTS, 'menu_closed_390.png') });
    await button.click();
    expect(await button.getAttribute('aria-expanded')).to.equal('true');
    expect(await page.locator('#site-menu-nav').isVisible()).to.equal(true);
    expect(await page.locator('#site-menu-user a[href="/profil"]').isVisible()).to.equal(true);
    await page.screenshot({ path: path.join(SHOTS, 'menu_open_390.png') });
    await page.keyboard.press('Escape');
    expect(await button.getAttribute('aria-expanded')).to.equal('false');
    expect(await page.locator('#site-menu-nav').isVisible()).to.equal(false);
    expect(await page.evaluate(() => document.activeElement?.className)).to.equal('menu-button');
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  for (const [what, options] of [
    ['at 1366 px', { width: 1366, height: 900 }],
    ['without JavaScript at 390 px', { width: 390, height: 844, javaScriptEnabled: false }],
  ] as const) {
    it(`keeps the menu open and shows no button ${what}`, async () => {
      const { context, page } = await openPage(suite, { ...options, email: suite.seeded });
      expect(await page.locator('.menu-button').isVisible()).to.equal(false);
      expect(await page.locator('#site-menu-nav').isVisible()).to.equal(true);
      expect(await page.locator('#site-menu-user').isVisible()).to.equal(true);
      await context.close();
    });
  }
});
