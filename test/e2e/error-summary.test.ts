import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { browserSuite, openPage } from '../support/browser.ts';
import { makeUser } from '../support/factories.ts';

const SHOTS = path.resolve('test-results/screenshots');
const WIDTHS = [1366, 390];

describe('the error summary in a real browser (Chromium)', function () {
  this.timeout(120_000);
  const suite = browserSuite(SHOTS, async (ctx) => (await makeUser(ctx.s, 'staff', { name: 'Camille Martin' })).email);

  /** The page as a user sees it once the form came back: focus on the summary, nothing blocked, no serious axe finding. */
  async function expectFocusedSummary(page: Page, problems: string[], status: number, shot: string) {
    expect(await page.evaluate(() => document.activeElement?.className)).to.equal('error-summary');
    expect(await page.textContent('.error-summary h2')).to.equal('Il y a un problème');
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).to.deep.equal([]);
    // The refused post answers 401 or 422 on purpose (Chromium logs it too); anything else, a CSP violation
    // or a script error, is a problem.
    const expected = [`HTTP ${status}: `, `console error: Failed to load resource: the server responded with a status of ${status} `];
    expect(problems.filter((p) => !expected.some((e) => p.startsWith(e)))).to.deep.equal([]);
    await page.screenshot({ path: path.join(SHOTS, shot), fullPage: true });
  }

  for (const width of WIDTHS) {
    it(`focuses a refused sign-in's message at ${width} px`, async () => {
      const { context, page, problems } = await openPage(suite, { width, email: suite.seeded, password: 'un mot de passe faux' });
      expect(await page.textContent('.error-summary p')).to.equal('Adresse électronique ou mot de passe incorrect.');
      await expectFocusedSummary(page, problems, 401, `error-summary_sign-in_${width}.png`);
      await context.close();
    });

    it(`focuses the pole form's summary at ${width} px, whose links lead to the fields`, async () => {
      const { context, page, problems } = await openPage(suite, { width, email: suite.seeded });
      await page.goto(`${suite.server.url}/admin/poles/nouveau`);
      await page.fill('#f-name', 'Pôle sans région');
      await page.fill('#f-creation_year', '20');
      await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
      const links = await page.$$eval('.error-summary a', (as) => as.map((a) => a.getAttribute('href')));
      expect(links).to.deep.equal(['#f-region_code', '#f-departement_code', '#f-creation_year', '#f-first_report']);
      for (const href of links) expect(await page.locator(href!).count(), href!).to.equal(1);
      await expectFocusedSummary(page, problems, 422, `error-summary_pole-form_${width}.png`);
      await context.close();
    });
  }
});
