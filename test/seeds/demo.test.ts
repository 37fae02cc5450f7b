import { expect } from 'chai';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { DEMO_PASSWORD, loadDemoData } from '../../seeds/demo.ts';
import { loadConfig } from '../../server/config.ts';
import { buildServices } from '../../server/services.ts';
import { createLogger } from '../../server/logger.ts';
import { FixedClock } from '../../server/lib/clock.ts';
import request from 'supertest';

async function digest(ctx: TestContext): Promise<string> {
  const poles = await ctx.db('poles').select('name', 'slug', 'region_code', 'first_report_year', 'first_report_quarter').orderBy('slug');
  const values = await ctx
    .db('quarter_values as v')
    .join('poles as p', 'p.id', 'v.pole_id')
    .join('indicators as i', 'i.id', 'v.indicator_id')
    .select('p.slug', 'i.code', 'v.category', 'v.year', 'v.quarter', 'v.value_scaled', 'v.not_available', 'v.comment')
    .orderBy(['p.slug', 'i.code', 'v.category', 'v.year', 'v.quarter']);
  const reports = await ctx
    .db('quarter_reports as r')
    .join('poles as p', 'p.id', 'r.pole_id')
    .select('p.slug', 'r.year', 'r.quarter', 'r.status', 'r.submitted_at')
    .orderBy(['p.slug', 'r.year', 'r.quarter']);
  return JSON.stringify({
    poles,
    values: values.map((v) => ({
      ...v,
      value_scaled: v.value_scaled === null ? null : Number(v.value_scaled),
      not_available: Boolean(v.not_available),
    })),
    reports,
  });
}

describe('demo data set', function () {
  this.timeout(300_000);

  describe('the whole set', () => {
    let ctx: TestContext;
    before(async () => {
      ctx = await createTestApp();
      await loadDemoData(ctx.s);
    });
    after(() => ctx.close());

    it('has about 40 poles over at least 12 regions, on real EPCI, with members', async () => {
      const poles = await ctx.db('poles').select('id', 'region_code');
      expect(poles.length).to.be.within(36, 44);
      expect(new Set(poles.map((p) => p.region_code)).size).to.be.at.least(12);
      const territories = await ctx.db('pole_territories').where({ kind: 'epci' }).countDistinct({ n: 'pole_id' }).first();
      expect(Number(territories!.n)).to.equal(poles.length);
      const members = await ctx.db('pole_members').count({ n: '*' }).first();
      expect(Number(members!.n)).to.be.greaterThan(poles.length * 3);
      // Descriptions read as sentences, not a theme pasted in quotes (« la filière « filière bois local » »).
      for (const { description } of await ctx.db('poles').select('description')) {
        expect(description).to.match(/^Des entreprises de l’ESS, .+ coopèrent pour .+, sur le territoire de .+\.$/);
        expect(description).to.not.match(/[«»]/);
      }
    });

    it('has the six accounts, all signing in with the printed password', async () => {
      const users = await ctx.db('users').select('email', 'role').orderBy('email');
      expect(users.map((u) => `${u.email}:${u.role}`)).to.deep.equal([
        'funder.national@demo.ptce-impact.fr:funder',
        'funder.region@demo.ptce-impact.fr:funder',
        'manager.a@demo.ptce-impact.fr:manager',
        'manager.b@demo.ptce-impact.fr:manager',
        'manager.c@demo.ptce-impact.fr:manager',
        'staff@demo.ptce-impact.fr:staff',
      ]);
      const a = await ctx
        .db('user_poles as up')
        .join('users as u', 'u.id', 'up.user_id')
        .join('poles as p', 'p.id', 'up.pole_id')
        .select('u.email', 'p.region_code');
      const regionOf = (email: string) => [...new Set(a.filter((r) => r.email.startsWith(email)).map((r) => r.region_code))];
      expect(regionOf('manager.a')).to.deep.equal(['76']);
      expect(regionOf('manager.b')).to.deep.equal(['76']);
      expect(a.filter((r) => r.email.startsWith('manager.b'))).to.have.length(2);
      expect(regionOf('manager.c')).to.deep.equal(['84']);
      for (const u of users) {
        const agent = request.agent(ctx.app);
        const page = await agent.get('/connexion');
        await agent
          .post('/connexion')
          .type('form')
          .send({ _csrf: csrfFrom(page.text), email: u.email, password: DEMO_PASSWORD })
          .expect(303);
      }
    });

    it('has 12 quarters per pole with trends, « non disponible », returns, late and flagged quarters, and a last quarter split', async () => {
      const last = { year: 2026, quarter: 3 };
      const poles = await ctx.db('poles').select('first_report_year', 'first_report_quarter');
      expect(poles.every((p) => p.first_report_year === 2023 && p.first_report_quarter === 4)).to.equal(true);
      const statusOfLast = (await ctx
        .db('quarter_reports')
        .where(last)
        .select('status')
        .count({ n: '*' })
        .groupBy('status')) as unknown as { status: string; n: unknown }[];
      const byStatus = Object.fromEntries(statusOfLast.map((r) => [r.status, Number(r.n)]));
      expect(byStatus.draft).to.be.greaterThan(0);
      expect(byStatus.submitted).to.be.greaterThan(0);
      expect(byStatus.validated).to.be.greaterThan(0);
      const missingLast = poles.length - Object.values(byStatus).reduce((a: number, b) => a + Number(b), 0);
      expect(missingLast, 'some poles have not started the last quarter').to.be.greaterThan(0);
      expect(Number((await ctx.db('quarter_reports').where({ status: 'returned' }).count({ n: '*' }).first())!.n)).to.be.greaterThan(0);
      expect(Number((await ctx.db('quarter_values').where({ not_available: true }).count({ n: '*' }).first())!.n)).to.be.greaterThan(0);
      expect(Number((await ctx.db('value_revisions').where({ action: 'return' }).count({ n: '*' }).first())!.n)).to.be.greaterThan(0);
      const late = await ctx.db('quarter_reports').whereNotNull('submitted_at').select('year', 'quarter', 'submitted_at');
      const lateOnes = late.filter(
        (r) => r.submitted_at > `${r.quarter === 4 ? r.year + 1 : r.year}-${String((r.quarter % 4) * 3 + 2).padStart(2, '0')}-01`,
      );
      expect(lateOnes.length, 'some quarters were submitted after their deadline').to.be.greaterThan(0);
      const flagged = await ctx.db('quarter_values').whereNot('comment', '').count({ n: '*' }).first();
      expect(Number(flagged!.n)).to.be.greaterThan(0);
      // Every stored value has its revisions: the values are the replay of the history.
      const values = Number((await ctx.db('quarter_values').count({ n: '*' }).first())!.n);
      const creates = Number(
        (await ctx.db('value_revisions').where({ action: 'create' }).whereNotNull('indicator_id').count({ n: '*' }).first())!.n,
      );
      expect(creates).to.equal(values);
    });

    it('has targets for 2025 and 2026 for most poles, none for a few, and one proposal for next year waiting for staff', async () => {
      const rows = await ctx.db('targets').select('pole_id', 'first_year', 'status');
      const poles = Number((await ctx.db('poles').count({ n: '*' }).first())!.n);
      const withTargets = new Set(rows.filter((r) => r.status === 'validated').map((r) => r.pole_id));
      expect(withTargets.size).to.be.within(poles * 0.8, poles - 2);
      expect([...new Set(rows.map((r) => r.first_year))].sort()).to.deep.equal([2024, 2025, 2026, 2027]);
      expect(await ctx.db('targets').where({ first_year: 2024, last_year: 2026 })).to.have.length(2);
      expect(rows.filter((r) => r.status === 'proposed').map((r) => r.first_year)).to.deep.equal([2027, 2027]);
    });

    it('has its aggregates computed and national summaries published (the last year and its quarters, the quarter before the last)', async () => {
      expect((await ctx.db('aggregate_state').first()).generation).to.be.greaterThan(0);
      const published = await ctx.db('publications').orderBy('id').select('year', 'quarter', 'version');
      expect(published.map((p) => `${p.year}-${p.quarter ?? 'année'}-v${p.version}`)).to.deep.equal([
        '2025-1-v1',
        '2025-2-v1',
        '2025-3-v1',
        '2025-4-v1',
        '2025-année-v1',
        '2026-2-v1',
      ]);
      const frozen = await ctx.s.publications.get({ kind: 'quarter', year: 2026, quarter: 2 }, 1);
      expect(
        frozen.summary.national.find((f) => f.indicator === 'EMP_CREES')?.value,
        'figures frozen from the aggregates',
      ).to.be.greaterThan(0);
    });

    it('records its aggregates rebuild in the job history like every run, and the dashboards say when it ran', async () => {
      const runs = await ctx.db('job_runs').select('job', 'status', 'rows_written');
      expect(runs.map((r) => `${r.job}:${r.status}`)).to.deep.equal(['rebuild:success']);
      expect(Number(runs[0].rows_written)).to.be.greaterThan(0);
      const staff = await signIn(ctx.app, 'staff@demo.ptce-impact.fr', DEMO_PASSWORD);
      const history = (await staff.get('/admin/taches').expect(200)).text;
      const rows = history.slice(history.indexOf('Historique'));
      expect(rows).to.match(/<td>Reconstruction complète<\/td>\s*<td>26 novembre 2026 à 10:00<\/td>/);
      expect(rows).to.contain('réussie');
      const national = (await staff.get('/tableau-de-bord').expect(200)).text.replace(/\s+/g, ' ');
      expect(national).to.contain('Chiffres mis à jour le 26 novembre 2026 à 10:00.');
      expect(national).to.contain('Aucune modification en attente du prochain calcul.');
    });

    it('refuses to load in production', async () => {
      const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });
      const s = buildServices({ config, db: ctx.db, clock: new FixedClock('2026-11-26T10:00:00'), logger: createLogger('silent') });
      let error: unknown = null;
      await loadDemoData(s).catch((e: unknown) => (error = e));
      expect(String(error)).to.contain('jamais en production');
    });
  });

  it('is deterministic for a given date', async () => {
    const digests: string[] = [];
    for (let i = 0; i < 2; i++) {
      const ctx = await createTestApp();
      try {
        await loadDemoData(ctx.s, { regions: 2 });
        digests.push(await digest(ctx));
      } finally {
        await ctx.close();
      }
    }
    expect(digests[0].length).to.be.greaterThan(10_000);
    expect(digests[1]).to.equal(digests[0]);
  });
});
