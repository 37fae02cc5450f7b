import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { createTestApp, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { closeBrowserSuite, openBrowserSuite, signInThroughForm, watchProblems, type Served } from '../support/browser.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { submitQuarter } from './support.ts';

const SHOTS = path.resolve('test-results/screenshots');

describe('« Envois » and « Mon pôle » notices in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let browser: Browser;
  let server: Served;
  const accounts: Record<string, string> = {};
  let messageId = 0;

  before(async () => {
    ctx = await createTestApp();
    const pole = await makePole(ctx.s, { name: 'Pôle Réemploi du Lauragais' });
    await makePole(ctx.s, { name: 'Pôle Alpin', region: '84', firstReport: { year: 2026, quarter: 2 } });
    const staff = await makeUser(ctx.s, 'staff', { name: 'Camille Martin' });
    const manager = await makeUser(ctx.s, 'manager', { poleIds: [pole.id], name: 'Amélie Roux' });
    accounts.staff = staff.email;
    accounts.manager = manager.email;
    const report = await submitQuarter(ctx.s, pole, { year: 2026, quarter: 3 }, manager.id);
    await ctx.s.review.decide(report, 'return', report.version, 'Les emplois créés semblent comptés deux fois : merci de vérifier.', {
      userId: staff.id,
    });
    await ctx.s.reminders.reminders();
    await ctx.s.reminders.digest();
    messageId = (await ctx.db('outbox').where({ kind: 'digest' }).first()).id;
    ({ server, browser } = await openBrowserSuite(ctx.app, SHOTS));
  });
  after(async () => {
    await closeBrowserSuite(browser, server, ctx);
  });

  const visits: [string, string[]][] = [
    ['staff', ['/admin/envois', '/admin/envois/{message}', '/admin/envois?type=reminder', '/admin/taches']],
    ['manager', ['/mon-pole']],
  ];
  for (const [role, paths] of visits) {
    it(`shows the ${role}'s pages without console errors, CSP violations or serious accessibility problems`, async () => {
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const problems = watchProblems(page);
      await signInThroughForm(page, server.url, accounts[role], TEST_PASSWORD);
      for (const p of paths) {
        const url = p.replace('{message}', String(messageId));
        const res = await page.goto(server.url + url);
        expect(res?.status(), url).to.equal(200);
        expect(await page.locator('main h1').count(), `${url} has a heading`).to.be.greaterThan(0);
        const axe = await new AxeBuilder({ page }).analyze();
        const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(serious.map((v) => `${url}: ${v.id} — ${v.help}`)).to.deep.equal([]);
        await page.screenshot({ path: path.join(SHOTS, `notices_${role}${url.replace(/[/?=&]+/g, '_')}.png`), fullPage: true });
      }
      expect(problems).to.deep.equal([]);
      await context.close();
    });
  }
});
