import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { closeBrowserSuite, openBrowserSuite, signInThroughForm, watchProblems, type Served } from '../support/browser.ts';
import { makeUser } from '../support/factories.ts';
import { buildPublicationFixture, type PublicationFixture } from './fixture.ts';

const SHOTS = path.resolve('test-results/screenshots');

describe('publication and open data pages in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let browser: Browser;
  let server: Served;
  let fx: PublicationFixture;
  let funderEmail = '';

  before(async () => {
    ctx = await createTestApp({ OPEN_DATA: 'true' });
    fx = await buildPublicationFixture(ctx);
    funderEmail = (await makeUser(ctx.s, 'funder', { name: 'Fabrice Garnier' })).email;
    ({ server, browser } = await openBrowserSuite(ctx.app, SHOTS));
  });
  after(async () => {
    await closeBrowserSuite(browser, server, ctx);
  });

  /** Loads a page, checks it has a heading and no serious accessibility problem, and screenshots it. */
  async function visit(page: Page, url: string, shot: string) {
    const res = await page.goto(server.url + url);
    expect(res?.status(), url).to.equal(200);
    expect(await page.locator('main h1').count(), `${url} has a heading`).to.be.greaterThan(0);
    const axe = await new AxeBuilder({ page }).analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${url}: ${v.id} — ${v.help}`)).to.deep.equal([]);
    await page.screenshot({ path: path.join(SHOTS, `publications_${shot}.png`), fullPage: true });
  }

  it('lets staff publish version 1, then a corrected version 2 with its reason, through the forms', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signInThroughForm(page, server.url, fx.staff.email, TEST_PASSWORD);
    await page.goto(`${server.url}/admin/publications/nouvelle`);
    await page.selectOption('#f-periode', '2026-T3');
    await Promise.all([page.waitForNavigation(), page.click('.publication-period-form button[type=submit]')]);
    await visit(page, '/admin/publications/nouvelle?periode=2026-T3', 'form_v1');
    await Promise.all([page.waitForNavigation(), page.click('main form[method=post] button[type=submit]')]);
    expect(page.url()).to.equal(`${server.url}/publications/2026-T3/versions/1`);
    await fx.correctRhone('12,5');
    await page.goto(`${server.url}/admin/publications/nouvelle?periode=2026-T3`);
    // Without a reason: refused, the message next to the field.
    await Promise.all([page.waitForNavigation(), page.click('main form[method=post] button[type=submit]')]);
    expect(await page.textContent('#f-motif-error')).to.contain('Indiquez le motif de cette correction');
    await page.screenshot({ path: path.join(SHOTS, 'publications_form_v2_error.png'), fullPage: true });
    await page.fill('#f-motif', 'Correction des emplois créés du Pôle Rhône (erreur de saisie).');
    await Promise.all([page.waitForNavigation(), page.click('main form[method=post] button[type=submit]')]);
    expect(page.url()).to.equal(`${server.url}/publications/2026-T3/versions/2`);
    await visit(page, '/publications', 'staff_list');
    await visit(page, '/publications/2026-T3/versions/2', 'staff_version2');
    await visit(page, '/publications/2026-T3/versions/2/changements', 'staff_changes');
    expect(await page.textContent('main')).to.contain('Correction des emplois créés du Pôle Rhône');
    await visit(page, '/publications/2026-T3/versions/1/impression', 'staff_print');
    // The refused form (422) is on purpose; nothing else may fail.
    expect(problems.filter((p) => !/422/.test(p))).to.deep.equal([]);
    await context.close();
  });

  it('shows funders the list and versions, read-only', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signInThroughForm(page, server.url, funderEmail, TEST_PASSWORD);
    await visit(page, '/publications', 'funder_list');
    expect(await page.locator('a[href="/admin/publications/nouvelle"]').count()).to.equal(0);
    await visit(page, '/publications/2026-T3/versions/1', 'funder_version1');
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  it('shows the open data page to anyone, without signing in', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await visit(page, '/donnees-ouvertes', 'opendata');
    expect(await page.textContent('main')).to.contain('Licence Ouverte / Etalab 2.0');
    expect(problems).to.deep.equal([]);
    await context.close();
  });
});
