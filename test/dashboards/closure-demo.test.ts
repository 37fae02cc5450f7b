// Closed and provisional periods on the demo data (clock: 26 November 2026). 2026-T2 has its national
// summary published (the demo publishes it): consolidated everywhere. 2026-T3 is still under review.
import { expect } from 'chai';
import type request from 'supertest';
import { DEMO_PASSWORD, loadDemoData } from '../../seeds/demo.ts';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-db.ts';
import { byId, text } from '../support/html.ts';

type Agent = ReturnType<typeof request.agent>;
const chart = (html: string) =>
  JSON.parse(
    /data-chart="([^"]*)"/
      .exec(html)![1]
      .replace(/&quot;/g, '"')
      .replace(/&#x3D;/g, '=')
      .replace(/&amp;/g, '&'),
  ) as { labels: string[]; provisional: boolean[] };

describe(`closed and provisional periods on the demo data (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(600_000);
  let ctx: TestContext;
  const agents = {} as Record<'national' | 'regional', Agent>;

  before(async () => {
    ctx = await createTestApp();
    await loadDemoData(ctx.s);
    agents.national = await signIn(ctx.app, 'funder.national@demo.ptce-impact.fr', DEMO_PASSWORD);
    agents.regional = await signIn(ctx.app, 'funder.region@demo.ptce-impact.fr', DEMO_PASSWORD);
  });
  after(() => ctx.close());

  it('opens every dashboard on the latest consolidated quarter, with figures in every tile of a regional funder', async () => {
    // The regional funder's regions hold no validated 2026-T3 report yet: no link to it, and it is not offered.
    for (const [agent, current] of [
      [agents.national, true],
      [agents.regional, false],
    ] as const) {
      const html = (await agent.get('/tableau-de-bord').expect(200)).text;
      // The demo published 2026-T2's national summary: that is what closes it for a regional funder at 78 %.
      expect(byId(html, 'p', 'closure-default')).to.contain(
        '2026-T2, le dernier trimestre consolidé (une synthèse nationale en a été publiée)',
      );
      expect(html.includes('Voir le trimestre en cours (provisoire)')).to.equal(current);
      expect(html.includes('<option value="2026-T3"')).to.equal(current);
      const values = [...html.matchAll(/<p class="tile-value">([\s\S]*?)<\/p>/g)].map((m) => text(m[1]));
      expect(values).to.have.length.greaterThan(2);
      for (const v of values) expect(v).to.not.contain('—').and.not.contain('Aucune donnée');
      expect(html).to.contain('Trimestre 2026-T2');
    }
  });

  it('labels 2026-T3 provisional on the dashboard, its chart and its table', async () => {
    const html = (await agents.national.get('/tableau-de-bord?a=2026-T3').expect(200)).text;
    expect(byId(html, 'div', 'tile-EMP_CREES-quarter')).to.contain('Trimestre 2026-T3 provisoire');
    expect(byId(html, 'tr', 'trend-2026-T3')).to.contain('provisoire');
    expect(byId(html, 'tr', 'trend-2026-T2')).to.not.contain('provisoire');
    const c = chart(html);
    expect(c.labels[c.labels.length - 1]).to.equal('2026-T3');
    expect(c.provisional.slice(-2)).to.deep.equal([false, true]);
    expect(byId(html, 'table', 'breakdown-table')).to.contain('2026-T3 (provisoire)');
  });

  it('says « (provisoire) » in the CSV and defaults the export form to the latest consolidated quarter', async () => {
    const csv = await agents.regional.get('/exports/perimetre?periode=2026-T3&format=csv').expect(200);
    expect(csv.text).to.contain('2026-T3 (provisoire)');
    const closed = await agents.regional.get('/exports/perimetre?periode=2026-T2&format=csv').expect(200);
    expect(closed.text).to.not.contain('provisoire');
    const form = (await agents.regional.get('/exports').expect(200)).text;
    expect(form).to.match(/<option value="2026-T2" selected>2026-T2<\/option>/);
    const national = (await agents.national.get('/exports').expect(200)).text;
    expect(national).to.match(/<option value="2026-T2" selected>2026-T2<\/option>/);
    expect(national).to.contain('<option value="2026-T3">2026-T3 (provisoire)</option>');
  });

  it('answers provisional in the API, resolves latest, and refuses a running year under grain=year', async () => {
    const get = async (q: string) =>
      (await agents.national.get(`/api/v1/aggregates?indicator=EMP_CREES&level=nation&${q}`).expect(200)).body.data;
    const [t3] = await get('from=2026-T3&to=2026-T3');
    expect(t3.provisional).to.equal(true);
    const [t2] = await get('from=2026-T2&to=2026-T2');
    expect(t2.provisional).to.equal(false);
    const latest = await get('from=latest&to=latest');
    expect(latest.map((i: { period: string }) => i.period)).to.deep.equal(['2026-T2']);
    const years = await get('grain=year');
    expect(years.map((i: { period: string }) => i.period)).to.not.include('2026');
    expect(years.find((i: { period: string }) => i.period === '2025').provisional).to.equal(false);
    const refused = await agents.national.get('/api/v1/aggregates?indicator=EMP_CREES&level=nation&grain=year&to=2026-T4').expect(400);
    expect(refused.body.error.parameter).to.equal('to');
    expect(refused.body.error.message).to.contain('grain=ytd');
    const ytd = await get('grain=ytd&from=2026-T3&to=2026-T3');
    expect(ytd[0].provisional).to.equal(true);
  });
});
