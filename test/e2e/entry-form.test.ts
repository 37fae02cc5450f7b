// The quarterly entry form in a real browser: a draft with points to review is saved and shown with them,
// and leaving the page with typed values not saved asks first (and only then).
import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { closeBrowserSuite, openBrowserSuite, signInThroughForm, watchProblems, type Served } from '../support/browser.ts';
import { makePole, makeUser } from '../support/factories.ts';

const SHOTS = path.resolve('test-results/screenshots');

describe('the quarterly entry form in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let browser: Browser;
  let server: Served;

  before(async () => {
    ctx = await createTestApp();
    ({ server, browser } = await openBrowserSuite(ctx.app, SHOTS));
  });
  after(async () => {
    await closeBrowserSuite(browser, server, ctx);
  });

  /** Records the « leave this page? » dialogs and answers them « stay ». */
  function watchLeaving(page: Page): string[] {
    const seen: string[] = [];
    page.on('dialog', (d) => {
      seen.push(d.type());
      void d.dismiss();
    });
    return seen;
  }

  for (const width of [1366, 390]) {
    it(`saves a draft with points to review and asks before leaving unsaved values, at ${width} px`, async () => {
      const pole = await makePole(ctx.s, { name: `Pôle Causses ${width}` });
      const manager = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 900 } });
      const page = await context.newPage();
      await signInThroughForm(page, server.url, manager.email, TEST_PASSWORD);
      const problems = watchProblems(page);
      const url = `${server.url}/mon-pole/${pole.slug}/trimestres/2026-T3`;
      await page.goto(url);
      const leaving = watchLeaving(page);

      // Nothing typed: leaving asks nothing.
      await Promise.all([page.waitForNavigation(), page.click('a.history-link >> nth=0')]);
      expect(leaving).to.deep.equal([]);
      await page.goto(url);

      // A value typed: leaving asks, and staying keeps it.
      await page.fill('#f-v\\.RESSOURCES_PROPRES', '30 000 €');
      await page.fill('#f-v\\.RESSOURCES_TOTALES', '20 000');
      await page.click('a.history-link >> nth=0');
      await page.waitForTimeout(300);
      expect(leaving).to.deep.equal(['beforeunload']);
      expect(page.url()).to.equal(url);
      expect(await page.inputValue('#f-v\\.RESSOURCES_PROPRES')).to.equal('30 000 €');

      // Saved as a draft: no question on the way, the values stored, the point to review shown.
      await Promise.all([page.waitForNavigation(), page.click('button[value=brouillon]')]);
      expect(leaving).to.have.length(1);
      expect(await page.textContent('main')).to.contain('Brouillon enregistré. 1 point est à revoir avant de soumettre');
      expect(await page.textContent('.warning-summary')).to.contain('Ne peut pas dépasser 20\u202f000 (Taux d’autofinancement');
      expect(await page.inputValue('#f-v\\.RESSOURCES_PROPRES')).to.equal('30000');
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).to.deep.equal([]);
      await page.screenshot({ path: path.join(SHOTS, `entry-form_draft-warnings_${width}.png`), fullPage: true });
      await page.locator('.warning-summary').screenshot({ path: path.join(SHOTS, `entry-form_warning-summary_${width}.png`) });
      await page.locator('#ind-RESSOURCES_PROPRES').screenshot({ path: path.join(SHOTS, `entry-form_warning-field_${width}.png`) });

      // The action bar takes one line, and a field reached with Tab is never hidden under it.
      const [draft, submit] = [
        await page.locator('button[value=brouillon]').boundingBox(),
        await page.locator('button[value=soumettre]').boundingBox(),
      ];
      expect(Math.abs(draft!.y - submit!.y), 'both buttons on one line').to.be.below(2);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.focus('#f-v\\.RESSOURCES_TOTALES');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement!.getBoundingClientRect().bottom);
      const bar = await page.evaluate(() => document.querySelector('.sticky-actions')!.getBoundingClientRect().top);
      expect(focused, 'the focused field ends above the sticky bar').to.be.at.most(bar);
      await page.screenshot({ path: path.join(SHOTS, `entry-form_focus-above-bar_${width}.png`) });

      // Back as stored: leaving asks nothing.
      await Promise.all([page.waitForNavigation(), page.click('a.history-link >> nth=0')]);
      expect(leaving).to.have.length(1);
      expect(problems).to.deep.equal([]);
      await context.close();
    });
  }
  it('shows « Raison » once « Non disponible » is ticked and « Commentaire » on demand; all of it without JavaScript', async () => {
    const pole = await makePole(ctx.s, { name: 'Pôle Aubrac' });
    const manager = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
    const url = `${server.url}/mon-pole/${pole.slug}/trimestres/2026-T3`;
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 390, height: 844 }, javaScriptEnabled });
      const page = await context.newPage();
      await signInThroughForm(page, server.url, manager.email, TEST_PASSWORD);
      await page.goto(url);
      const reason = page.locator('#f-nr\\.TE_ACTIONS');
      const comment = page.locator('#f-c\\.TE_ACTIONS');
      if (!javaScriptEnabled) {
        expect([await reason.isVisible(), await comment.isVisible()], 'without JavaScript').to.deep.equal([true, true]);
        await context.close();
        continue;
      }
      expect(await reason.isVisible()).to.equal(false);
      await page.check('#f-na\\.TE_ACTIONS');
      expect(await reason.isVisible()).to.equal(true);
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal('f-nr.TE_ACTIONS');
      expect(await comment.isVisible()).to.equal(false);
      await page.click('#ind-TE_ACTIONS .add-comment');
      expect(await comment.isVisible()).to.equal(true);
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal('f-c.TE_ACTIONS');
      await page.locator('#ind-TE_ACTIONS').screenshot({ path: path.join(SHOTS, 'entry-form_compact_390.png') });
      await context.close();
    }
  });
});
