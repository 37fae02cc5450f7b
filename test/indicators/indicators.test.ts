import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, csrfFrom, csrfToken, signIn, type TestContext } from '../support/test-app.ts';
import { makePole, makeUser } from '../support/factories.ts';
import { onPostgres } from '../support/test-db.ts';
import { prepareDatabase } from '../../server/bootstrap.ts';
import { INDICATOR_CATALOGUE } from '../../server/indicators/catalogue.ts';

type Agent = ReturnType<typeof request.agent>;
type Body = Record<string, string | string[]>;

const NEW = '/admin/indicateurs/nouveau';
const TEXT_INPUTS = ['code', 'label_fr', 'label_en', 'decimals', 'min', 'max', 'first_quarter', 'last_quarter', 'display_order'];
/** The form without a field: an unticked checkbox is simply not posted. */
const without =
  (field: string) =>
  (b: Body): Body =>
    Object.fromEntries(Object.entries(b).filter(([k]) => k !== field));
const unescape = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|#x27|#x3D|#x60);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#x3D': '=', '#x60': '`' })[e]!,
  );
/** How the page shows a value (Handlebars escaping), to look for it in the HTML. */
const shown = (s: string) => s.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/=/g, '&#x3D;');

/** What a browser would post from the page's form: inputs, ticked checkboxes, textareas, selected options. */
function formFrom(page: string): Body {
  const html = /<form method="post" action="\/admin\/indicateurs[^>]*>([\s\S]*?)<\/form>/.exec(page)![1];
  const body: Body = {};
  const add = (name: string, value: string) => {
    const prev = body[name];
    body[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  };
  for (const [tag] of html.matchAll(/<input [^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    if (!name || (/type="checkbox"/.test(tag) && !/ checked/.test(tag))) continue;
    add(name, unescape(/value="([^"]*)"/.exec(tag)?.[1] ?? ''));
  }
  for (const m of html.matchAll(/<textarea [^>]*name="([^"]*)"[^>]*>([^<]*)<\/textarea>/g)) add(m[1], unescape(m[2]));
  for (const m of html.matchAll(/<select [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    add(m[1], unescape(/<option value="([^"]*)" selected>/.exec(m[2])?.[1] ?? ''));
  }
  return body;
}

function validFlow(o: Body = {}): Body {
  return {
    code: 'CIRCUITS_COURTS',
    label_fr: 'Producteurs en circuits courts',
    label_en: 'Short-chain producers',
    definition_fr: 'Producteurs locaux accompagnés.',
    definition_en: 'Local producers supported.',
    unit: 'nombre',
    decimals: '1',
    min: '0',
    max: '1 234,5',
    kind: 'flow',
    numerator: '',
    denominator: '',
    objectives: ['O1', 'O4'],
    direction: 'up',
    first_quarter: '2025-T1',
    last_quarter: '',
    active: '1',
    display_order: '200',
    ...o,
  };
}

describe(`indicator catalogue pages (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let staff: Agent;

  const counts = async () => {
    const [{ n: indicators }] = await ctx.db('indicators').count({ n: '*' });
    const [{ n: audit }] = await ctx.db('audit_log').count({ n: '*' });
    return { indicators: Number(indicators), audit: Number(audit) };
  };
  const row = (code: string) => ctx.db('indicators').where({ code }).first();
  const idOf = async (code: string) => Number((await row(code)).id);
  const editUrl = async (code: string) => `/admin/indicateurs/${await idOf(code)}/modifier`;
  const postNew = async (body: Body) => {
    const page = await staff.get(NEW).expect(200);
    expect(page.text).to.not.include('error-summary');
    return staff
      .post(NEW)
      .type('form')
      .send({ ...body, _csrf: csrfFrom(page.text) });
  };
  /** Loads the edit page, applies `changes` to its form as a user would, and posts it. */
  const edit = async (code: string, changes: Body | ((b: Body) => Body)) => {
    const url = await editUrl(code);
    const page = await staff.get(url).expect(200);
    expect(page.text).to.not.include('error-summary'); // {} must not pass for errors
    const form = formFrom(page.text);
    return staff
      .post(url)
      .type('form')
      .send(typeof changes === 'function' ? changes(form) : { ...form, ...changes });
  };

  beforeEach(async () => {
    ctx = await createTestApp();
    staff = await signIn(ctx.app, (await makeUser(ctx.s, 'staff')).email);
  });
  afterEach(async () => ctx.close());

  describe('list', () => {
    it('shows the 15 seeded indicators with kinds, bounds, ratio components and categories', async () => {
      const res = await staff.get('/admin/indicateurs').expect(200);
      expect(INDICATOR_CATALOGUE).to.have.length(15);
      for (const e of INDICATOR_CATALOGUE) expect(res.text).to.include(`<code>${e.code}</code>`);
      expect(res.text).to.include('15 indicateurs');
      expect(res.text)
        .to.match(/<td>flux<\/td>/)
        .and.match(/<td>stock<\/td>/)
        .and.match(/<td>ratio<\/td>/)
        .and.match(/<td>score<\/td>/);
      expect(res.text).to.include('0 – 10\u202f000'); // fr-FR thousands, through the scaled helper
      expect(res.text).to.include('Numérateur : MEMBRES — Entreprises de l’ESS<br>Dénominateur : MEMBRES');
      expect(res.text).to.include('Numérateur : RESSOURCES_PROPRES<br>Dénominateur : RESSOURCES_TOTALES');
      expect(res.text).to.include('Catégories : Entreprises de l’ESS, Entreprises hors ESS, Collectivités territoriales');
      expect(res.text).to.include('Contribuer à la transition énergétique du territoire');
    });

    it('filters by objective and active state', async () => {
      const o6 = await staff.get('/admin/indicateurs?objectif=O6').expect(200);
      expect(o6.text).to.include('2 indicateurs').and.include('<code>TE_ACTIONS</code>').and.include('<code>REEMPLOI_T</code>');
      expect(o6.text).to.not.include('<code>EMP_CREES</code>');
      expect((await edit('TE_ACTIONS', without('active'))).status).to.equal(303);
      const inactive = await staff.get('/admin/indicateurs?etat=inactifs&objectif=').expect(200);
      expect(inactive.text).to.include('1 indicateur').and.include('<code>TE_ACTIONS</code>');
      const active = await staff.get('/admin/indicateurs?etat=actifs').expect(200);
      expect(active.text).to.include('14 indicateurs').and.not.include('<code>TE_ACTIONS</code>');
    });

    for (const query of ['etat=archives', 'objectif=O7', 'objectif=O1&objectif=O2', 'etat=tous&etat=actifs']) {
      it(`answers 400 to ?${query}`, async () => {
        await staff.get(`/admin/indicateurs?${query}`).expect(400);
      });
    }
  });

  describe('create and edit', () => {
    it('creates a flow, with French decimals and one audit row', async () => {
      const before = await counts();
      const res = await postNew(validFlow({ objectives: ['O4', 'O1', 'O4'] }));
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/admin/indicateurs');
      const r = await row('CIRCUITS_COURTS');
      expect(r).to.include({
        kind: 'flow',
        unit: 'nombre',
        decimals: 1,
        objectives: 'O1,O4',
        first_year: 2025,
        first_quarter: 1,
        last_year: null,
      });
      expect([Number(r.min_scaled), Number(r.max_scaled)]).to.deep.equal([0, 12_345_000]);
      expect(await counts()).to.deep.equal({ indicators: before.indicators + 1, audit: before.audit + 1 });
      const audit = await ctx.db('audit_log').orderBy('id', 'desc').first();
      expect(audit).to.include({ action: 'indicator.create', entity: 'indicator', entity_id: String(r.id), before_json: null });
      expect(JSON.parse(audit.after_json)).to.include({ code: 'CIRCUITS_COURTS', max_scaled: 12_345_000 });
      const list = await staff.get('/admin/indicateurs').expect(200);
      expect(list.text).to.include('L’indicateur CIRCUITS_COURTS a été créé.').and.include('0,0 – 1\u202f234,5');
    });

    it('creates the ratio MEMBRES/ess over MEMBRES', async () => {
      const res = await postNew(
        validFlow({
          code: 'PCT_ESS_BIS',
          kind: 'ratio',
          unit: 'pourcent',
          min: '',
          max: '',
          numerator: 'MEMBRES:ess',
          denominator: 'MEMBRES',
        }),
      );
      expect(res.status).to.equal(303);
      const r = await row('PCT_ESS_BIS');
      const membres = await idOf('MEMBRES');
      expect(r).to.include({
        kind: 'ratio',
        numerator_id: membres,
        numerator_category: 'ess',
        denominator_id: membres,
        denominator_category: null,
      });
      expect([r.min_scaled, r.max_scaled]).to.deep.equal([null, null]);
    });

    it('edits labels and bounds through the page: one audit row, version bumped', async () => {
      const before = await counts();
      const res = await edit('EMP_CREES', { label_fr: 'Emplois créés (ETP)', min: '0,5', max: '2 500' });
      expect(res.status).to.equal(303);
      const r = await row('EMP_CREES');
      expect(r).to.include({ label_fr: 'Emplois créés (ETP)', version: 2 });
      expect([Number(r.min_scaled), Number(r.max_scaled)]).to.deep.equal([5_000, 25_000_000]);
      expect(await counts()).to.deep.equal({ indicators: before.indicators, audit: before.audit + 1 });
      const audit = await ctx.db('audit_log').orderBy('id', 'desc').first();
      expect(audit).to.include({ action: 'indicator.update', entity_id: String(r.id) });
      expect(JSON.parse(audit.before_json)).to.include({ label_fr: 'Emplois non délocalisables créés', max_scaled: 100_000_000 });
      expect(JSON.parse(audit.after_json)).to.include({ label_fr: 'Emplois créés (ETP)', max_scaled: 25_000_000 });
    });

    it('writes nothing when the form changes nothing, and never changes the code', async () => {
      const before = await counts();
      expect((await edit('EMP_CREES', { code: 'AUTRE_CODE' })).status).to.equal(303);
      expect(await counts()).to.deep.equal(before);
      expect(await row('EMP_CREES')).to.include({ version: 1 });
      expect(await row('AUTRE_CODE')).to.equal(undefined);
    });

    it('keeps staff edits when the catalogue seed runs again at start', async () => {
      expect((await edit('MEMBRES', { label_fr: 'Membres (libellé modifié)' })).status).to.equal(303);
      const before = await counts();
      await prepareDatabase(ctx.s);
      expect(await row('MEMBRES')).to.include({ label_fr: 'Membres (libellé modifié)', version: 2 });
      expect(await counts()).to.deep.equal(before);
    });

    it('answers 409 to a stale version, re-renders the form and stores nothing', async () => {
      const url = await editUrl('ACT_CREEES');
      const stale = formFrom((await staff.get(url).expect(200)).text);
      expect((await edit('ACT_CREEES', { label_fr: 'Premier enregistrement' })).status).to.equal(303);
      const before = await counts();
      const res = await staff
        .post(url)
        .type('form')
        .send({ ...stale, label_fr: 'Second enregistrement' });
      expect(res.status).to.equal(409);
      expect(res.text).to.include(shown('modifié par quelqu’un d’autre')).and.include('value="Second enregistrement"');
      expect(await row('ACT_CREEES')).to.include({ label_fr: 'Premier enregistrement', version: 2 });
      expect(await counts()).to.deep.equal(before);
      expect(
        (
          await staff
            .post(url)
            .type('form')
            .send({ ...stale, version: 'abc' })
        ).status,
      ).to.equal(409);
    });

    it('answers 404 to unknown or malformed ids', async () => {
      for (const id of ['999999', 'abc', '0', '99999999999999']) await staff.get(`/admin/indicateurs/${id}/modifier`).expect(404);
    });
  });

  describe('validation (422, French message next to the field, typed values kept, nothing stored)', () => {
    const cases: [string, Body, string, string][] = [
      ['empty code', { code: '' }, 'code', 'Saisissez le code de l’indicateur.'],
      ['lower-case code', { code: 'emp-x' }, 'code', 'Lettres majuscules sans accent, chiffres et tiret bas uniquement'],
      ['code too long', { code: 'A'.repeat(41) }, 'code', 'Le code compte au plus 40 caractères.'],
      ['taken code', { code: 'EMP_CREES' }, 'code', 'Ce code est déjà utilisé par un autre indicateur.'],
      ['empty French label', { label_fr: ' ' }, 'label_fr', 'Saisissez le libellé en français.'],
      ['empty English label', { label_en: '' }, 'label_en', 'Saisissez le libellé en anglais.'],
      ['label too long', { label_en: 'x'.repeat(201) }, 'label_en', 'Ce texte est trop long (200 caractères au plus).'],
      [
        'a control character',
        { label_en: 'a\u0007b' },
        'label_en',
        'Ce texte contient un caractère invisible non autorisé (U+0007, position 2)',
      ],
      ['unknown unit', { unit: 'litres' }, 'unit', 'Choisissez une unité de la liste.'],
      ['decimals 5', { decimals: '5' }, 'decimals', 'Le nombre de décimales est un entier de 0 à 4.'],
      ['decimals in words', { decimals: 'deux' }, 'decimals', 'Le nombre de décimales est un entier de 0 à 4.'],
      ['minimum not a number', { min: 'douze' }, 'min', 'Saisissez un nombre, par exemple « 12,5 » ou « 1 234 ».'],
      ['too many decimals for the indicator', { min: '0,25' }, 'min', 'Au plus 1 décimale pour cet indicateur.'],
      [
        'decimals on an integer indicator',
        { decimals: '0', max: '12,5' },
        'max',
        'Saisissez un nombre entier : cet indicateur n’a pas de décimale.',
      ],
      ['minimum above maximum', { min: '20', max: '1 0' }, 'max', 'Le maximum doit être supérieur ou égal au minimum.'],
      ['unknown kind', { kind: 'jauge' }, 'kind', 'Choisissez une nature de la liste.'],
      ['components on a flow', { numerator: 'MEMBRES' }, 'numerator', 'Seul un ratio a un numérateur et un dénominateur'],
      [
        'ratio with bounds',
        { kind: 'ratio', numerator: 'MEMBRES:ess', denominator: 'MEMBRES', min: '0', max: '' },
        'min',
        'Un ratio n’a pas de bornes',
      ],
      [
        'ratio without numerator',
        { kind: 'ratio', min: '', max: '', denominator: 'MEMBRES' },
        'numerator',
        'Choisissez le numérateur du ratio.',
      ],
      [
        'ratio over itself',
        { kind: 'ratio', min: '', max: '', numerator: 'MEMBRES', denominator: 'MEMBRES' },
        'denominator',
        'Le dénominateur doit être différent du numérateur.',
      ],
      [
        'ratio of a ratio',
        { kind: 'ratio', min: '', max: '', numerator: 'TX_AUTOFINANCEMENT', denominator: 'MEMBRES' },
        'numerator',
        'Choisissez un indicateur de nature flux ou stock.',
      ],
      [
        'unknown category',
        { kind: 'ratio', min: '', max: '', numerator: 'MEMBRES:elus', denominator: 'MEMBRES' },
        'numerator',
        'L’indicateur MEMBRES n’a pas de catégorie « elus ».',
      ],
      [
        'unknown component',
        { kind: 'ratio', min: '', max: '', numerator: 'NULLE_PART', denominator: 'MEMBRES' },
        'numerator',
        'Choisissez un indicateur de la liste.',
      ],
      ['no objective', { objectives: [] }, 'objectives', 'Cochez au moins un objectif.'],
      ['unknown objective', { objectives: ['O1', 'O9'] }, 'objectives', 'Choisissez des objectifs de la liste (O1 à O6).'],
      ['unknown direction', { direction: 'stable' }, 'direction', 'Choisissez le sens d’évolution souhaité.'],
      ['malformed quarter', { first_quarter: '2024-T5' }, 'first_quarter', 'Saisissez un trimestre sous la forme 2024-T1.'],
      ['quarter out of range', { last_quarter: '1999-T1' }, 'last_quarter', 'L’année doit être comprise entre 2010 et 2100.'],
      [
        'last before first',
        { first_quarter: '2025-T2', last_quarter: '2025-T1' },
        'last_quarter',
        'Le dernier trimestre doit être égal ou postérieur au premier.',
      ],
      ['display order not an integer', { display_order: '1,5' }, 'display_order', 'Saisissez un nombre entier entre 0 et 100 000.'],
      ['display order too large', { display_order: '99999999999' }, 'display_order', 'Saisissez un nombre entier entre 0 et 100 000.'],
      ['repeated label field', { label_fr: ['a', 'b'] }, 'label_fr', 'Valeur invalide.'],
    ];
    for (const [name, changes, field, message] of cases) {
      it(`refuses ${name}`, async () => {
        const before = await counts();
        const body = validFlow({ label_fr: 'Libellé « saisi » & gardé', ...changes });
        const res = await postNew(body);
        expect(res.status).to.equal(422);
        expect(res.text).to.include(`<p class="error-message" id="f-${field}-error">${shown(message)}`);
        const typed = body[field];
        if (typeof typed === 'string' && TEXT_INPUTS.includes(field))
          expect(res.text).to.include(`name="${field}" type="text" value="${shown(typed)}"`);
        if (field !== 'label_fr') expect(res.text).to.include(`value="${shown('Libellé « saisi » & gardé')}"`);
        expect(await counts()).to.deep.equal(before);
      });
    }
  });

  describe('rules that protect entered values and ratios', () => {
    it('refuses to change the kind or unit of an indicator that has values, and allows it without', async () => {
      // One real value for EMP_CREES, stored as the reporting feature stores it.
      const pole = await makePole(ctx.s);
      const [{ id: valueId }] = await ctx
        .db('quarter_values')
        .insert({
          pole_id: pole.id,
          indicator_id: await idOf('EMP_CREES'),
          category: '',
          year: 2025,
          quarter: 1,
          value_scaled: 10_000,
          updated_at: '2026-01-01T00:00:00Z',
        })
        .returning('id');
      try {
        const before = await counts();
        const kind = await edit('EMP_CREES', { kind: 'stock', label_fr: 'Libellé tapé' });
        expect(kind.status).to.equal(422);
        expect(kind.text).to.include(shown('Des valeurs ont déjà été saisies pour cet indicateur : sa nature ne peut plus changer.'));
        expect(kind.text).to.include('value="Libellé tapé"');
        const unit = await edit('EMP_CREES', { unit: 'nombre' });
        expect(unit.status).to.equal(422);
        expect(unit.text).to.include(shown('Des valeurs ont déjà été saisies pour cet indicateur : son unité ne peut plus changer.'));
        expect(await counts()).to.deep.equal(before);
        expect(await row('EMP_CREES')).to.include({ kind: 'flow', unit: 'etp', version: 1 });
        expect((await edit('EMP_CREES', { label_fr: 'Autre libellé' })).status).to.equal(303);
        expect((await edit('TE_ACTIONS', { kind: 'stock', unit: 'tonnes' })).status).to.equal(303);
      } finally {
        await ctx.db('quarter_values').where({ id: valueId }).delete();
      }
      expect((await edit('EMP_CREES', { kind: 'stock' })).status).to.equal(303);
    });

    // [name, indicator edited, change to its form, field, message, setup through the pages]
    const refusals: [string, string, Body | ((b: Body) => Body), string, string, (() => Promise<unknown>)?][] = [
      [
        'deactivating a component of an active ratio',
        'MEMBRES',
        without('active'),
        'active',
        'Cet indicateur est une composante du ratio actif PCT_MEMBRES_ESS : désactivez d’abord ce ratio.',
      ],
      [
        'changing the kind of a component',
        'RESSOURCES_PROPRES',
        { kind: 'stock' },
        'kind',
        'Cet indicateur est une composante du ratio actif TX_AUTOFINANCEMENT : sa nature ne peut pas changer.',
      ],
      [
        'a ratio using itself',
        'ACT_CREEES',
        { kind: 'ratio', min: '', max: '', numerator: 'ACT_CREEES', denominator: 'ACT_CONSOLIDEES' },
        'numerator',
        'Un ratio ne peut pas être sa propre composante.',
      ],
      [
        'an active ratio over an inactive indicator',
        'TX_AUTOFINANCEMENT',
        { denominator: 'PROJ_INNOV_SOCIALE' },
        'denominator',
        'L’indicateur PROJ_INNOV_SOCIALE est inactif : un ratio actif ne peut pas l’utiliser.',
        () => edit('PROJ_INNOV_SOCIALE', without('active')),
      ],
    ];
    for (const [name, code, changes, field, message, setup] of refusals) {
      it(`refuses ${name}`, async () => {
        if (setup) expect(await setup()).to.have.property('status', 303);
        const before = await counts();
        const versionBefore = (await row(code)).version;
        const res = await edit(code, changes);
        expect(res.status).to.equal(422);
        expect(res.text).to.include(`id="f-${field}-error">${shown(message)}`);
        expect(await counts()).to.deep.equal(before);
        expect((await row(code)).version).to.equal(versionBefore);
      });
    }

    it('refuses turning a disaggregated indicator into a ratio, even once no ratio uses it', async () => {
      const asRatio = { kind: 'ratio', min: '', max: '', numerator: 'RESSOURCES_PROPRES', denominator: 'RESSOURCES_TOTALES' };
      const used = await edit('MEMBRES', asRatio);
      expect(used.status).to.equal(422);
      expect(used.text).to.include(
        shown('Cet indicateur est une composante du ratio actif PCT_MEMBRES_ESS : sa nature ne peut pas changer.'),
      );
      expect((await edit('PCT_MEMBRES_ESS', without('active'))).status).to.equal(303);
      const before = await counts();
      const alone = await edit('MEMBRES', asRatio);
      expect(alone.status).to.equal(422);
      expect(alone.text).to.include(
        `id="f-kind-error">${shown('Cet indicateur est ventilé par catégories : il ne peut pas être un ratio.')}`,
      );
      expect(await counts()).to.deep.equal(before);
      expect((await edit('MEMBRES', without('active'))).status).to.equal(303); // no active ratio uses it any more
    });
  });

  describe('access', () => {
    for (const role of ['manager', 'funder'] as const) {
      it(`answers 403 to a ${role}`, async () => {
        const poleIds = role === 'manager' ? [(await makePole(ctx.s)).id] : [];
        const agent = await signIn(ctx.app, (await makeUser(ctx.s, role, { poleIds })).email);
        await agent.get('/admin/indicateurs').expect(403);
        await agent.get(NEW).expect(403);
        await agent.get(await editUrl('EMP_CREES')).expect(403);
        const before = await counts();
        const _csrf = await csrfToken(agent);
        await agent
          .post(NEW)
          .type('form')
          .send({ ...validFlow(), _csrf })
          .expect(403);
        await agent
          .post(await editUrl('EMP_CREES'))
          .type('form')
          .send({ ...validFlow(), version: '1', _csrf })
          .expect(403);
        expect(await counts()).to.deep.equal(before);
      });
    }

    it('answers 403 to a POST without a valid CSRF token', async () => {
      const before = await counts();
      await staff.post(NEW).type('form').send(validFlow()).expect(403);
      await staff
        .post(NEW)
        .type('form')
        .send({ ...validFlow(), _csrf: 'faux' })
        .expect(403);
      await staff
        .post(await editUrl('EMP_CREES'))
        .type('form')
        .send({ ...validFlow(), version: '1' })
        .expect(403);
      expect(await counts()).to.deep.equal(before);
    });

    it('sends anonymous visitors to the sign-in page', async () => {
      const res = await request(ctx.app).get('/admin/indicateurs').expect(303);
      expect(res.headers.location).to.equal('/connexion');
    });
  });
});
