import fs from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { createTestApp, TEST_PASSWORD } from './test/support/test-app.ts';
import { launchBrowser, serve, signInThroughForm, watchProblems } from './test/support/browser.ts';
import { makePole, makeUser } from './test/support/factories.ts';
import { dropTemplates } from './test/support/test-db.ts';

const ctx = await createTestApp();
const pole = await makePole(ctx.s, { name: 'Pôle Réemploi du Lauragais' });
const manager = (await makeUser(ctx.s, 'manager', { poleIds: [pole.id], name: 'Amélie Roux' })).email;
const staff = (await makeUser(ctx.s, 'staff', { name: 'Camille Martin' })).email;
await ctx.s.reporting.save(pole, { year: 2026, quarter: 2 }, { 'v.EMP_CREES': '1,5', 'v.TE_ACTIONS': '2', 'v.EMP_ETP_FIN': '100' }, false, { userId: 1 });
const server = await serve(ctx.app);
const browser = await launchBrowser();
const out: string[] = [];
try {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await signInThroughForm(page, server.url, manager, TEST_PASSWORD);
  const base = `${server.url}/mon-pole/${pole.slug}/trimestres/2026-T3`;
  await page.goto(base);
  out.push('entry links: ' + (await page.locator('.import-links').innerText()));
  await page.click('text=Importer un fichier');
  await page.screenshot({ path: '/tmp/shots/upload.png', fullPage: true });
  const axe1 = await new AxeBuilder({ page }).analyze();
  out.push('axe upload: ' + JSON.stringify(axe1.violations.map((v) => `${v.impact} ${v.id}`)));
  // Submit without a file (JS lets the server answer).
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  out.push('no file: ' + (await page.locator('#f-fichier-error').innerText()));
  // A file with problems, through the JS path.
  const bad = 'code;valeur;commentaire\r\nEMP_CREES;deux;\r\nTE_ACTIONS;=1+1;\r\nMEMBRES;4;\r\nPCT_MEMBRES_ESS;50;\r\nEMP_ETP_FIN;110;Deux recrutements\r\n';
  await page.setInputFiles('#f-fichier', { name: 'trimestre.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await Promise.all([page.waitForURL(/lot=/), page.click('main button[type=submit]')]);
  out.push('url after JS upload: ' + page.url());
  await page.screenshot({ path: '/tmp/shots/preview-problems.png', fullPage: true });
  const axe2 = await new AxeBuilder({ page }).analyze();
  out.push('axe preview: ' + JSON.stringify(axe2.violations.map((v) => `${v.impact} ${v.id}`)));
  // A good file.
  await page.goto(`${base}/import`);
  const good = 'code;categorie;valeur;commentaire\r\nEMP_CREES;;2,5;\r\nTE_ACTIONS;;3;\r\nEMP_ETP_FIN;;110;\r\nMEMBRES;ess;4;\r\nMEMBRES;non_ess;2;\r\nMEMBRES;collectivite;1;\r\nMEMBRES;recherche;0;\r\nMEMBRES;formation;0;\r\nMEMBRES;autre;0;\r\nMEMBRES;;;Registre à compléter\r\n';
  await page.setInputFiles('#f-fichier', { name: 'trimestre-ok.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await Promise.all([page.waitForURL(/lot=/), page.click('main button[type=submit]')]);
  await page.screenshot({ path: '/tmp/shots/preview-ok.png', fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('text=Confirmer l’import')]);
  out.push('after confirm: ' + page.url() + ' / ' + (await page.locator('.notice-success').first().innerText()));
  // Too large, through JS: the page is replaced in place.
  await page.goto(`${base}/import`);
  await page.setInputFiles('#f-fichier', { name: 'gros.csv', mimeType: 'text/csv', buffer: Buffer.alloc(5 * 1024 * 1024 + 10, 'a') });
  await page.click('main button[type=submit]');
  await page.waitForSelector('#f-fichier-error');
  out.push('too large (JS): ' + (await page.locator('#f-fichier-error').innerText()));
  await page.screenshot({ path: '/tmp/shots/too-large.png', fullPage: true });
  out.push('problems: ' + JSON.stringify(problems));
  await context.close();

  // Without JavaScript: the plain form post works.
  const nojs = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const p2 = await nojs.newPage();
  await signInThroughForm(p2, server.url, staff, TEST_PASSWORD);
  await p2.goto(`${server.url}/admin/import`);
  await p2.screenshot({ path: '/tmp/shots/long-upload.png', fullPage: true });
  const longCsv = `pole;indicateur;categorie;annee;trimestre;valeur\r\n${pole.slug};EMP_CREES;;2025;1;1\r\n${pole.slug};EMP_CREES;;2025;2;2\r\ninconnu;EMP_CREES;;2025;2;2\r\n`;
  await p2.setInputFiles('#f-fichier', { name: 'historique.csv', mimeType: 'text/csv', buffer: Buffer.from(longCsv) });
  await Promise.all([p2.waitForNavigation(), p2.click('main button[type=submit]')]);
  out.push('nojs long url: ' + p2.url());
  await p2.screenshot({ path: '/tmp/shots/long-preview.png', fullPage: true });
  await nojs.close();
} finally {
  console.log(out.join('\n'));
  await browser.close();
  await server.close();
  await ctx.close();
  await dropTemplates();
}
