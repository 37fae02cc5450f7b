import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, TEST_PASSWORD, type TestContext } from '../support/test-app.ts';
import { closeBrowserSuite, openBrowserSuite, signInThroughForm, watchProblems, type Served } from '../support/browser.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';

const SHOTS = path.resolve('test-results/screenshots');

/** For every drawn chart: whether its canvas differs from a blank canvas of the same size, and its painted pixels. */
function canvases(page: Page) {
  return page.$$eval('figure[data-chart] canvas', (list) =>
    list.map((c) => {
      const canvas = c as HTMLCanvasElement;
      const blank = document.createElement('canvas');
      blank.width = canvas.width;
      blank.height = canvas.height;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
      return {
        width: canvas.width,
        height: canvas.height,
        differs: canvas.toDataURL() !== blank.toDataURL(),
        painted,
        label: canvas.getAttribute('aria-label'),
      };
    }),
  );
}

describe('dashboards in a real browser (Chromium)', function () {
  this.timeout(180_000);
  let ctx: TestContext;
  let browser: Browser;
  let server: Served;
  const accounts: Record<'national' | 'regional', string> = { national: '', regional: '' };
  let garonne: PoleRow;

  before(async () => {
    ctx = await createTestApp();
    const s = ctx.s;
    const staffId = (await makeUser(s, 'staff')).id;
    garonne = await makePole(s, { name: 'Pôle Réemploi Garonne', region: '76', firstReport: { year: 2025, quarter: 1 } });
    const poles = [
      garonne,
      await makePole(s, { name: 'Pôle Alimentation Lauragais', region: '76', firstReport: { year: 2025, quarter: 1 } }),
      await makePole(s, { name: 'Pôle Énergies Rhône', region: '84', firstReport: { year: 2025, quarter: 1 } }),
      await makePole(s, { name: 'Pôle Bois Bretagne', region: '53', departement: '29', firstReport: { year: 2025, quarter: 1 } }),
    ];
    // Seven validated quarters each, with values that differ from pole to pole and quarter to quarter.
    for (const [n, pole] of poles.entries()) {
      for (let i = 0; i < 7; i++) {
        const period = { year: 2025 + Math.floor(i / 4), quarter: (i % 4) + 1 };
        const overrides = {
          'v.EMP_CREES': String(n + 1 + (i % 3)),
          'v.ACT_CONSOLIDEES': String(2 + n + (i % 2)),
          'v.TE_ACTIONS': String(1 + ((n + i) % 4)),
          highlights: `Faits marquants du trimestre ${period.year}-T${period.quarter}`,
          difficulties: i % 2 ? 'Recrutement difficile' : '',
        };
        const saved = await s.reporting.save(pole, period, { ...(await completeBody(s, period, overrides)), version: '0' }, true, {
          userId: staffId,
        });
        expect(saved.kind).to.equal('saved');
        const report = (await s.repos.reporting.report(s.db, pole.id, period))!;
        expect(await s.review.decide(report, 'validate', report.version, '', { userId: staffId })).to.equal('done');
      }
    }
    await s.refresh.rebuild();
    accounts.national = (await makeUser(s, 'funder', { name: 'Nadia Haddad' })).email;
    accounts.regional = (await makeUser(s, 'funder', { regionCodes: ['76', '84'], name: 'Fabrice Garnier' })).email;
    ({ server, browser } = await openBrowserSuite(ctx.app, SHOTS));
  });
  after(async () => {
    await closeBrowserSuite(browser, server, ctx);
  });

  const visits: ['national' | 'regional', string, string, number][] = [
    // account, page, screenshot name, charts expected
    ['national', '/tableau-de-bord', 'dashboard_national', 2],
    ['national', '/regions/76', 'dashboard_region_76', 2],
    ['national', '/tableau-de-bord?indicateur=EMP_ETP_FIN&de=2025-T1', 'dashboard_national_stock', 2],
    ['regional', '/tableau-de-bord', 'dashboard_regional_scope', 2],
    ['regional', '/poles/{pole}', 'dashboard_pole', 3],
  ];

  it('draws every chart, without console errors, CSP violations or serious accessibility problems', async () => {
    for (const account of ['national', 'regional'] as const) {
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const problems = watchProblems(page);
      await signInThroughForm(page, server.url, accounts[account], TEST_PASSWORD);
      for (const [who, url, shot, expected] of visits.filter((v) => v[0] === account)) {
        const target = url.replace('{pole}', garonne.slug);
        const res = await page.goto(server.url + target);
        expect(res?.status(), target).to.equal(200);
        await page.waitForFunction((n) => document.querySelectorAll('figure.is-drawn canvas').length === n, expected);
        const drawn = await canvases(page);
        expect(drawn, `${who} ${target}`).to.have.length(expected);
        for (const c of drawn) {
          expect(c.width, c.label ?? '').to.be.greaterThan(0);
          expect(c.differs, `${target}: ${c.label} is blank`).to.equal(true);
          expect(c.painted, `${target}: ${c.label} painted pixels`).to.be.greaterThan(500);
        }
        // The value axis of every chart: its tick labels never repeat (whole steps for counts).
        const ticks = await page.$$eval('figure.is-drawn canvas', (list) =>
          list.map((c) => {
            const chart = (
              window as unknown as {
                Chart: { getChart(c: Element): { scales: Record<string, { axis: string; type: string; ticks: { label: string }[] }> } };
              }
            ).Chart.getChart(c)!;
            const scale = Object.values(chart.scales).find((sc) => sc.type === 'linear')!;
            return scale.ticks.map((t) => String(t.label));
          }),
        );
        for (const labels of ticks) expect(new Set(labels).size, `${target}: ticks ${labels.join(' | ')}`).to.equal(labels.length);
        const axe = await new AxeBuilder({ page }).analyze();
        const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(serious.map((v) => `${target}: ${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).to.deep.equal(
          [],
        );
        await page.screenshot({ path: path.join(SHOTS, `${shot}.png`), fullPage: true });
      }
      expect(problems, `${account}: console, CSP or network problems`).to.deep.equal([]);
      await context.close();
    }
  });

  it('draws a region beside France on two axes, said in the legend, and shortens long bar labels on a phone', async () => {
    type ChartInfo = { axes: string[]; legend: string[]; bars: string[] };
    const charts = (page: Page) =>
      page.$$eval('figure.is-drawn canvas', (list) =>
        list.map((c): ChartInfo => {
          const chart = (
            window as unknown as {
              Chart: {
                getChart(c: Element): {
                  scales: Record<string, { ticks: { label: string | string[] }[]; type: string }>;
                  data: { datasets: { label: string; yAxisID?: string }[] };
                };
              };
            }
          ).Chart.getChart(c)!;
          const category = Object.values(chart.scales).find((sc) => sc.type === 'category');
          return {
            axes: Object.keys(chart.scales).sort(),
            legend: chart.data.datasets.map((d) => `${d.label}|${d.yAxisID ?? 'y'}`),
            bars: category ? category.ticks.map((t) => String(t.label)) : [],
          };
        }),
      );
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 900 } });
      const page = await context.newPage();
      await signInThroughForm(page, server.url, accounts.national, TEST_PASSWORD);
      await page.goto(`${server.url}/regions/76`);
      await page.waitForFunction(() => document.querySelectorAll('figure.is-drawn canvas').length === 2);
      const [trendChart, bars] = await charts(page);
      expect(trendChart.axes).to.deep.equal(['x', 'y', 'y2']);
      expect(trendChart.legend.slice(0, 2)).to.deep.equal(['Occitanie|y', 'France (axe de droite)|y2']);
      expect(await page.textContent('#h-trend ~ figure figcaption')).to.include('Deux échelles : Occitanie sur l’axe de gauche, France');
      const longest = Math.max(...bars.bars.map((l) => l.length));
      if (width === 390) {
        expect(longest, bars.bars.join(' | ')).to.be.at.most(16);
        expect(bars.bars.some((l) => l.endsWith('…'))).to.equal(true);
      } else expect(bars.bars).to.include('Pôle Alimentation Lauragais');
      await context.close();
    }
  });

  it('sorts the breakdown table by a column when its header is chosen', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signInThroughForm(page, server.url, accounts.national, TEST_PASSWORD);
    await page.goto(`${server.url}/tableau-de-bord`);
    const regions = () => page.$$eval('#breakdown-table tbody th', (ths) => ths.map((th) => th.textContent!.trim()));
    const byValue = await regions();
    await page.click('#breakdown-table thead th:first-child button');
    expect(await regions()).to.deep.equal([...byValue].sort((a, b) => a.localeCompare(b, 'fr')));
    expect(await page.getAttribute('#breakdown-table thead th:first-child', 'aria-sort')).to.equal('ascending');
    await page.click('#breakdown-table thead th:first-child button');
    expect(await regions()).to.deep.equal([...byValue].sort((a, b) => b.localeCompare(a, 'fr')));
    // Back to the value column: largest first, as the server sent it.
    await page.click('#breakdown-table thead th:nth-child(2) button');
    expect(await page.getAttribute('#breakdown-table thead th:nth-child(2)', 'aria-sort')).to.equal('descending');
    expect(await regions()).to.deep.equal(byValue);
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  it('shows the same figures in tables without JavaScript', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInThroughForm(page, server.url, accounts.national, TEST_PASSWORD);
    for (const [url, tables, shot] of [
      ['/tableau-de-bord', ['#trend-table', '#breakdown-table'], 'dashboard_national_nojs'],
      ['/regions/76', ['#trend-table', '#poles-table'], 'dashboard_region_76_nojs'],
      [`/poles/${garonne.slug}`, ['#pole-history'], 'dashboard_pole_nojs'],
    ] as const) {
      const res = await page.goto(server.url + url);
      expect(res?.status(), url).to.equal(200);
      expect(await page.locator('canvas').count(), `${url}: no canvas without JavaScript`).to.equal(0);
      expect(await page.locator('figure[data-chart]:visible').count(), `${url}: empty chart boxes are hidden`).to.equal(0);
      expect(await page.getByText('Télécharger l’image').count(), `${url}: no image link without JavaScript`).to.equal(0);
      for (const table of tables) {
        expect(await page.locator(table).isVisible(), `${url} ${table}`).to.equal(true);
        expect(await page.locator(`${table} tbody tr`).count(), `${url} ${table} rows`).to.be.greaterThan(0);
      }
      await page.screenshot({ path: path.join(SHOTS, `${shot}.png`), fullPage: true });
    }
    // Without JavaScript the breakdown is sorted by value on the server: largest first.
    await page.goto(`${server.url}/tableau-de-bord`);
    const values = await page.$$eval('#breakdown-table tbody td[data-value]', (tds) =>
      tds.map((td) => Number(td.getAttribute('data-value'))),
    );
    expect(values).to.have.length(3);
    for (const v of values) expect(Number.isFinite(v), String(v)).to.equal(true);
    expect(values).to.deep.equal([...values].sort((a, b) => b - a));
    // A national funder's map links every region to its page.
    expect(await page.locator('.map-tile a').count()).to.equal(18);
    await context.close();
  });
  it('offers every drawn chart as a PNG image, named after it, on a white background', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await signInThroughForm(page, server.url, accounts.national, TEST_PASSWORD);
    for (const url of ['/tableau-de-bord', '/regions/76', `/poles/${garonne.slug}`]) {
      await page.goto(server.url + url);
      await page.waitForFunction(() => document.querySelectorAll('figure.is-drawn').length > 0);
      const drawn = await page.locator('figure.is-drawn').count();
      // Every drawn chart, and only those, offers its image.
      expect(await page.locator('figure.is-drawn .chart-download button').count(), url).to.equal(drawn);
      expect(await page.locator('figure[data-chart]:not(.is-drawn) .chart-download').count(), url).to.equal(0);
    }
    await page.goto(`${server.url}/tableau-de-bord`);
    await page.waitForFunction(() => document.querySelectorAll('figure.is-drawn').length > 0);
    const figure = page.locator('figure.is-drawn').first();
    const [download] = await Promise.all([page.waitForEvent('download'), figure.locator('.chart-download button').click()]);
    // Named after the chart (the trend of « Emplois non délocalisables créés »), in lower case without accents.
    expect(download.suggestedFilename()).to.match(/^ptce-graphique-[a-z0-9]+(-[a-z0-9]+)*\.png$/);
    expect(download.suggestedFilename()).to.include('emplois-non-delocalisables-crees');
    const file = await download.path();
    const bytes = (await import('node:fs')).readFileSync(file!);
    // A PNG (its signature), as wide as the canvas, with an opaque white corner (no transparency).
    expect([...bytes.subarray(0, 8)]).to.deep.equal([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const width = bytes.readUInt32BE(16);
    expect(width).to.equal(await figure.locator('canvas').evaluate((c) => (c as HTMLCanvasElement).width));
    const corner = await page.evaluate(
      async (src) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0);
        return [...g.getImageData(0, 0, 1, 1).data];
      },
      `data:image/png;base64,${bytes.toString('base64')}`,
    );
    expect(corner).to.deep.equal([255, 255, 255, 255]);
    await context.close();
  });
});
