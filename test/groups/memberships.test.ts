// Poles in groups over time: placing from a quarter closes the previous membership the quarter before;
// overlapping memberships are refused (422 next to the field); a stale page is a 409; membersAt answers
// at any quarter; a regional funder sees only its regions' poles in each group; the pole page says them.
import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { text } from '../support/html.ts';
import { quarterIndex } from '../../server/lib/quarters.ts';
import { disjoint } from '../../server/groups/intervals.ts';
import type { PoleRow } from '../../server/poles/poles.repo.ts';
import type { GroupSetRow } from '../../server/groups/groups.repo.ts';
import type { CurrentUser } from '../../server/http/current-user.ts';

type Agent = ReturnType<typeof request.agent>;
const q = (year: number, quarter: number) => quarterIndex({ year, quarter });
const SYSTEM = { userId: null };

describe(`pole groups: memberships over time (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let staff: Agent;
  let regional: Agent;
  let pole: PoleRow;
  let other: PoleRow;
  let third: PoleRow;
  let programme: GroupSetRow;
  let g: Record<string, number>;
  const page = () => `/admin/poles/${pole.slug}/groupes`;
  const rows = async (p = pole) =>
    (await ctx.db('pole_group_memberships').where({ pole_id: p.id, set_id: programme.id }).orderBy('from_index')).map((r) => [
      Number(r.group_id),
      Number(r.from_index),
      r.to_index === null ? null : Number(r.to_index),
    ]);
  const digest = async (p = pole) => (await ctx.s.memberships.poleSets(p)).find((x) => x.set.id === programme.id)!.digest;
  const join = async (p: PoleRow, group: number, from: number) =>
    ctx.s.memberships.join(p, programme, { group, from, digest: await digest(p) }, SYSTEM);
  /** Posts a form of the pole's groups page (drawn now, or `html` drawn earlier), for the programme set. */
  const post = async (action: 'placer' | 'retirer', fields: Record<string, string>, status: number, html?: string) => {
    const drawn = html ?? (await staff.get(page()).expect(200)).text;
    const section = drawn.slice(drawn.indexOf(`id="ensemble-${programme.id}"`));
    const d = /name="digest" value="([0-9a-f]+)"/.exec(section)![1];
    return staff
      .post(`${page()}/${programme.id}/${action}`)
      .type('form')
      .send({ _csrf: csrfFrom(drawn), digest: d, ...fields })
      .expect((res) => {
        if (res.status !== status) throw new Error(`${res.status}: ${text(res.text).slice(0, 800)}`);
      });
  };

  before(async () => {
    ctx = await createTestApp();
    const s = ctx.s;
    pole = await makePole(s, { name: 'Pôle Réemploi Garonne', region: '76' });
    other = await makePole(s, { name: 'Pôle Rhône', region: '84' });
    third = await makePole(s, { name: 'Pôle Hérault', region: '76', departement: '34' });
    const id = await s.groups.createSet({ code: 'programme', label_fr: 'Programme', description_fr: '', display_order: 10 }, SYSTEM);
    programme = (await s.groups.set(id))!;
    g = {};
    for (const [code, label] of [
      ['appel-2015', 'Appel 2015'],
      ['ami-2021', 'AMI 2021'],
      ['ami-2023', 'AMI 2023'],
      ['ferme', 'Programme fermé'],
    ]) {
      g[code] = await s.groups.createGroup(programme, { code, label_fr: label, display_order: 0, active: true }, SYSTEM);
    }
    await s.groups.updateGroup(
      (await s.groups.group(programme.id, g.ferme))!,
      1,
      {
        code: '',
        label_fr: 'Programme fermé',
        display_order: 0,
        active: false,
      },
      SYSTEM,
    );
    staff = await signIn(ctx.app, (await makeUser(s, 'staff')).email);
    regional = await signIn(ctx.app, (await makeUser(s, 'funder', { regionCodes: ['76'] })).email);
  });
  after(() => ctx.close());

  it('places a pole from a quarter, then in another group from 2024-T1, closing the first in 2023-T4 (audited)', async () => {
    await post('placer', { group: String(g['appel-2015']), from: '2016-T1' }, 303);
    const res = await post('placer', { group: String(g['ami-2023']), from: '2024-q1' }, 303);
    expect(res.headers.location).to.equal(`${page()}#ensemble-${programme.id}`);
    expect(await rows()).to.deep.equal([
      [g['appel-2015'], q(2016, 1), q(2023, 4)],
      [g['ami-2023'], q(2024, 1), null],
    ]);
    const html = text((await staff.get(page()).expect(200)).text);
    expect(html).to.include('Actuellement : AMI 2023 (depuis 2024-T1)').and.include('Appel 2015 2016-T1 2023-T4');
    const audit = await ctx
      .db('audit_log')
      .whereIn('action', ['group.join', 'group.leave', 'group.correct', 'group.cancel'])
      .orderBy('id')
      .select('action', 'after_json');
    expect(audit.map((a) => a.action)).to.deep.equal(['group.join', 'group.leave', 'group.join']);
    expect(JSON.parse(audit[1].after_json)).to.include({ from: '2016-T1', to: '2023-T4' });
    const journal = text((await staff.get('/admin/journal?quoi=groupes').expect(200)).text);
    expect(journal)
      .to.include('« Pôle Réemploi Garonne » placé dans le groupe « Programme — AMI 2023 »')
      .and.include('« Pôle Réemploi Garonne » retiré du groupe « Programme — Appel 2015 »');
  });

  it('refuses an overlap, the group it is already in, an inactive group and a bad quarter (422, typed values kept)', async () => {
    const before = await rows();
    const overlap = await post('placer', { group: String(g['ami-2021']), from: '2020-T1' }, 422);
    expect(text(overlap.text)).to.include('Le pôle est dans le groupe « Appel 2015 » de 2016-T1 à 2023-T4');
    expect(overlap.text).to.match(new RegExp(`id="f-${programme.id}-from"[^>]*value="2020-T1"`));
    expect(overlap.text).to.match(new RegExp(`<option value="${g['ami-2021']}" selected>`));
    const already = await post('placer', { group: String(g['ami-2023']), from: '2025-T1' }, 422);
    expect(text(already.text)).to.include('déjà dans le groupe « AMI 2023 » depuis 2024-T1');
    const inactive = await post('placer', { group: String(g.ferme), from: '2025-T1' }, 422);
    expect(text(inactive.text)).to.include('Choisissez un groupe actif');
    const bad = await post('placer', { group: String(g['ami-2021']), from: '2025-T5' }, 422);
    expect(text(bad.text)).to.include('2024-T1');
    expect(bad.text).to.match(/value="2025-T5"/);
    const early = await post('retirer', { from: '2023-T2' }, 422);
    expect(text(early.text)).to.include('depuis 2024-T1');
    expect(await rows()).to.deep.equal(before);
  });

  it('answers 409 to a page drawn before another change, and changes nothing', async () => {
    const stale = (await staff.get(page()).expect(200)).text;
    await post('placer', { group: String(g['ami-2021']), from: '2025-T3' }, 303);
    const before = await rows();
    const res = await post('retirer', { from: '2026-T1' }, 409, stale);
    expect(text(res.text)).to.include('modifiés pendant votre saisie');
    expect(await rows()).to.deep.equal(before);
  });

  it('takes a pole out from a quarter; from the quarter a membership started, that membership goes', async () => {
    // AMI 2021 from 2025-T3 (placed above), out from 2025-T3: it never held a quarter; AMI 2023 still ends in 2025-T2.
    await post('retirer', { from: '2025-T3' }, 303);
    expect(await rows()).to.deep.equal([
      [g['appel-2015'], q(2016, 1), q(2023, 4)],
      [g['ami-2023'], q(2024, 1), q(2025, 2)],
    ]);
    await post('placer', { group: String(g['ami-2021']), from: '2025-T4' }, 303);
    await post('retirer', { from: '2026-T1' }, 303);
    expect((await rows()).at(-1)).to.deep.equal([g['ami-2021'], q(2025, 4), q(2025, 4)]);
    await post('placer', { group: String(g['ami-2023']), from: '2026-T2' }, 303);
    await post('retirer', { from: '2026-T2' }, 303);
    expect(await rows()).to.have.length(3);
    expect(await ctx.db('audit_log').where({ action: 'group.cancel', entity: 'pole', entity_id: String(pole.id) })).to.have.length(2);
    const none = await post('retirer', { from: '2026-T3' }, 422);
    expect(text(none.text)).to.include('Le pôle n’est dans aucun groupe de « Programme ».');
  });

  it('keeps every pole’s intervals disjoint with at most one open, and the database refuses a second open one', async () => {
    await join(other, g['ami-2021'], q(2021, 1));
    await join(third, g['appel-2015'], q(2015, 1));
    await join(third, g['ami-2023'], q(2024, 1));
    for (const p of [pole, other, third]) {
      const r = await ctx.s.memberships.groupsOfPole(p.id);
      expect(disjoint(r), p.name).to.equal(true);
    }
    let error: unknown = null;
    await ctx
      .db('pole_group_memberships')
      .insert({ pole_id: other.id, set_id: programme.id, group_id: g['ami-2023'], from_index: q(2026, 1), to_index: null, created_at: 'x' })
      .catch((e: unknown) => (error = e));
    expect(error, 'a second open membership').to.not.equal(null);
  });

  it('answers membersAt at different quarters', async () => {
    const at = async (y: number, t: number) => Object.fromEntries([...(await ctx.s.memberships.membersAt(programme.id, q(y, t)))]);
    expect(await at(2014, 4)).to.deep.equal({});
    expect(await at(2016, 1)).to.deep.equal({ [g['appel-2015']]: [pole.id, third.id].sort((a, b) => a - b) });
    expect(await at(2023, 4)).to.deep.equal({ [g['appel-2015']]: [pole.id, third.id].sort((a, b) => a - b), [g['ami-2021']]: [other.id] });
    expect(await at(2024, 1)).to.deep.equal({ [g['ami-2021']]: [other.id], [g['ami-2023']]: [pole.id, third.id].sort((a, b) => a - b) });
    expect(await at(2025, 4)).to.deep.equal({ [g['ami-2021']]: [pole.id, other.id].sort((a, b) => a - b), [g['ami-2023']]: [third.id] });
    expect(await at(2026, 2)).to.deep.equal({ [g['ami-2021']]: [other.id], [g['ami-2023']]: [third.id] });
  });

  it('shows a regional funder only its regions’ poles in each group, and no group without one', async () => {
    const funder = { id: 0, role: 'funder', poleIds: [], regionCodes: ['76'] } as unknown as CurrentUser;
    const visible = await ctx.s.memberships.visibleGroups(funder, q(2026, 2));
    const shown = visible.flatMap((s) => s.groups.map((x) => [x.group.label_fr, x.poles.map((p) => p.name)]));
    // AMI 2021 holds the Rhône pole only (region 84): the funder of Occitanie does not see it.
    expect(shown).to.deep.equal([['AMI 2023', ['Pôle Hérault']]]);
    const national = { id: 0, role: 'funder', poleIds: [], regionCodes: [] } as unknown as CurrentUser;
    const all = (await ctx.s.memberships.visibleGroups(national, q(2026, 2))).flatMap((s) => s.groups.map((x) => x.group.label_fr));
    expect(all).to.have.members(['AMI 2021', 'AMI 2023']);
    const staffUser = { id: 0, role: 'staff', poleIds: [], regionCodes: [] } as unknown as CurrentUser;
    expect((await ctx.s.memberships.visibleGroups(staffUser, q(2026, 2)))[0].groups).to.have.length(4);
  });

  it('says the pole’s groups on its page to whoever sees it, and links staff to the groups page', async () => {
    const funderPage = text((await regional.get(`/poles/${third.slug}`).expect(200)).text);
    expect(funderPage).to.include('Programme : AMI 2023 (depuis 2024-T1)').and.not.include('Gérer les groupes');
    await regional.get(`/poles/${other.slug}`).expect(404);
    await regional.get(`/admin/poles/${third.slug}/groupes`).expect(403);
    const staffPage = (await staff.get(`/poles/${third.slug}`).expect(200)).text;
    expect(staffPage).to.include(`href="/admin/poles/${third.slug}/groupes"`);
  });
});
