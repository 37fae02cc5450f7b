import { expect } from 'chai';
import fc from 'fast-check';
import request from 'supertest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { createTestApp, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { onPostgres } from '../support/test-db.ts';
import type { Services } from '../../server/services.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { Quarter } from '../../server/lib/quarters.ts';

type Agent = ReturnType<typeof request.agent>;
interface Item {
  indicator: string;
  level: string;
  area: string;
  category: string | null;
  grain: string;
  period: string;
  year: number;
  quarter: number;
  value: number | null;
  reported: number;
  expected: number;
  computedAt: string;
}
const q = (year: number, quarter: number): Quarter => ({ year, quarter });

describe(`read API /api/v1 (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let s: Services;
  let staffId: number;
  const p = {} as Record<'garonne' | 'lauragais' | 'minervois' | 'rhone' | 'bretagne', PoleRow>;
  const agents = {} as Record<'staff' | 'national' | 'funder76' | 'managerGaronne', Agent>;
  let validators: Record<'AggregatesPage' | 'IndicatorsList' | 'RegionsList' | 'Error', ValidateFunction>;

  async function enter(pole: PoleRow, period: Quarter, emp: string, then: 'validate' | 'submit' = 'validate') {
    const body = { ...(await completeBody(s, period, { 'v.EMP_CREES': emp })), version: '0' };
    const saved = await s.reporting.save(pole, period, body, true, { userId: staffId });
    expect(saved.kind, JSON.stringify(saved)).to.equal('saved');
    if (then === 'validate') {
      const report = (await s.repos.reporting.report(s.db, pole.id, period))!;
      expect(await s.review.decide(report, 'validate', report.version, '', { userId: staffId })).to.equal('done');
    }
  }

  /** Checks an answer against the served OpenAPI document's schema for it; returns the body. */
  function conforms(res: request.Response, schema: keyof typeof validators) {
    const validate = validators[schema];
    expect(validate(res.body), JSON.stringify(validate.errors)).to.equal(true);
    return res.body;
  }

  async function items(agent: Agent, query: string): Promise<Item[]> {
    const res = await agent.get(`/api/v1/aggregates?${query}`).expect(200);
    return conforms(res, 'AggregatesPage').data;
  }

  before(async () => {
    ctx = await createTestApp({ API_RATE_LIMIT_PER_MINUTE: '100000' });
    s = ctx.s;
    staffId = (await makeUser(s, 'staff')).id;
    p.garonne = await makePole(s, { name: 'Pôle Garonne', region: '76', firstReport: q(2025, 3) });
    p.lauragais = await makePole(s, { name: 'Pôle Lauragais', region: '76', firstReport: q(2025, 3) });
    p.minervois = await makePole(s, { name: 'Pôle Minervois', region: '76', firstReport: q(2026, 1) });
    p.rhone = await makePole(s, { name: 'Pôle Rhône', region: '84', firstReport: q(2025, 3) });
    p.bretagne = await makePole(s, { name: 'Pôle Bretagne', region: '53', departement: '29', firstReport: q(2026, 2) });
    for (const [pole, period, emp] of [
      [p.garonne, q(2025, 3), '2'],
      [p.garonne, q(2026, 1), '1,5'],
      [p.garonne, q(2026, 2), '2,5'],
      [p.garonne, q(2026, 3), '4'],
      [p.lauragais, q(2025, 3), '1'],
      [p.lauragais, q(2026, 1), '3'],
      [p.lauragais, q(2026, 2), '2'],
      [p.rhone, q(2025, 3), '10'],
      [p.rhone, q(2026, 1), '10'],
      [p.rhone, q(2026, 2), '10'],
      [p.rhone, q(2026, 3), '10'],
      [p.bretagne, q(2026, 2), '0,5'],
      [p.bretagne, q(2026, 3), '7,5'],
    ] as const) {
      await enter(pole, period, emp);
    }
    await enter(p.minervois, q(2026, 3), '7', 'submit'); // submitted only: not in the validated base
    await s.refresh.rebuild();

    agents.staff = await signIn(ctx.app, (await makeUser(s, 'staff')).email);
    agents.national = await signIn(ctx.app, (await makeUser(s, 'funder')).email);
    agents.funder76 = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['76'] })).email);
    agents.managerGaronne = await signIn(ctx.app, (await makeUser(s, 'manager', { poleIds: [p.garonne.id] })).email);

    // The schemas are taken out of the document the server serves, not from the source.
    const doc = (await request(ctx.app).get('/api/v1/openapi.json').expect(200).expect('content-type', /json/)).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema(doc, 'openapi.json');
    const get = (name: string) => ajv.getSchema(`openapi.json#/components/schemas/${name}`)!;
    validators = {
      AggregatesPage: get('AggregatesPage'),
      IndicatorsList: get('IndicatorsList'),
      RegionsList: get('RegionsList'),
      Error: get('Error'),
    };
  });
  after(() => ctx.close());

  it('serves an OpenAPI 3.1 document whose parameters are the ones the API accepts', async () => {
    const doc = (await request(ctx.app).get('/api/v1/openapi.json').expect(200)).body;
    expect(doc.openapi).to.equal('3.1.0');
    expect(Object.keys(doc.paths)).to.deep.equal(['/indicators', '/regions', '/aggregates', '/targets']);
    const params = doc.paths['/aggregates'].get.parameters as { name: string; required: boolean }[];
    expect(params.map((x) => x.name)).to.deep.equal(['indicator', 'level', 'area', 'grain', 'from', 'to', 'base', 'limit', 'page']);
    expect(params.filter((x) => x.required).map((x) => x.name)).to.deep.equal(['level']);
    // Every documented parameter is accepted, and nothing else is.
    await agents.staff
      .get('/api/v1/aggregates?indicator=EMP_CREES&level=region&area=76&grain=ytd&from=2026-Q1&to=2026-T3&base=validated&limit=5&page=1')
      .expect(200);
    const unknown = await agents.staff.get('/api/v1/aggregates?level=region&pays=FR').expect(400);
    expect(conforms(unknown, 'Error').error).to.deep.equal({
      code: 'bad_request',
      message: 'Paramètre inconnu : « pays ».',
      parameter: 'pays',
    });
    for (const v of Object.values(validators)) expect(v).to.be.a('function');
  });

  it('answers the catalogue and the regions in scope, conforming to the document', async () => {
    const indicators = conforms(await agents.funder76.get('/api/v1/indicators').expect(200), 'IndicatorsList').data;
    expect(indicators.map((i: { code: string }) => i.code)).to.include.members(['EMP_CREES', 'ACT_CONSOLIDEES', 'TE_ACTIONS', 'MEMBRES']);
    const membres = indicators.find((i: { code: string }) => i.code === 'MEMBRES');
    expect(membres.categories.length).to.be.greaterThan(1);
    const regions = async (a: Agent) =>
      conforms(await a.get('/api/v1/regions').expect(200), 'RegionsList').data.map((r: { code: string }) => r.code);
    expect(await regions(agents.funder76)).to.deep.equal(['76']);
    expect(await regions(agents.managerGaronne)).to.deep.equal(['76']);
    expect(await regions(agents.national)).to.have.length(18);
  });

  it('answers figures in the documented shape: periods written T, values as numbers, null when not reported', async () => {
    const rows = await items(agents.national, 'indicator=EMP_CREES&level=nation&from=2025-Q3&to=2026-T3');
    expect(rows.map((r) => r.period)).to.deep.equal(['2025-T3', '2025-T4', '2026-T1', '2026-T2', '2026-T3']);
    const t3 = rows.find((r) => r.period === '2026-T3')!;
    // Garonne 4 + Rhône 10 + Bretagne 7,5 (Minervois only submitted).
    expect(t3).to.include({
      indicator: 'EMP_CREES',
      level: 'nation',
      area: 'FR',
      category: null,
      grain: 'quarter',
      year: 2026,
      quarter: 3,
      value: 21.5,
      reported: 3,
    });
    expect(rows.find((r) => r.period === '2025-T4')!.value).to.equal(null);
    const years = await items(agents.national, 'indicator=EMP_CREES&level=nation&grain=year');
    expect(years.map((r) => [r.period, r.value])).to.deep.include.members([['2025', 13]]);
    // The staff-only base shows the submitted quarter too.
    const withSubmitted = await items(agents.staff, 'indicator=EMP_CREES&level=nation&from=2026-T3&to=2026-T3&base=validated_or_submitted');
    expect(withSubmitted[0].value).to.equal(28.5);
    const denied = await agents.national.get('/api/v1/aggregates?level=nation&base=validated_or_submitted').expect(403);
    expect(conforms(denied, 'Error').error.message).to.contain('réservée à l’équipe nationale');
  });

  it('adds up: pole-level flow figures sum to the national ones, period by period', async () => {
    for (const grain of ['quarter', 'year', 'ytd', 'rolling4']) {
      const nation = await items(agents.staff, `indicator=EMP_CREES&level=nation&grain=${grain}`);
      const poles = await items(agents.staff, `indicator=EMP_CREES&level=pole&grain=${grain}`);
      const regions = await items(agents.staff, `indicator=EMP_CREES&level=region&grain=${grain}`);
      expect(nation.length).to.be.greaterThan(0);
      for (const n of nation) {
        const sum = (list: Item[]) => {
          const cells = list.filter((x) => x.period === n.period && x.value !== null);
          return cells.length ? Math.round(cells.reduce((a, x) => a + x.value!, 0) * 10_000) / 10_000 : null;
        };
        expect(sum(poles), `${grain} ${n.period} (poles)`).to.equal(n.value);
        expect(sum(regions), `${grain} ${n.period} (regions)`).to.equal(n.value);
        const reported = poles.filter((x) => x.period === n.period).reduce((a, x) => a + x.reported, 0);
        expect(reported, `${grain} ${n.period} reported`).to.equal(n.reported);
      }
    }
  });

  it('keeps to the scope of the pages: regions and poles outside it answer 404, the nation 403 for a regional funder', async () => {
    const poles = await items(agents.funder76, 'indicator=EMP_CREES&level=pole');
    // Minervois is there too: expected in 2026, with no validated figure (null values).
    expect([...new Set(poles.map((r) => r.area))].sort()).to.deep.equal([p.garonne.slug, p.lauragais.slug, p.minervois.slug].sort());
    const regions = await items(agents.funder76, 'indicator=EMP_CREES&level=region');
    expect([...new Set(regions.map((r) => r.area))]).to.deep.equal(['76']);
    for (const [agent, query] of [
      [agents.funder76, 'level=region&area=84'],
      [agents.funder76, `level=pole&area=${p.rhone.slug}`],
      [agents.funder76, 'level=pole&area=pole-inexistant'],
      [agents.managerGaronne, `level=pole&area=${p.lauragais.slug}`],
      [agents.managerGaronne, 'level=region&area=84'],
      [agents.staff, 'level=region&area=99'],
    ] as const) {
      const res = await agent.get(`/api/v1/aggregates?${query}`).expect(404);
      expect(conforms(res, 'Error').error.code).to.equal('not_found');
    }
    expect(conforms(await agents.funder76.get('/api/v1/aggregates?level=nation').expect(403), 'Error').error.message).to.contain(
      'chiffres nationaux',
    );
    // A manager: its pole only, its region, and the nation.
    const mine = await items(agents.managerGaronne, 'indicator=EMP_CREES&level=pole');
    expect([...new Set(mine.map((r) => r.area))]).to.deep.equal([p.garonne.slug]);
    expect(await items(agents.managerGaronne, 'indicator=EMP_CREES&level=nation&from=2026-T3&to=2026-T3')).to.have.length(1);
    const one = await items(agents.national, `indicator=EMP_CREES&level=pole&area=${p.rhone.slug}&from=2026-T1&to=2026-T3`);
    expect(one.map((r) => [r.area, r.period, r.value])).to.deep.equal([
      [p.rhone.slug, '2026-T1', 10],
      [p.rhone.slug, '2026-T2', 10],
      [p.rhone.slug, '2026-T3', 10],
    ]);
  });

  it('pages large answers with links.next; the pages put together are the whole answer', async () => {
    const all = await items(agents.staff, 'level=pole&grain=quarter');
    expect(all.length).to.be.greaterThan(50);
    const collected: Item[] = [];
    let url: string | undefined = '/api/v1/aggregates?level=pole&grain=quarter&limit=40';
    let pages = 0;
    while (url) {
      const res = await agents.staff.get(url.replace(ctx.config.publicUrl, '')).expect(200);
      const body = conforms(res, 'AggregatesPage');
      collected.push(...body.data);
      expect(body.data.length).to.be.at.most(40);
      url = body.links.next;
      pages++;
    }
    expect(pages).to.equal(Math.ceil(all.length / 40));
    expect(collected).to.deep.equal(all);
    await agents.staff.get('/api/v1/aggregates?level=pole&limit=10001').expect(400);
    await agents.staff.get('/api/v1/aggregates?level=pole&limit=0').expect(400);
    await agents.staff.get('/api/v1/aggregates?level=pole&page=0').expect(400);
    const beyond = await agents.staff.get('/api/v1/aggregates?level=pole&page=999999&limit=10000').expect(200);
    expect(conforms(beyond, 'AggregatesPage').data).to.deep.equal([]);
  });

  it('sends an ETag with Cache-Control private, no-cache, and 304 when it still matches', async () => {
    const url = '/api/v1/aggregates?indicator=EMP_CREES&level=region&area=76';
    const first = await agents.funder76.get(url).expect(200);
    expect(first.headers['cache-control']).to.equal('private, no-cache');
    const etag = first.headers.etag;
    expect(etag).to.match(/^"[A-Za-z0-9_-]{43}"$/);
    const again = await agents.funder76.get(url).set('If-None-Match', etag).expect(304);
    expect(again.text).to.equal('');
    expect(again.headers.etag).to.equal(etag);
    await agents.funder76.get(url).set('If-None-Match', '"autre"').expect(200);
    const other = await agents.funder76.get(`${url}&grain=year`).expect(200);
    expect(other.headers.etag).to.not.equal(etag);
  });

  it('refuses bad parameters with 400 and a French message naming the parameter', async () => {
    const cases: [string, string, RegExp][] = [
      ['level=nation&indicator=INCONNU', 'indicator', /Indicateur inconnu : « INCONNU »/],
      ['level=nation&indicator=emp', 'indicator', /code d’indicateur/],
      ['level=nation&from=2026-T5', 'from', /2026-T2 ou 2026-Q2/],
      ['level=nation&to=26-T1', 'to', /2026-T2 ou 2026-Q2/],
      ['level=nation&from=2026-T3&to=2026-T1', 'from', /doit précéder/],
      ['level=nation&level=region', 'level', /répété/],
      ['level=nation&indicator=EMP_CREES&indicator=TE_ACTIONS', 'indicator', /répété/],
      ['', 'level', /obligatoire/],
      ['level=monde', 'level', /nation, region ou pole/],
      ['level=nation&grain=mois', 'grain', /quarter, year, ytd ou rolling4/],
      ['level=nation&base=tout', 'base', /validated/],
      ['level=nation&area=76', 'area', /FR/],
      ['level=pole&area=a%20b', 'area', /identifiant de pôle/],
    ];
    for (const [query, parameter, message] of cases) {
      const res = await agents.staff.get(`/api/v1/aggregates?${query}`);
      expect(res.status, query).to.equal(400);
      const body = conforms(res, 'Error');
      expect(body.error.parameter, query).to.equal(parameter);
      expect(body.error.message, query).to.match(message);
    }
    await agents.staff.get('/api/v1/regions?x=1').expect(400);
    const unknownPath = await agents.staff.get('/api/v1/inconnu').expect(404).expect('content-type', /json/);
    expect(conforms(unknownPath, 'Error').error.code).to.equal('not_found');
  });

  it('answers 401 in JSON (never a redirect) without a session or a token', async () => {
    for (const path of ['/api/v1/indicators', '/api/v1/regions', '/api/v1/aggregates?level=nation']) {
      const res = await request(ctx.app).get(path).expect(401).expect('content-type', /json/);
      expect(conforms(res, 'Error').error.message).to.contain('Authentification requise');
      expect(res.headers['www-authenticate']).to.match(/^Bearer/);
    }
    await request(ctx.app).get('/api/v1/openapi.json').expect(200);
  });

  it('never answers 5xx to random query strings', async () => {
    const key = fc.constantFrom(
      'indicator',
      'level',
      'area',
      'grain',
      'from',
      'to',
      'base',
      'limit',
      'page',
      'x',
      'level[]',
      '__proto__',
      'constructor',
    );
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        'nation',
        'region',
        'pole',
        '76',
        'FR',
        'EMP_CREES',
        '2026-T2',
        '2026-Q5',
        '-1',
        '1e9',
        '99999',
        '%00',
        '%',
        "'; drop table aggregates;--",
        p.garonne.slug,
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, value), { maxLength: 6 }), async (pairs) => {
        const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const res = await agents.funder76.get(`/api/v1/aggregates?${qs}`);
        expect(res.status, qs).to.be.below(500);
        expect(res.headers['content-type'], qs).to.match(/json/);
        if (res.status !== 304) expect(validators[res.status === 200 ? 'AggregatesPage' : 'Error'](res.body), qs).to.equal(true);
      }),
      { numRuns: 150 },
    );
  });
});
