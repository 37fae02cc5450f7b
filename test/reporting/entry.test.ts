import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { completeBody } from '../support/reporting.ts';
import { field } from '../../server/reporting/entry-rules.ts';
import { text } from '../support/html.ts';

const Q = { year: 2026, quarter: 3 };
const URL_Q = (slug: string) => `/mon-pole/${slug}/trimestres/2026-T3`;

async function counts(ctx: TestContext) {
  const n = async (t: string) => Number((await ctx.db(t).count({ n: '*' }).first())!.n);
  return { reports: await n('quarter_reports'), values: await n('quarter_values'), revisions: await n('value_revisions') };
}

/** The inner HTML of the first <div> of this class (the summaries hold no nested div). */
const byClass = (html: string, _tag: 'div', cls: string) => new RegExp(`<div class="${cls}"[^>]*>([\\s\\S]*?)</div>`).exec(html)?.[1] ?? '';

/** A table row's inner HTML, by its id. */
const htmlRow = (html: string, id: string) => new RegExp(`<tr[^>]*id="${id}"[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';

/** The form page's hidden fields, as the browser would send them back. */
function hidden(html: string) {
  const get = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  return { _csrf: csrfFrom(html), version: get('version'), form_token: get('form_token') };
}

describe('the quarterly entry form', () => {
  let ctx: TestContext;
  let pole: Awaited<ReturnType<typeof makePole>>;
  let agent: ReturnType<typeof request.agent>;
  let managerId: number;

  beforeEach(async () => {
    ctx = await createTestApp();
    pole = await makePole(ctx.s, { name: 'Pôle Saisie' });
    const m = await makeUser(ctx.s, 'manager', { poleIds: [pole.id] });
    managerId = m.id;
    agent = await signIn(ctx.app, m.email);
  });
  afterEach(() => ctx.close());

  it('lists the pole’s quarters newest first with status and deadline, and refuses quarters it does not report', async () => {
    const page = await agent.get(`/mon-pole/${pole.slug}`).expect(200);
    // Each period is a link to its quarter (the phone's way in, without the action column).
    const periods = [
      ...page.text.matchAll(/<th scope="row"><a href="[^"]+\/trimestres\/(\d{4}-T\d)" class="period-link">\1<\/a><\/th>/g),
    ].map((m) => m[1]);
    expect(periods[0]).to.equal('2026-T3');
    expect(periods.at(-1)).to.equal('2024-T1');
    expect(periods).to.have.length(11);
    expect(page.text).to.contain('30 octobre 2026').and.contain('En retard'); // 2026-T3 is past its deadline on 26 November
    await agent.get(`/mon-pole/${pole.slug}/trimestres/2026-T4`).expect(404); // not ended
    await agent.get(`/mon-pole/${pole.slug}/trimestres/2023-T4`).expect(404); // before the first reporting quarter
    await agent.get(`/mon-pole/${pole.slug}/trimestres/2026-Q3`).expect(404); // URLs are written in French
    await agent.get(`/mon-pole/${pole.slug}/trimestres/n-importe`).expect(404);
  });

  it('saves a partial draft, then shows it back; a save with nothing changed writes no revision', async () => {
    const form = await agent.get(URL_Q(pole.slug)).expect(200);
    expect(form.text).to.contain('Emplois non délocalisables créés').and.contain('Objectif O3');
    const res = await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({ ...hidden(form.text), [field.value('EMP_CREES')]: '1\u202f234,5', action: 'brouillon' })
      .expect(303);
    expect(res.headers.location).to.equal(URL_Q(pole.slug));
    const back = await agent.get(URL_Q(pole.slug)).expect(200);
    expect(back.text).to.contain('Brouillon enregistré.').and.contain('value="1234,5"');
    const stored = await ctx.db('quarter_values').where({ pole_id: pole.id }).select('value_scaled', 'updated_by');
    expect(stored.map((r) => Number(r.value_scaled))).to.deep.equal([12_345_000]);
    expect(stored[0].updated_by).to.equal(managerId);
    const before = await counts(ctx);
    await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({ ...hidden(back.text), [field.value('EMP_CREES')]: '1234,5', action: 'brouillon' })
      .expect(303);
    const after = await counts(ctx);
    expect(after.revisions).to.equal(before.revisions);
  });

  it('answers 422 with every typed value kept and stores nothing when one field is wrong', async () => {
    const form = await agent.get(URL_Q(pole.slug));
    const before = await counts(ctx);
    const res = await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({
        ...hidden(form.text),
        [field.value('EMP_CREES')]: '4,5',
        [field.value('ACT_CONSOLIDEES')]: '2,5',
        [field.comment('EMP_CREES')]: 'Deux embauches',
        highlights: 'Notre texte',
        action: 'brouillon',
      })
      .expect(422);
    expect(res.text)
      .to.contain('Saisissez un nombre entier.')
      .and.contain('value="4,5"')
      .and.contain('value="2,5"')
      .and.contain('Deux embauches')
      .and.contain('Notre texte');
    expect(res.text).to.match(/id="f-v\.ACT_CONSOLIDEES-error">Saisissez un nombre entier\./);
    expect(await counts(ctx)).to.deep.equal(before);
  });

  it('submits only a complete quarter, then makes it read-only for the manager', async () => {
    let form = await agent.get(URL_Q(pole.slug));
    const incomplete = await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({ ...hidden(form.text), [field.value('EMP_CREES')]: '2', action: 'soumettre' })
      .expect(422);
    expect(incomplete.text).to.contain('Saisissez une valeur, ou cochez « non disponible » avec sa raison.');
    expect((await counts(ctx)).reports).to.equal(0);

    form = await agent.get(URL_Q(pole.slug));
    const body = await completeBody(ctx.s, Q);
    await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({ ...hidden(form.text), ...body, action: 'soumettre' })
      .expect(303)
      .expect('location', `/mon-pole/${pole.slug}`);
    const report = await ctx.db('quarter_reports').where({ pole_id: pole.id }).first();
    expect(report).to.include({ status: 'submitted', submitted_by: managerId });
    const list = await agent.get(`/mon-pole/${pole.slug}`);
    expect(list.text).to.contain('Trimestre soumis à l’équipe nationale.').and.contain('Soumis');

    const readOnly = await agent.get(URL_Q(pole.slug)).expect(200);
    expect(readOnly.text).to.contain('il attend la validation').and.not.contain('value="soumettre"');
    // A summary, not a disabled form: each value the French way beside the previous quarters, and the narrative.
    expect(readOnly.text).to.contain('id="quarter-summary"').and.not.contain('class="entry-form"');
    expect(text(htmlRow(readOnly.text, 'sum-EMP_CREES'))).to.equal('Emplois non délocalisables créés (ETP) 3,5 — —');
    expect(text(htmlRow(readOnly.text, 'sum-MEMBRES-ess'))).to.equal('Entreprises de l’ESS 1 — —');
    expect(readOnly.text).to.contain('id="sum-highlights">Un trimestre ordinaire.</p>');
    const before = await counts(ctx);
    const stored = (await ctx.db('quarter_reports').where({ pole_id: pole.id }).first())!;
    const locked = await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({
        _csrf: csrfFrom(readOnly.text),
        version: String(stored.version),
        form_token: ctx.s.reporting.newFormToken(),
        ...body,
        [field.value('EMP_CREES')]: '9',
        action: 'brouillon',
      })
      .expect(409);
    expect(locked.text).to.contain('n’est plus modifiable');
    expect(await counts(ctx)).to.deep.equal(before);
  });

  it('answers a stale form with 409, the stored values beside the user’s own, overwriting nothing', async () => {
    const first = await agent.get(URL_Q(pole.slug));
    const second = await agent.get(URL_Q(pole.slug)); // the same form open in another tab
    await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({ ...hidden(first.text), [field.value('EMP_CREES')]: '2', action: 'brouillon' })
      .expect(303);
    const before = await counts(ctx);
    const stale = await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({ ...hidden(second.text), [field.value('EMP_CREES')]: '7', action: 'brouillon' })
      .expect(409);
    expect(stale.text).to.contain('Ce trimestre a été modifié entre-temps');
    expect(stale.text).to.match(/Emplois non délocalisables créés<\/th><td class="num">2,0<\/td><td class="num">7<\/td>/);
    expect(await counts(ctx)).to.deep.equal(before);
    expect(Number((await ctx.db('quarter_values').where({ pole_id: pole.id }).first()).value_scaled)).to.equal(20_000);
  });

  it('saves a double click once', async () => {
    const form = await agent.get(URL_Q(pole.slug));
    const post = () =>
      agent
        .post(URL_Q(pole.slug))
        .type('form')
        .send({ ...hidden(form.text), [field.value('EMP_CREES')]: '2', action: 'brouillon' });
    const [a, b] = [await post(), await post()];
    expect([a.status, b.status]).to.deep.equal([303, 303]);
    const report = await ctx.db('quarter_reports').where({ pole_id: pole.id }).first();
    expect(report.version).to.equal(1);
    expect(
      Number(
        (await ctx
          .db('value_revisions')
          .where({ pole_id: pole.id, action: 'create' })
          .whereNotNull('indicator_id')
          .count({ n: '*' })
          .first())!.n,
      ),
    ).to.equal(1);
  });

  it('never acknowledges a correction posted under the token of a form already saved: 409 with both values', async () => {
    const form = await agent.get(URL_Q(pole.slug));
    const post = (value: string, action = 'brouillon') =>
      agent
        .post(URL_Q(pole.slug))
        .type('form')
        .send({ ...hidden(form.text), [field.value('EMP_CREES')]: value, action });
    expect((await post('2')).status).to.equal(303);
    // The typo fixed and sent again while (or after) the first request ran, from the same page.
    const corrected = await post('7');
    expect(corrected.status).to.equal(409);
    expect(corrected.text).to.not.contain('Brouillon enregistré');
    expect(corrected.text).to.match(/Emplois non délocalisables créés<\/th><td class="num">2,0<\/td><td class="num">7<\/td>/);
    const stored = await ctx.db('quarter_values').where({ pole_id: pole.id });
    expect(stored.map((r) => Number(r.value_scaled))).to.deep.equal([20_000]);
    // A submit under the draft's token is not the draft either.
    expect((await post('2', 'soumettre')).status).to.equal(409);
    // The same content again is still a double click: saved once.
    expect((await post('2')).status).to.equal(303);
    expect((await ctx.db('quarter_reports').where({ pole_id: pole.id }).first()).version).to.equal(1);
  });

  it('gives back what was typed when the session expired before the save', async () => {
    const form = await agent.get(URL_Q(pole.slug));
    ctx.clock.advance({ minutes: 45 }); // idle timeout is 30 minutes
    const res = await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({
        ...hidden(form.text),
        [field.value('EMP_CREES')]: '6,5',
        [field.comment('EMP_CREES')]: 'Tapé avant l’expiration',
        action: 'brouillon',
      })
      .expect(303);
    expect(res.headers.location).to.equal('/connexion');
    expect((await counts(ctx)).values).to.equal(0);
    const login = await agent.get('/connexion').expect(200);
    expect(login.text).to.contain('Votre session a expiré');
    const user = await ctx.db('users').where({ id: managerId }).first();
    const signedIn = await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: csrfFrom(login.text), email: user.email, password: 'une phrase de passe solide' })
      .expect(303);
    expect(signedIn.headers.location).to.equal(URL_Q(pole.slug));
    const restored = await agent.get(URL_Q(pole.slug)).expect(200);
    expect(restored.text).to.contain('Votre session avait expiré').and.contain('value="6,5"').and.contain('Tapé avant l’expiration');
    expect((await counts(ctx)).values, 'not saved until the user saves').to.equal(0);
    const again = await agent.get(URL_Q(pole.slug));
    expect(again.text, 'given back once').to.not.contain('value="6,5"');
  });

  it('records every change as a revision, and replaying the revisions rebuilds the current values', async () => {
    const post = async (fields: Record<string, string>, action = 'brouillon') => {
      const form = await agent.get(URL_Q(pole.slug));
      const res = await agent
        .post(URL_Q(pole.slug))
        .type('form')
        .send({ ...hidden(form.text), ...fields, action });
      expect(res.status, res.text.slice(0, 200)).to.equal(303);
    };
    await post({ [field.value('EMP_CREES')]: '2', [field.value('TE_ACTIONS')]: '1' });
    await post({
      [field.value('EMP_CREES')]: '3',
      [field.comment('EMP_CREES')]: 'Correction',
      [field.na('TE_ACTIONS')]: '1',
      [field.naReason('TE_ACTIONS')]: 'Bilan non reçu',
    });
    await post({ [field.value('EMP_CREES')]: '3', [field.comment('EMP_CREES')]: 'Correction' }); // TE_ACTIONS emptied
    await post({ ...(await completeBody(ctx.s, Q)) }, 'soumettre');

    const revisions = await ctx.s.repos.reporting.allRevisions(ctx.db);
    const emp = revisions.filter((r) => r.indicator_id !== null && r.category === '' && r.new_value_scaled !== r.old_value_scaled);
    expect(emp.length).to.be.greaterThan(3);
    expect(revisions.map((r) => r.actor_id).every((a) => a === managerId)).to.equal(true);
    // Replay from empty.
    const state = new Map<string, { value: number | null; na: boolean; comment: string }>();
    for (const r of revisions) {
      if (r.indicator_id === null) continue;
      const key = `${r.pole_id}/${r.indicator_id}/${r.category}/${r.year}/${r.quarter}`;
      if (r.new_value_scaled === null && !r.new_not_available) state.delete(key);
      else state.set(key, { value: r.new_value_scaled, na: Boolean(r.new_not_available), comment: r.new_comment ?? '' });
    }
    const current = await ctx.s.repos.reporting.allValues(ctx.db);
    const actual = new Map(
      current.map((v) => [
        `${v.pole_id}/${v.indicator_id}/${v.category}/${v.year}/${v.quarter}`,
        { value: v.value_scaled, na: v.not_available, comment: v.comment },
      ]),
    );
    expect([...state.entries()].sort()).to.deep.equal([...actual.entries()].sort());
    expect(revisions.at(-1)).to.include({ action: 'submit', old_status: 'draft', new_status: 'submitted' });

    const history = await agent.get(`${URL_Q(pole.slug)}/historique?indicateur=EMP_CREES`).expect(200);
    expect(history.text).to.contain('Historique — Emplois non délocalisables créés').and.contain('Correction').and.contain('Modification');
    await agent.get(`${URL_Q(pole.slug)}/historique?indicateur=INCONNU`).expect(404);
  });

  it('refuses UPDATE and DELETE on value_revisions', async () => {
    const form = await agent.get(URL_Q(pole.slug));
    await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({ ...hidden(form.text), [field.value('EMP_CREES')]: '2', action: 'brouillon' })
      .expect(303);
    let error: unknown = null;
    await ctx
      .db('value_revisions')
      .update({ action: 'x' })
      .catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/append-only/);
    error = null;
    await ctx
      .db('value_revisions')
      .delete()
      .catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/append-only/);
  });

  it('saves a draft that trips a plausibility rule, shows what to review, and refuses only the submission', async () => {
    // Five submitted quarters with 3,5 jobs created each: 50 is more than three times the largest.
    for (const q of [
      [2025, 2],
      [2025, 3],
      [2025, 4],
      [2026, 1],
      [2026, 2],
    ] as const) {
      const past = { year: q[0], quarter: q[1] };
      const saved = await ctx.s.reporting.save(pole, past, { ...(await completeBody(ctx.s, past)), version: '0' }, true, {
        userId: managerId,
      });
      expect(saved.kind).to.equal('saved');
    }
    const form = await agent.get(URL_Q(pole.slug)).expect(200);
    const typed = {
      [field.value('EMP_CREES')]: '50',
      [field.value('RESSOURCES_PROPRES')]: '1 500 €',
      [field.na('TE_ACTIONS')]: '1',
    };
    const res = await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({ ...hidden(form.text), ...typed, action: 'brouillon' })
      .expect(303);
    expect(res.headers.location).to.equal(URL_Q(pole.slug));
    const stored = await ctx
      .db('quarter_values as v')
      .join('indicators as i', 'i.id', 'v.indicator_id')
      .where({ 'v.pole_id': pole.id, 'v.year': 2026, 'v.quarter': 3 })
      .orderBy('i.code')
      .select('i.code', 'v.value_scaled', 'v.not_available');
    expect(stored.map((r) => [r.code, r.value_scaled === null ? null : Number(r.value_scaled), Boolean(r.not_available)])).to.deep.equal([
      ['EMP_CREES', 500_000, false],
      ['RESSOURCES_PROPRES', 15_000_000, false],
      ['TE_ACTIONS', null, true],
    ]);
    const back = await agent.get(URL_Q(pole.slug)).expect(200);
    expect(text(back.text))
      .to.contain('Brouillon enregistré. 2 points sont à revoir avant de soumettre : ils sont signalés ci-dessous.')
      .and.contain('À revoir avant de soumettre');
    // Beside its field, and in the summary in the order of the page, each linked to its field.
    expect(back.text).to.match(
      /<p class="warning-message" id="f-c\.EMP_CREES-error">[^<]*<span[^>]*>À revoir : <\/span>Valeur plus de trois fois supérieure/,
    );
    expect(back.text).to.match(/<p class="warning-message" id="f-nr\.TE_ACTIONS-error">/);
    const summary = byClass(back.text, 'div', 'warning-summary');
    expect(summary.indexOf('href="#f-c.EMP_CREES"')).to.be.greaterThan(0);
    expect(summary.indexOf('href="#f-nr.TE_ACTIONS"')).to.be.greaterThan(summary.indexOf('href="#f-c.EMP_CREES"'));
    expect(back.text).to.contain('value="50"').and.not.contain('aria-invalid');

    const submit = await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({ ...hidden(back.text), ...(await completeBody(ctx.s, Q)), [field.value('EMP_CREES')]: '50', action: 'soumettre' })
      .expect(422);
    expect(submit.text).to.contain('aria-invalid="true"').and.contain('expliquez-la en commentaire');
    expect((await ctx.db('quarter_reports').where({ pole_id: pole.id, year: 2026, quarter: 3 }).first()).status).to.equal('draft');
    await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({
        ...hidden(submit.text),
        ...(await completeBody(ctx.s, Q)),
        [field.value('EMP_CREES')]: '50',
        [field.comment('EMP_CREES')]: 'Ouverture de la légumerie',
        action: 'soumettre',
      })
      .expect(303);
  });

  it('refuses a draft only for a value that cannot be stored, keeping every typed value and listing problems in page order', async () => {
    const form = await agent.get(URL_Q(pole.slug)).expect(200);
    const before = await counts(ctx);
    const res = await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({
        ...hidden(form.text),
        [field.value('EMP_CREES')]: '2',
        [field.value('RESSOURCES_PROPRES')]: '1 234,5 €',
        [field.value('TE_ACTIONS')]: 'beaucoup',
        action: 'brouillon',
      })
      .expect(422);
    expect(await counts(ctx)).to.deep.equal(before);
    expect(res.text).to.contain('value="1 234,5 €"').and.contain('value="beaucoup"').and.contain('value="2"');
    const errors = byClass(res.text, 'div', 'error-summary');
    expect(errors).to.contain('Saisissez un montant en euros, sans centimes.');
    const order = ['TE_ACTIONS', 'RESSOURCES_PROPRES'].map((code) => res.text.indexOf(`id="f-v.${code}"`));
    const listed = ['TE_ACTIONS', 'RESSOURCES_PROPRES'].map((code) => errors.indexOf(`href="#f-v.${code}"`));
    expect(listed[0] < listed[1], JSON.stringify({ order, listed })).to.equal(order[0] < order[1]);
    expect(listed.every((i) => i > 0)).to.equal(true);
  });

  it('prefills stocks from the previous quarter, marked « reporté » until confirmed', async () => {
    const prev = { year: 2026, quarter: 2 };
    const body = await completeBody(ctx.s, prev, { [field.value('EMP_ETP_FIN')]: '42,5' });
    const outcome = await ctx.s.reporting.save(pole, prev, { ...body, version: '0' }, true, { userId: managerId });
    expect(outcome.kind).to.equal('saved');
    const form = await agent.get(URL_Q(pole.slug)).expect(200);
    expect(form.text)
      .to.contain('value="42,5"')
      .and.contain('Valeur reportée du trimestre précédent')
      .and.contain('Je confirme cette valeur');
    const submit = await agent
      .post(URL_Q(pole.slug))
      .type('form')
      .send({
        ...hidden(form.text),
        ...(await completeBody(ctx.s, Q)),
        [field.value('EMP_ETP_FIN')]: '42,5',
        [field.confirm('EMP_ETP_FIN')]: '',
        action: 'soumettre',
      })
      .expect(422);
    expect(submit.text).to.contain('Confirmez la valeur reportée du trimestre précédent, ou corrigez-la.');
  });
});
