// The confirmation page of a pole's reporting window change, in a real browser: what leaves the figures is
// said, the confirm button applies the change (the form carries the typed values back), nothing is blocked.
import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import { browserSuite, openPage } from '../support/browser.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { field } from '../../server/reporting/entry-rules.ts';

const SHOTS = path.resolve('test-results/screenshots');

describe('the reporting window confirmation in a real browser (Chromium)', function () {
  this.timeout(120_000);
  const suite = browserSuite(SHOTS, async (ctx) => (await makeUser(ctx.s, 'staff', { name: 'Camille Martin' })).email);

  for (const width of [1366, 390]) {
    it(`asks before archiving a pole before its validated quarters, then archives it, at ${width} px`, async () => {
      const pole = await makePole(suite.ctx.s, { name: `Pôle Vézère ${width}`, firstReport: { year: 2026, quarter: 1 } });
      const manager = await makeUser(suite.ctx.s, 'manager', { poleIds: [pole.id] });
      for (const quarter of [2, 3]) {
        const row = (await suite.ctx.s.repos.poles.findById(suite.ctx.db, pole.id))!;
        const prepared = await suite.ctx.s.reporting.prepare(
          row,
          { year: 2026, quarter },
          { [field.value('EMP_CREES')]: '4' },
          { submit: false, checkVersion: false, status: 'validated' },
        );
        if (prepared.kind !== 'ready') throw new Error(JSON.stringify(prepared));
        await suite.ctx.s.reporting.applyAll([prepared.plan], { userId: manager.id });
      }
      const { context, page, problems } = await openPage(suite, { width, email: suite.seeded });
      await page.goto(`${suite.server.url}/poles/${pole.slug}`);
      await page.fill('#f-archived_on', '2026-02-10');
      await Promise.all([page.waitForNavigation(), page.click('form[action$="/archiver"] button[type=submit]')]);
      expect(await page.textContent('.notice-warning strong')).to.equal(
        '2 valeurs validées (2026-T2 à 2026-T3) ne compteront plus dans les chiffres.',
      );
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).to.deep.equal([]);
      await page.screenshot({ path: path.join(SHOTS, `reporting-window_confirm_${width}.png`), fullPage: true });
      await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
      expect(page.url()).to.equal(`${suite.server.url}/poles/${pole.slug}`);
      expect(await page.textContent('main')).to.contain('Le pôle a été archivé.');
      expect((await suite.ctx.s.repos.poles.findById(suite.ctx.db, pole.id))!.archived_on).to.equal('2026-02-10');
      // The confirmation answers 422 on purpose (nothing was written yet); anything else is a problem.
      const expected = ['HTTP 422: ', 'console error: Failed to load resource: the server responded with a status of 422 '];
      expect(problems.filter((p) => !expected.some((e) => p.startsWith(e)))).to.deep.equal([]);
      await context.close();
    });
  }
});
