import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { createTestApp, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { closeBrowserSuite, openBrowserSuite, signInThroughForm, watchProblems, type Served } from '../support/browser.ts';
import { makeMember, makePole, makeUser } from '../support/factories.ts';

const SHOTS = path.resolve('test-results/screenshots');

describe('pages in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let browser: Browser;
  let server: Served;
  const accounts: Record<string, string> = {};
  let poleSlug = '';

  before(async () => {
    ctx = await createTestApp();
    const pole = await makePole(ctx.s, { name: 'Pôle Réemploi du Lauragais', epci: '243100518' });
    poleSlug = pole.slug;
    await makeMember(ctx.s, pole.slug, 'ess', 'Ressourcerie du Lauragais');
    await makeMember(ctx.s, pole.slug, 'non_ess', 'Menuiserie Garonne');
    await makeMember(ctx.s, pole.slug, 'collectivite', 'Communauté de communes');
    accounts.staff = (await makeUser(ctx.s, 'staff', { name: 'Camille Martin' })).email;
    accounts.manager = (await makeUser(ctx.s, 'manager', { poleIds: [pole.id], name: 'Amélie Roux' })).email;
    accounts.funder = (await makeUser(ctx.s, 'funder', { regionCodes: ['76'], name: 'Fabrice Garnier' })).email;
    ({ server, browser } = await openBrowserSuite(ctx.app, SHOTS));
  });
  after(async () => {
    await closeBrowserSuite(browser, server, ctx);
  });

  const visits: [string, string[]][] = [
    [
      'staff',
      [
        '/admin',
        '/admin/poles',
        '/admin/poles/nouveau',
        '/poles/{pole}',
        '/admin/poles/{pole}/membres/nouveau',
        '/admin/journal',
        '/admin/trimestres',
        '/admin/trimestres/{pole}/2026-T3',
        '/admin/completude',
        '/admin/utilisateurs',
        '/admin/utilisateurs/nouveau',
        '/admin/indicateurs',
        '/admin/indicateurs/nouveau',
        '/admin/import',
        '/admin/taches',
        '/profil',
      ],
    ],
    ['manager', ['/mon-pole', '/mon-pole/{pole}/trimestres/2026-T3', '/mon-pole/{pole}/trimestres/2026-T3/import', '/profil']],
    ['funder', ['/']],
  ];
  for (const [role, paths] of visits) {
    it(`shows the ${role}'s pages without console errors, CSP violations or serious accessibility problems`, async () => {
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const problems = watchProblems(page);
      await signInThroughForm(page, server.url, accounts[role], TEST_PASSWORD);
      for (const p of paths) {
        const url = p.replace('{pole}', poleSlug);
        const res = await page.goto(server.url + url);
        expect(res?.status(), url).to.equal(200);
        expect(await page.locator('main h1').count(), `${url} has a heading`).to.be.greaterThan(0);
        const axe = await new AxeBuilder({ page }).analyze();
        const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(serious.map((v) => `${url}: ${v.id} — ${v.help}`)).to.deep.equal([]);
        await page.screenshot({ path: path.join(SHOTS, `${role}${url.replace(/[/?=&]+/g, '_')}.png`), fullPage: true });
      }
      expect(problems).to.deep.equal([]);
      await context.close();
    });
  }

  it('re-renders a refused form with the typed values and the message next to the field', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await signInThroughForm(page, server.url, accounts.staff, TEST_PASSWORD);
    await page.goto(`${server.url}/admin/poles/nouveau`);
    await page.fill('#f-name', 'Pôle sans région');
    await page.fill('#f-creation_year', '2018');
    await page.fill('#f-first_report', '2024-T2');
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
    expect(await page.inputValue('#f-name')).to.equal('Pôle sans région');
    expect(await page.textContent('#f-region_code-error')).to.equal('Choisissez une région.');
    await page.screenshot({ path: path.join(SHOTS, 'staff_pole_form_errors.png'), fullPage: true });
    await context.close();
  });
});
