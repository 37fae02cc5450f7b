import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, csrfFrom, signIn, type TestContext } from '../support/test-app.ts';
import { makeUser } from '../support/factories.ts';

/** The error summary of a page: its heading, its message and its links, in the order of the page. */
function summaryOf(html: string) {
  const box = /<div class="error-summary" role="alert" tabindex="-1">([\s\S]*?)<\/div>/.exec(html)?.[1];
  if (box === undefined) return null;
  return {
    heading: /<h2 class="error-summary-title">([^<]*)<\/h2>/.exec(box)?.[1],
    message: /<p>([^<]*)<\/p>/.exec(box)?.[1],
    links: [...box.matchAll(/<li><a href="#(f-[a-z_]+)">([^<]*)<\/a><\/li>/g)].map((m) => ({ id: m[1], text: m[2] })),
  };
}

/** The message shown next to a field, for comparing with its line in the summary. */
const fieldError = (html: string, id: string) => new RegExp(`<p class="error-message" id="${id}-error">([^<]*)</p>`).exec(html)?.[1];

/** The ids of the page's fields, in the page's order. */
const fieldOrder = (html: string) => [...html.matchAll(/<(?:input|select|textarea) id="(f-[a-z_]+)"/g)].map((m) => m[1]);

function expectLinksToFields(html: string, ids: string[]) {
  const summary = summaryOf(html)!;
  expect(summary.heading).to.equal('Il y a un problème');
  expect(summary.message).to.equal('Le formulaire contient des erreurs. Corrigez les champs signalés.');
  expect(summary.links.map((l) => l.id)).to.deep.equal(ids);
  const order = fieldOrder(html);
  expect(ids.map((id) => order.indexOf(id))).to.deep.equal([...ids.map((id) => order.indexOf(id))].sort((a, b) => a - b));
  for (const link of summary.links) expect(link.text, link.id).to.equal(fieldError(html, link.id));
  expect(html).to.contain('<script src="/static/js/error-summary.js" defer></script>');
}

describe('the error summary (one partial for every form)', () => {
  let ctx: TestContext;
  let staffEmail: string;

  before(async () => {
    ctx = await createTestApp();
    staffEmail = (await makeUser(ctx.s, 'staff')).email;
  });
  after(() => ctx.close());

  it('is absent from a form shown for the first time', async () => {
    const page = await request(ctx.app).get('/connexion').expect(200);
    expect(summaryOf(page.text)).to.equal(null);
    expect(page.text).to.not.contain('error-summary.js');
  });

  it('links to both sign-in fields when both are empty', async () => {
    const agent = request.agent(ctx.app);
    const page = await agent.get('/connexion');
    const res = await agent.post('/connexion').type('form').send({ _csrf: csrfFrom(page.text), email: '', password: '' }).expect(422);
    expectLinksToFields(res.text, ['f-email', 'f-password']);
  });

  it('shows a refused sign-in as one message, with the same heading and no list', async () => {
    const agent = request.agent(ctx.app);
    const page = await agent.get('/connexion');
    const res = await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: staffEmail, password: 'un mot de passe faux' })
      .expect(401);
    expect(summaryOf(res.text)).to.deep.equal({
      heading: 'Il y a un problème',
      message: 'Adresse électronique ou mot de passe incorrect.',
      links: [],
    });
  });

  it('lists the pole form’s errors in the order of the page', async () => {
    const staff = await signIn(ctx.app, staffEmail);
    const page = await staff.get('/admin/poles/nouveau').expect(200);
    expect(summaryOf(page.text)).to.equal(null);
    const res = await staff
      .post('/admin/poles/nouveau')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        name: '',
        slug: 'Pas Bon',
        region_code: '',
        departement_code: '31',
        creation_year: '20',
        first_report: '2024-T1',
        territory_epci: '',
        founding_wave: '',
        legal_form: '',
        description: '',
        contact_email: '',
        website: 'pas une adresse',
      })
      .expect(422);
    // The wave comes before the website on the page: the summary follows the page, not the alphabet.
    expectLinksToFields(res.text, ['f-name', 'f-slug', 'f-region_code', 'f-creation_year', 'f-founding_wave', 'f-website']);
  });

  it('lists the profile’s password errors in the order of the page', async () => {
    const staff = await signIn(ctx.app, staffEmail);
    const page = await staff.get('/profil').expect(200);
    const res = await staff
      .post('/profil/mot-de-passe')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), current_password: '', new_password: 'court', new_password_confirm: '' })
      .expect(422);
    expectLinksToFields(res.text, ['f-current_password', 'f-new_password', 'f-new_password_confirm']);
  });
});
