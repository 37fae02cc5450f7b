// Moving a pole's first reporting quarter after validated quarters, or archiving it before them, takes
// those values out of the figures: the staff member sees how many and confirms that count first.
import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfFrom, csrfToken, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { field } from '../../server/reporting/entry-rules.ts';
import type { PoleRow } from '../../server/poles/poles.service.ts';
import { leavingRanges, OPEN_END } from '../../server/poles/reporting-window.ts';
import { naiveAggregates, storedAggregates } from '../aggregates/naive.ts';

const LAST_CLOSED = 2026 * 4 + 2; // 2026-T3 under the test clock
const T1 = 2026 * 4;
const apos = (s: string) => s.replace(/'/g, '&#x27;');

describe('reporting-window: which quarters a window change takes out', () => {
  it('a later first quarter, an earlier archive, both, or neither', () => {
    expect(leavingRanges({ first: 10, last: null }, { first: 12, last: null })).to.deep.equal([[10, 11]]);
    expect(leavingRanges({ first: 10, last: null }, { first: 8, last: null })).to.deep.equal([]);
    expect(leavingRanges({ first: 10, last: null }, { first: 10, last: 14 })).to.deep.equal([[15, OPEN_END]]);
    expect(leavingRanges({ first: 10, last: 20 }, { first: 11, last: 18 })).to.deep.equal([
      [10, 10],
      [19, 20],
    ]);
    expect(leavingRanges({ first: 10, last: 14 }, { first: 10, last: null })).to.deep.equal([]);
  });
});

describe(`poles: a reporting window change asks before values leave the figures (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let staff: ReturnType<typeof request.agent>;
  let token: string;
  let empId: number;

  const reload = async (p: PoleRow) => (await ctx.s.repos.poles.findById(ctx.db, p.id))!;
  const auditCount = async () => Number((await ctx.db('audit_log').count({ n: '*' }).first())!.n);
  const dirtyCount = () => ctx.s.repos.aggregates.dirtyCount(ctx.db);
  const nation = async (grain: string, i: number) => (await storedAggregates(ctx.db)).get(`validated|nation|FR|${empId}||${grain}|${i}`);

  async function poleWithValidatedQuarters(name: string): Promise<PoleRow> {
    const pole = await makePole(ctx.s, { name, firstReport: { year: 2026, quarter: 1 } });
    const manager = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
    for (const quarter of [1, 2, 3]) {
      const prepared = await ctx.s.reporting.prepare(
        await reload(pole),
        { year: 2026, quarter },
        { [field.value('EMP_CREES')]: String(quarter) },
        { submit: false, checkVersion: false, status: 'validated' },
      );
      if (prepared.kind !== 'ready') throw new Error(JSON.stringify(prepared));
      await ctx.s.reporting.applyAll([prepared.plan], { userId: manager.id });
    }
    return reload(pole);
  }

  /** The edit form's fields as the page posts them, with some changed. */
  async function editBody(pole: PoleRow, changes: Record<string, string>) {
    const page = (await staff.get(`/admin/poles/${pole.slug}/modifier`).expect(200)).text;
    const value = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(page)?.[1];
    return {
      _csrf: csrfFrom(page),
      name: pole.name,
      slug: pole.slug,
      region_code: pole.region_code,
      departement_code: pole.departement_code,
      territory_epci: '',
      territory_departements: [pole.departement_code],
      creation_year: String(pole.creation_year),
      first_report: value('first_report') ?? '',
      founding_wave: pole.founding_wave,
      legal_form: pole.legal_form,
      description: pole.description,
      contact_email: '',
      website: '',
      version: String(pole.version),
      ...changes,
    };
  }

  before(async () => {
    ctx = await createTestApp();
    staff = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
    token = await csrfToken(staff);
    empId = (await ctx.db('indicators').where({ code: 'EMP_CREES' }).first()).id;
  });
  after(() => ctx.close());

  it('a later first quarter: asks with the count, changes nothing unconfirmed, asks again on a stale count, then applies, audits and refreshes', async () => {
    const pole = await poleWithValidatedQuarters('Pôle Garonne');
    await ctx.s.refresh.rebuild();
    expect((await nation('quarter', T1))?.value).to.equal(10_000);
    const body = await editBody(pole, { first_report: '2026-T3', description: 'Texte saisi à garder' });
    const [audit0, dirty0] = [await auditCount(), await dirtyCount()];

    const ask = await staff.post(`/admin/poles/${pole.slug}/modifier`).type('form').send(body).expect(422);
    expect(ask.text).to.contain(apos('2 valeurs validées (2026-T1 à 2026-T2) ne compteront plus dans les chiffres'));
    expect(ask.text).to.contain('name="confirm_leaving" value="2"').and.contain('value="Texte saisi à garder"');
    expect(ask.text).to.contain('name="_csrf"');
    expect(await reload(pole)).to.deep.equal(pole);
    expect([await auditCount(), await dirtyCount()]).to.deep.equal([audit0, dirty0]);

    await staff
      .post(`/admin/poles/${pole.slug}/modifier`)
      .type('form')
      .send({ ...body, confirm_leaving: '1' })
      .expect(422);
    expect(await reload(pole), 'a count that is not the one shown asks again').to.deep.equal(pole);

    await staff
      .post(`/admin/poles/${pole.slug}/modifier`)
      .type('form')
      .send({ ...body, confirm_leaving: '2', _csrf: 'faux' })
      .expect(403);
    expect(await reload(pole)).to.deep.equal(pole);

    await staff
      .post(`/admin/poles/${pole.slug}/modifier`)
      .type('form')
      .send({ ...body, confirm_leaving: '2' })
      .expect(303);
    const moved = await reload(pole);
    expect([moved.first_report_year, moved.first_report_quarter, moved.description]).to.deep.equal([2026, 3, 'Texte saisi à garder']);
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'pole.update', entity_id: String(pole.id) })
      .orderBy('id', 'desc')
      .first();
    expect(JSON.parse(audit.after_json)).to.include({ validated_values_leaving: 2, first_report_quarter: 3 });
    expect(await dirtyCount()).to.be.greaterThan(dirty0);

    await ctx.s.refresh.incremental();
    const t1 = await nation('quarter', T1);
    expect(t1 === undefined || t1.value === null, JSON.stringify(t1)).to.equal(true);
    expect((await nation('ytd', LAST_CLOSED))?.value, 'only 2026-T3 counts').to.equal(30_000);
    const stored = await storedAggregates(ctx.db);
    const naive = await naiveAggregates(ctx.db, LAST_CLOSED);
    expect([...naive].filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(stored.get(k))).map(([k]) => k)).to.deep.equal([]);
  });

  it('an earlier first quarter, or a later one over no validated value, applies at once', async () => {
    const pole = await makePole(ctx.s, { name: 'Pôle sans valeurs', firstReport: { year: 2026, quarter: 1 } });
    await staff
      .post(`/admin/poles/${pole.slug}/modifier`)
      .type('form')
      .send(await editBody(pole, { first_report: '2026-T3' }))
      .expect(303);
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'pole.update', entity_id: String(pole.id) })
      .orderBy('id', 'desc')
      .first();
    expect(JSON.parse(audit.after_json)).not.to.have.property('validated_values_leaving');
  });

  it('archiving before validated quarters asks, then archives with the count audited', async () => {
    const pole = await poleWithValidatedQuarters('Pôle Adour');
    const url = `/admin/poles/${pole.slug}/archiver`;
    const body = { _csrf: token, archived_on: '2026-05-15', version: String(pole.version) };
    const ask = await staff.post(url).type('form').send(body).expect(422);
    expect(ask.text).to.contain(apos('1 valeur validée (2026-T3) ne comptera plus dans les chiffres'));
    expect(ask.text).to.contain('value="2026-05-15"').and.contain('Archivé le 15 mai 2026');
    expect((await reload(pole)).archived_on).to.equal(null);

    await staff
      .post(url)
      .type('form')
      .send({ ...body, confirm_leaving: '1' })
      .expect(303);
    expect((await reload(pole)).archived_on).to.equal('2026-05-15');
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'pole.archive', entity_id: String(pole.id) })
      .first();
    expect(JSON.parse(audit.after_json)).to.deep.equal({ archived_on: '2026-05-15', validated_values_leaving: 1 });
  });

  it('archiving after the last validated quarter asks nothing', async () => {
    const pole = await poleWithValidatedQuarters('Pôle Lot');
    await staff
      .post(`/admin/poles/${pole.slug}/archiver`)
      .type('form')
      .send({ _csrf: token, archived_on: '2026-10-01', version: String(pole.version) })
      .expect(303);
  });
});
