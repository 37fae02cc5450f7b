// The lists of checkboxes that replaced multiple selects, in a real browser: the search box narrows a long
// list, a box checked then hidden stays checked and is sent, and the page passes axe at 390 px.
import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import { browserSuite, openPage } from '../support/browser.ts';
import { makePole, makeUser } from '../support/factories.ts';

const SHOTS = path.resolve('test-results/screenshots');

describe('checkbox lists in a real browser (Chromium)', function () {
  this.timeout(120_000);
  const suite = browserSuite(SHOTS, async (ctx) => {
    await makePole(ctx.s, { name: 'Pôle Garonne' });
    return (await makeUser(ctx.s, 'staff')).email;
  });

  for (const width of [1366, 390]) {
    it(`narrows the regions of the export form by a search, keeping what is checked, at ${width} px`, async () => {
      const { context, page, problems } = await openPage(suite, { width, email: suite.seeded });
      await page.goto(`${suite.server.url}/admin/exports`);
      const visible = () =>
        page.$$eval('#f-regions-options label', (ls) => ls.filter((l) => !(l as HTMLElement).hidden).map((l) => l.textContent!.trim()));
      expect((await visible()).length).to.be.greaterThan(10);
      await page.check('#f-regions-options input[value="76"]');
      await page.fill('#f-regions input[type=search]', 'ile de');
      expect(await visible()).to.deep.equal(['Île-de-France']);
      expect(await page.isChecked('#f-regions-options input[value="76"]'), 'Occitanie, hidden, stays checked').to.equal(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(width);
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).to.deep.equal([]);
      await page.screenshot({ path: path.join(SHOTS, `checkbox-list_exports_${width}.png`), fullPage: true });
      expect(problems).to.deep.equal([]);
      await context.close();
    });
  }
});
