import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, csrfFrom, type TestContext } from '../support/test-app.ts';
import { buildCast, PERSONAS, snapshot, type Cast, type Persona } from '../support/personas.ts';
import { onPostgres } from '../support/test-db.ts';
import type { CurrentUser } from '../../server/http/current-user.ts';
import { seedPublication } from '../publications/summaries.ts';

type Outcome = 'ok' | 'login' | 'unauthorized' | 'forbidden' | 'notfound';
type Expectation = Record<Persona, Outcome>;

const row = (
  anonymous: Outcome,
  managerA: Outcome,
  managerB: Outcome,
  managerC: Outcome,
  funderRegion: Outcome,
  funderNational: Outcome,
  staff: Outcome,
): Expectation => ({
  anonymous,
  managerA,
  managerB,
  managerC,
  funderRegion,
  funderNational,
  staff,
});
//                              anon     mgrA         mgrB         mgrC         funderReg    funderNat    staff
const PUBLIC_PAGE = row('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok');
const BAD_TOKEN = row('notfound', 'notfound', 'notfound', 'notfound', 'notfound', 'notfound', 'notfound');
const SIGNED_IN = row('login', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok');
const MANAGERS = row('login', 'ok', 'ok', 'ok', 'forbidden', 'forbidden', 'forbidden');
const STAFF = row('login', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'ok');
// Pole A is in Occitanie (76), managed by A; pole C is in Auvergne-Rhône-Alpes (84), managed by C.
// The regional funder covers 76 and 75.
const SEE_POLE_A = row('login', 'ok', 'notfound', 'notfound', 'ok', 'ok', 'ok');
const SEE_POLE_C = row('login', 'notfound', 'notfound', 'ok', 'notfound', 'ok', 'ok');
const MY_POLE_A = row('login', 'ok', 'notfound', 'notfound', 'forbidden', 'forbidden', 'forbidden');
const NOBODY_S_POLE = row('login', 'notfound', 'notfound', 'notfound', 'forbidden', 'forbidden', 'forbidden');
const MY_POLE_C = row('login', 'notfound', 'notfound', 'ok', 'forbidden', 'forbidden', 'forbidden');
// The API answers JSON 401 (never a redirect) without a session or a token.
const API_SIGNED_IN = row('unauthorized', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok');
const PUBLICATIONS = row('login', 'forbidden', 'forbidden', 'forbidden', 'ok', 'ok', 'ok');
/** A staff page about a group set that does not exist: 404 to staff, 403 to everyone else. */
const NO_SET = row('login', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'notfound');
/** A token of another account (the victim's): nobody else may revoke it. */
let victimTokenId = 0;

interface Case {
  method: 'get' | 'post';
  route: string;
  url: string;
  expect: Expectation;
}

function cases(c: Cast): Case[] {
  const A = c.poles.a.slug;
  const C = c.poles.c.slug;
  const N = c.poles.other.slug;
  const list: [Case['method'], string, string, Expectation][] = [
    ['get', '/healthz', '/healthz', PUBLIC_PAGE],
    ['get', '/readyz', '/readyz', PUBLIC_PAGE],
    ['get', '/connexion', '/connexion', PUBLIC_PAGE],
    ['post', '/connexion', '/connexion', PUBLIC_PAGE],
    ['get', '/mot-de-passe-oublie', '/mot-de-passe-oublie', PUBLIC_PAGE],
    ['post', '/mot-de-passe-oublie', '/mot-de-passe-oublie', PUBLIC_PAGE],
    ['get', '/invitation/:token', '/invitation/jeton-inconnu', BAD_TOKEN],
    ['post', '/invitation/:token', '/invitation/jeton-inconnu', BAD_TOKEN],
    ['get', '/reinitialisation/:token', '/reinitialisation/jeton-inconnu', BAD_TOKEN],
    ['post', '/reinitialisation/:token', '/reinitialisation/jeton-inconnu', BAD_TOKEN],
    ['get', '/', '/', SIGNED_IN],
    ['get', '/profil', '/profil', SIGNED_IN],
    ['post', '/profil', '/profil', SIGNED_IN],
    ['post', '/profil/mot-de-passe', '/profil/mot-de-passe', SIGNED_IN],
    ['get', '/poles/:slug', `/poles/${A}`, SEE_POLE_A],
    ['get', '/poles/:slug', `/poles/${C}`, SEE_POLE_C],
    ['get', '/poles/:slug', '/poles/pole-inexistant', row('login', 'notfound', 'notfound', 'notfound', 'notfound', 'notfound', 'notfound')],
    // The Bretagne pole's slug is pole A's id (an all-digit slug from before the rule): it is the
    // Bretagne pole for everyone, never pole A.
    ['get', '/poles/:slug', `/poles/${N}`, row('login', 'notfound', 'notfound', 'notfound', 'notfound', 'ok', 'ok')],
    ['get', '/mon-pole/:slug', `/mon-pole/${N}`, NOBODY_S_POLE],
    ['get', '/mon-pole/:slug/trimestres/:period', `/mon-pole/${N}/trimestres/2026-T3`, NOBODY_S_POLE],
    ['post', '/mon-pole/:slug/trimestres/:period', `/mon-pole/${N}/trimestres/2026-T3`, NOBODY_S_POLE],
    ['get', '/mon-pole/:slug/trimestres/:period/import', `/mon-pole/${N}/trimestres/2026-T3/import`, NOBODY_S_POLE],
    ['post', '/mon-pole/:slug/trimestres/:period/import', `/mon-pole/${N}/trimestres/2026-T3/import`, NOBODY_S_POLE],
    ['get', '/admin/poles/:slug/modifier', `/admin/poles/${N}/modifier`, STAFF],
    ['get', '/tableau-de-bord', '/tableau-de-bord', SIGNED_IN],
    // Region 76 holds poles A and B; 84 holds pole C; the regional funder covers 76 and 75.
    ['get', '/regions/:code', '/regions/76', row('login', 'ok', 'ok', 'notfound', 'ok', 'ok', 'ok')],
    ['get', '/regions/:code', '/regions/84', row('login', 'notfound', 'notfound', 'ok', 'notfound', 'ok', 'ok')],
    ['get', '/regions/:code', '/regions/99', row('login', 'notfound', 'notfound', 'notfound', 'notfound', 'notfound', 'notfound')],
    // A region's « faits marquants »: the same access as its dashboard.
    ['get', '/regions/:code/faits-marquants', '/regions/76/faits-marquants', row('login', 'ok', 'ok', 'notfound', 'ok', 'ok', 'ok')],
    [
      'get',
      '/regions/:code/faits-marquants',
      '/regions/84/faits-marquants?trimestre=2026-T3&q=atelier',
      row('login', 'notfound', 'notfound', 'ok', 'notfound', 'ok', 'ok'),
    ],
    [
      'get',
      '/regions/:code/faits-marquants',
      '/regions/99/faits-marquants',
      row('login', 'notfound', 'notfound', 'notfound', 'notfound', 'notfound', 'notfound'),
    ],
    // « Comment ce chiffre est calculé »: the zone is in the query string, resolved inside the scope as a
    // URL's region or pole is (the nation is not a regional funder's to see).
    [
      'get',
      '/chiffres/calcul',
      '/chiffres/calcul?indicateur=EMP_CREES&periode=2026-T2&zone=FR',
      row('login', 'ok', 'ok', 'ok', 'notfound', 'ok', 'ok'),
    ],
    [
      'get',
      '/chiffres/calcul',
      '/chiffres/calcul?indicateur=EMP_CREES&periode=2026-T2&zone=76',
      row('login', 'ok', 'ok', 'notfound', 'ok', 'ok', 'ok'),
    ],
    [
      'get',
      '/chiffres/calcul',
      '/chiffres/calcul?indicateur=EMP_CREES&periode=2026-T2&zone=75,76',
      row('login', 'notfound', 'notfound', 'notfound', 'ok', 'ok', 'ok'),
    ],
    [
      'get',
      '/chiffres/calcul',
      '/chiffres/calcul?indicateur=EMP_CREES&periode=2026-T2&zone=84',
      row('login', 'notfound', 'notfound', 'ok', 'notfound', 'ok', 'ok'),
    ],
    ['get', '/chiffres/calcul', `/chiffres/calcul?indicateur=EMP_CREES&periode=2026-T2&zone=pole:${A}`, SEE_POLE_A],
    ['get', '/chiffres/calcul', `/chiffres/calcul?indicateur=EMP_CREES&periode=2026-T2&zone=pole:${C}`, SEE_POLE_C],
    // « Comparer des régions »: every region of the query inside the scope (404 otherwise); France always beside them.
    ['get', '/comparer', '/comparer', SIGNED_IN],
    ['get', '/comparer', '/comparer?regions=76&mesure=habitants', row('login', 'ok', 'ok', 'notfound', 'ok', 'ok', 'ok')],
    ['get', '/comparer', '/comparer?regions=76&regions=75', row('login', 'notfound', 'notfound', 'notfound', 'ok', 'ok', 'ok')],
    ['get', '/comparer', '/comparer?regions=84', row('login', 'notfound', 'notfound', 'ok', 'notfound', 'ok', 'ok')],
    ['get', '/mon-pole', '/mon-pole', MANAGERS],
    ['get', '/mon-pole/:slug', `/mon-pole/${A}`, MY_POLE_A],
    ['get', '/mon-pole/:slug', `/mon-pole/${C}`, MY_POLE_C],
    ['get', '/mon-pole/:slug/objectifs', `/mon-pole/${A}/objectifs`, MY_POLE_A],
    ['post', '/mon-pole/:slug/objectifs', `/mon-pole/${C}/objectifs`, MY_POLE_C],
    ['get', '/admin/poles/:slug/objectifs', `/admin/poles/${A}/objectifs`, STAFF],
    ['post', '/admin/poles/:slug/objectifs', `/admin/poles/${C}/objectifs`, STAFF],
    ['get', '/mon-pole/:slug/trimestres/:period', `/mon-pole/${A}/trimestres/2026-T3`, MY_POLE_A],
    ['get', '/mon-pole/:slug/trimestres/:period', `/mon-pole/${C}/trimestres/2026-T3`, MY_POLE_C],
    ['post', '/mon-pole/:slug/trimestres/:period', `/mon-pole/${C}/trimestres/2026-T3`, MY_POLE_C],
    ['post', '/mon-pole/:slug/trimestres/:period', `/mon-pole/${A}/trimestres/2026-T3`, MY_POLE_A],
    [
      'get',
      '/mon-pole/:slug/trimestres/:period/historique',
      `/mon-pole/${A}/trimestres/2026-T3/historique?indicateur=EMP_CREES`,
      MY_POLE_A,
    ],
    [
      'get',
      '/mon-pole/:slug/trimestres/:period/historique',
      `/mon-pole/${C}/trimestres/2026-T3/historique?indicateur=EMP_CREES`,
      MY_POLE_C,
    ],
    ['get', '/mon-pole/:slug/trimestres/:period/modele/:format', `/mon-pole/${A}/trimestres/2026-T3/modele/csv`, MY_POLE_A],
    ['get', '/mon-pole/:slug/trimestres/:period/modele/:format', `/mon-pole/${C}/trimestres/2026-T3/modele/xlsx`, MY_POLE_C],
    ['get', '/mon-pole/:slug/trimestres/:period/import', `/mon-pole/${A}/trimestres/2026-T3/import`, MY_POLE_A],
    ['post', '/mon-pole/:slug/trimestres/:period/import', `/mon-pole/${C}/trimestres/2026-T3/import`, MY_POLE_C],
    [
      'post',
      '/mon-pole/:slug/trimestres/:period/import/:batchId/confirmer',
      `/mon-pole/${A}/trimestres/2026-T3/import/999999/confirmer`,
      row('login', 'notfound', 'notfound', 'notfound', 'forbidden', 'forbidden', 'forbidden'),
    ],
    ['get', '/admin', '/admin', STAFF],
    ['get', '/admin/poles', '/admin/poles', STAFF],
    ['get', '/admin/poles/nouveau', '/admin/poles/nouveau', STAFF],
    ['post', '/admin/poles/nouveau', '/admin/poles/nouveau', STAFF],
    ['get', '/admin/poles/:slug/modifier', `/admin/poles/${A}/modifier`, STAFF],
    ['post', '/admin/poles/:slug/modifier', `/admin/poles/${A}/modifier`, STAFF],
    ['post', '/admin/poles/:slug/archiver', `/admin/poles/${C}/archiver`, STAFF],
    ['post', '/admin/poles/:slug/desarchiver', `/admin/poles/${C}/desarchiver`, STAFF],
    ['get', '/admin/poles/:slug/membres/nouveau', `/admin/poles/${A}/membres/nouveau`, STAFF],
    ['post', '/admin/poles/:slug/membres/nouveau', `/admin/poles/${A}/membres/nouveau`, STAFF],
    ['get', '/admin/poles/:slug/membres/:memberId/modifier', `/admin/poles/${A}/membres/${c.memberA}/modifier`, STAFF],
    ['post', '/admin/poles/:slug/membres/:memberId/modifier', `/admin/poles/${A}/membres/${c.memberA}/modifier`, STAFF],
    // Pole groups (staff): the sets and groups, and a pole's memberships. No set exists here: its pages answer 404 to staff.
    ['get', '/admin/groupes', '/admin/groupes', STAFF],
    ['get', '/admin/groupes/ensembles/nouveau', '/admin/groupes/ensembles/nouveau', STAFF],
    ['post', '/admin/groupes/ensembles/nouveau', '/admin/groupes/ensembles/nouveau', STAFF],
    ['get', '/admin/groupes/ensembles/:setId/modifier', '/admin/groupes/ensembles/999999/modifier', NO_SET],
    ['post', '/admin/groupes/ensembles/:setId/modifier', '/admin/groupes/ensembles/999999/modifier', NO_SET],
    ['get', '/admin/groupes/ensembles/:setId/groupes/nouveau', '/admin/groupes/ensembles/999999/groupes/nouveau', NO_SET],
    ['post', '/admin/groupes/ensembles/:setId/groupes/nouveau', '/admin/groupes/ensembles/999999/groupes/nouveau', NO_SET],
    ['get', '/admin/groupes/ensembles/:setId/groupes/:groupId/modifier', '/admin/groupes/ensembles/999999/groupes/1/modifier', NO_SET],
    ['post', '/admin/groupes/ensembles/:setId/groupes/:groupId/modifier', '/admin/groupes/ensembles/999999/groupes/1/modifier', NO_SET],
    ['get', '/admin/poles/:slug/groupes', `/admin/poles/${A}/groupes`, STAFF],
    ['get', '/admin/poles/:slug/groupes', `/admin/poles/${C}/groupes`, STAFF],
    ['post', '/admin/poles/:slug/groupes/:setId/placer', `/admin/poles/${A}/groupes/999999/placer`, NO_SET],
    ['post', '/admin/poles/:slug/groupes/:setId/retirer', `/admin/poles/${C}/groupes/999999/retirer`, NO_SET],
    ['get', '/admin/utilisateurs', '/admin/utilisateurs', STAFF],
    ['get', '/admin/utilisateurs/nouveau', '/admin/utilisateurs/nouveau', STAFF],
    ['post', '/admin/utilisateurs/nouveau', '/admin/utilisateurs/nouveau', STAFF],
    ['get', '/admin/utilisateurs/:userId/modifier', `/admin/utilisateurs/${c.victimUserId}/modifier`, STAFF],
    ['post', '/admin/utilisateurs/:userId/modifier', `/admin/utilisateurs/${c.victimUserId}/modifier`, STAFF],
    ['post', '/admin/utilisateurs/:userId/desactiver', `/admin/utilisateurs/${c.victimUserId}/desactiver`, STAFF],
    ['post', '/admin/utilisateurs/:userId/reactiver', `/admin/utilisateurs/${c.victimUserId}/reactiver`, STAFF],
    ['post', '/admin/utilisateurs/:userId/lien-reinitialisation', `/admin/utilisateurs/${c.victimUserId}/lien-reinitialisation`, STAFF],
    ['get', '/admin/indicateurs', '/admin/indicateurs', STAFF],
    ['get', '/admin/indicateurs/nouveau', '/admin/indicateurs/nouveau', STAFF],
    ['post', '/admin/indicateurs/nouveau', '/admin/indicateurs/nouveau', STAFF],
    ['get', '/admin/indicateurs/:indicatorId/modifier', `/admin/indicateurs/${c.indicatorId}/modifier`, STAFF],
    ['post', '/admin/indicateurs/:indicatorId/modifier', `/admin/indicateurs/${c.indicatorId}/modifier`, STAFF],
    ['get', '/admin/journal', '/admin/journal', STAFF],
    ['get', '/admin/trimestres', '/admin/trimestres', STAFF],
    ['get', '/admin/trimestres/:slug/:period', `/admin/trimestres/${A}/2026-T3`, STAFF],
    ['post', '/admin/trimestres/:slug/:period/valider', `/admin/trimestres/${A}/2026-T3/valider`, STAFF],
    ['post', '/admin/trimestres/:slug/:period/renvoyer', `/admin/trimestres/${A}/2026-T3/renvoyer`, STAFF],
    ['post', '/admin/trimestres/:slug/:period/rouvrir', `/admin/trimestres/${A}/2026-T3/rouvrir`, STAFF],
    ['post', '/admin/trimestres/:slug/:period/sans-objet', `/admin/trimestres/${A}/2026-T3/sans-objet`, STAFF],
    ['post', '/admin/trimestres/:slug/:period/lever-sans-objet', `/admin/trimestres/${A}/2026-T3/lever-sans-objet`, STAFF],
    ['get', '/admin/completude', '/admin/completude', STAFF],
    ['post', '/admin/completude/:slug/:period/relancer', `/admin/completude/${A}/2026-T3/relancer`, STAFF],
    ['get', '/admin/taches', '/admin/taches', STAFF],
    ['post', '/admin/taches/lancer', '/admin/taches/lancer', STAFF],
    ['get', '/admin/poles/:slug/trimestres/:period/modele/:format', `/admin/poles/${C}/trimestres/2026-T3/modele/csv`, STAFF],
    ['get', '/admin/poles/:slug/trimestres/:period/import', `/admin/poles/${C}/trimestres/2026-T3/import`, STAFF],
    ['post', '/admin/poles/:slug/trimestres/:period/import', `/admin/poles/${C}/trimestres/2026-T3/import`, STAFF],
    [
      'post',
      '/admin/poles/:slug/trimestres/:period/import/:batchId/confirmer',
      `/admin/poles/${C}/trimestres/2026-T3/import/999999/confirmer`,
      row('login', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'notfound'),
    ],
    ['get', '/admin/import', '/admin/import', STAFF],
    ['post', '/admin/import', '/admin/import', STAFF],
    ['get', '/admin/import/modele/:format', '/admin/import/modele/csv', STAFF],
    [
      'get',
      '/admin/import/:batchId',
      '/admin/import/999999',
      row('login', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'notfound'),
    ],
    [
      'post',
      '/admin/import/:batchId/confirmer',
      '/admin/import/999999/confirmer',
      row('login', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'notfound'),
    ],
    ['get', '/admin/objectifs/import', '/admin/objectifs/import', STAFF],
    ['post', '/admin/objectifs/import', '/admin/objectifs/import', STAFF],
    ['get', '/admin/objectifs/import/modele/:format', '/admin/objectifs/import/modele/csv?annee=2027', STAFF],
    [
      'get',
      '/admin/objectifs/import/:batchId',
      '/admin/objectifs/import/999999',
      row('login', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'notfound'),
    ],
    [
      'post',
      '/admin/objectifs/import/:batchId/confirmer',
      '/admin/objectifs/import/999999/confirmer',
      row('login', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'notfound'),
    ],
    // Notices and the outbox (« Envois »).
    ['get', '/admin/envois', '/admin/envois', STAFF],
    ['get', '/admin/envois', '/admin/envois?statut=queued&type=reminder', STAFF],
    [
      'get',
      '/admin/envois/:messageId',
      '/admin/envois/999999',
      row('login', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'notfound'),
    ],
    // Read API and the profile's API tokens.
    ['get', '/api/v1/openapi.json', '/api/v1/openapi.json', PUBLIC_PAGE],
    ['get', '/api/v1/indicators', '/api/v1/indicators', API_SIGNED_IN],
    ['get', '/api/v1/regions', '/api/v1/regions', API_SIGNED_IN],
    ['get', '/api/v1/aggregates', '/api/v1/aggregates?level=nation', row('unauthorized', 'ok', 'ok', 'ok', 'forbidden', 'ok', 'ok')],
    ['get', '/api/v1/targets', '/api/v1/targets', API_SIGNED_IN],
    ['get', '/api/v1/aggregates', '/api/v1/aggregates?level=region&area=76', row('unauthorized', 'ok', 'ok', 'notfound', 'ok', 'ok', 'ok')],
    [
      'get',
      '/api/v1/aggregates',
      '/api/v1/aggregates?level=region&area=84',
      row('unauthorized', 'notfound', 'notfound', 'ok', 'notfound', 'ok', 'ok'),
    ],
    [
      'get',
      '/api/v1/aggregates',
      `/api/v1/aggregates?level=pole&area=${A}`,
      row('unauthorized', 'ok', 'notfound', 'notfound', 'ok', 'ok', 'ok'),
    ],
    [
      'get',
      '/api/v1/aggregates',
      `/api/v1/aggregates?level=pole&area=${C}&grain=year`,
      row('unauthorized', 'notfound', 'notfound', 'ok', 'notfound', 'ok', 'ok'),
    ],
    ['post', '/profil/jetons', '/profil/jetons', SIGNED_IN],
    [
      'post',
      '/profil/jetons/:tokenId/revoquer',
      `/profil/jetons/${victimTokenId}/revoquer`,
      row('login', 'notfound', 'notfound', 'notfound', 'notfound', 'notfound', 'notfound'),
    ],
    // Exports: staff's national summary and raw values; funders' (and staff's) scope summary.
    ['get', '/admin/exports', '/admin/exports', STAFF],
    ['get', '/admin/exports/synthese', '/admin/exports/synthese?periode=2026-T2&format=csv', STAFF],
    ['get', '/admin/exports/synthese/impression', '/admin/exports/synthese/impression?periode=2026', STAFF],
    ['get', '/admin/exports/valeurs', '/admin/exports/valeurs?fichier=csv', STAFF],
    ['get', '/exports', '/exports', row('login', 'forbidden', 'forbidden', 'forbidden', 'ok', 'ok', 'ok')],
    [
      'get',
      '/exports/perimetre',
      '/exports/perimetre?periode=2026-T3&format=xlsx',
      row('login', 'forbidden', 'forbidden', 'forbidden', 'ok', 'ok', 'ok'),
    ],
    [
      'get',
      '/exports/perimetre/impression',
      '/exports/perimetre/impression?periode=2026-Q3',
      row('login', 'forbidden', 'forbidden', 'forbidden', 'ok', 'ok', 'ok'),
    ],
    // Time series of the scope (a regional funder: its regions and their poles, no nation).
    [
      'get',
      '/exports/series',
      '/exports/series?de=2026-T1&a=2026-T3&indicateurs=EMP_CREES&format=csv',
      row('login', 'forbidden', 'forbidden', 'forbidden', 'ok', 'ok', 'ok'),
    ],
    // Publications: staff and funders read every version; staff publish. Open data: public (OPEN_DATA on).
    ['get', '/publications', '/publications', PUBLICATIONS],
    ['get', '/publications/:period/versions/:version', '/publications/2026-T3/versions/1', PUBLICATIONS],
    [
      'get',
      '/publications/:period/versions/:version',
      '/publications/2026-T3/versions/99',
      row('login', 'forbidden', 'forbidden', 'forbidden', 'notfound', 'notfound', 'notfound'),
    ],
    ['get', '/publications/:period/versions/:version/changements', '/publications/2026-T3/versions/2/changements', PUBLICATIONS],
    ['get', '/publications/:period/versions/:version/fichier/:format', '/publications/2026-T3/versions/2/fichier/csv', PUBLICATIONS],
    ['get', '/publications/:period/versions/:version/fichier/:format', '/publications/2026-T3/versions/1/fichier/xlsx', PUBLICATIONS],
    ['get', '/publications/:period/versions/:version/impression', '/publications/2026-T3/versions/1/impression', PUBLICATIONS],
    ['get', '/admin/publications/nouvelle', '/admin/publications/nouvelle?periode=2026-T3', STAFF],
    ['post', '/admin/publications/nouvelle', '/admin/publications/nouvelle', STAFF],
    ['get', '/donnees-ouvertes', '/donnees-ouvertes', PUBLIC_PAGE],
    ['get', '/donnees-ouvertes/:period.csv', '/donnees-ouvertes/2026-T3.csv', PUBLIC_PAGE],
    ['get', '/donnees-ouvertes/:period.csv', '/donnees-ouvertes/2019-T1.csv', BAD_TOKEN],
    ['get', '/donnees-ouvertes/schema.json', '/donnees-ouvertes/schema.json', PUBLIC_PAGE],
    // Last: signing out ends the persona's session.
    ['post', '/deconnexion', '/deconnexion', SIGNED_IN],
  ];
  return list.map(([method, route, url, expect]) => ({ method, route, url, expect }));
}

function outcomeOf(res: request.Response): Outcome | `unexpected ${number}` {
  if (res.status === 303 && res.headers.location === '/connexion') return 'login';
  if (res.status === 401 && res.type === 'application/json') return 'unauthorized';
  if (res.status === 403) return 'forbidden';
  if (res.status === 404 || res.status === 410) return 'notfound';
  if (res.status >= 500) return `unexpected ${res.status}`;
  return 'ok';
}

describe(`authorisation matrix (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let cast: Cast;
  const tokens = new Map<Persona, string>();

  before(async () => {
    ctx = await createTestApp({ OPEN_DATA: 'true' });
    cast = await buildCast(ctx);
    // As an installation from before the all-digit rule could hold it: the Bretagne pole's slug is pole A's id.
    cast.poles.other.slug = String(cast.poles.a.id);
    await ctx.db('poles').where({ id: cast.poles.other.id }).update({ slug: cast.poles.other.slug });
    await seedPublication(ctx.s, cast.victimUserId, 2);
    victimTokenId = (await ctx.s.apiTokens.create({ id: cast.victimUserId } as CurrentUser, 'Jeton de la cible', null)).id;
    // Every page carries a token: the sign-in form for anonymous, the sign-out form in the layout otherwise.
    for (const p of PERSONAS)
      tokens.set(p, csrfFrom((await cast.agents[p].get(p === 'anonymous' ? '/connexion' : '/page-inexistante')).text));
  });
  after(() => ctx.close());

  it('covers every declared route', () => {
    const covered = new Set(cases(cast).map((c) => `${c.method} ${c.route}`));
    const missing = ctx.app.declaredRoutes.map((r) => `${r.method} ${r.path}`).filter((k) => !covered.has(k));
    expect(missing, 'routes without a row in the matrix').to.deep.equal([]);
  });

  it('allows and refuses exactly as declared; a refused write changes nothing', async () => {
    const failures: string[] = [];
    let ran = 0;
    for (const c of cases(cast)) {
      for (const persona of PERSONAS) {
        const agent = cast.agents[persona];
        const before = c.method === 'post' && c.expect[persona] !== 'ok' ? await snapshot(ctx) : null;
        const res =
          c.method === 'get'
            ? await agent.get(c.url)
            : await agent
                .post(c.url)
                .type('form')
                .send({ _csrf: tokens.get(persona) });
        ran++;
        const got = outcomeOf(res);
        if (got !== c.expect[persona])
          failures.push(`${c.method.toUpperCase()} ${c.url} as ${persona}: expected ${c.expect[persona]}, got ${got} (${res.status})`);
        if (before !== null && (await snapshot(ctx)) !== before)
          failures.push(`${c.method.toUpperCase()} ${c.url} as ${persona}: refused but the database changed`);
        if (res.status === 200 && c.method === 'get') {
          // A page carries its own fresh token: keep using a valid one.
          const m = /name="_csrf" value="([^"]+)"/.exec(res.text);
          if (m) tokens.set(persona, m[1]);
        }
      }
    }
    expect(failures, `${failures.length} unexpected outcome(s) of ${ran}`).to.deep.equal([]);
    expect(ran).to.equal(cases(cast).length * PERSONAS.length);
  });
});
