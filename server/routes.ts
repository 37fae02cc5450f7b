import type { Express } from 'express';
import { PUBLIC, STAFF, anyRole, roles } from './http/access.ts';
import { routeTable } from './http/route-table.ts';
import type { Services } from './services.ts';
import { createAuthHandlers } from './auth/auth.handlers.ts';
import { createHomeHandlers } from './home/home.handlers.ts';
import { createPolesHandlers } from './poles/poles.handlers.ts';
import { createMembersHandlers } from './poles/members.handlers.ts';
import { createUsersHandlers } from './users/users.handlers.ts';
import { createAccountHandlers } from './users/account.handlers.ts';
import { createPasswordHelpHandlers } from './users/password-help.handlers.ts';
import { createIndicatorsHandlers } from './indicators/indicators.handlers.ts';
import { createAuditHandlers } from './audit/audit.handlers.ts';
import { createEntryHandlers } from './reporting/entry.handlers.ts';
import { createReviewHandlers } from './reporting/review.handlers.ts';
import { createTargetsHandlers } from './targets/targets.handlers.ts';
import { createTargetsImportHandlers } from './targets/targets-import.handlers.ts';
import { createGroupsHandlers } from './groups/groups.handlers.ts';
import { createPoleGroupsHandlers } from './groups/pole-groups.handlers.ts';
import { createImportHandlers } from './imports/import.handlers.ts';
import { createDashboardsHandlers } from './dashboards/dashboards.handlers.ts';
import { createNarrativesHandlers } from './narratives/narratives.handlers.ts';
import { createProvenanceHandlers } from './provenance/provenance.handlers.ts';
import { createJobsHandlers } from './jobs/jobs.handlers.ts';
import { api as apiAccess } from './http/access.ts';
import { createApiHandlers } from './api/api.handlers.ts';
import { createOutboxHandlers } from './outbox/outbox.handlers.ts';
import { createHealthHandlers } from './ops/health.handlers.ts';
import { createPublicationsHandlers } from './publications/publications.handlers.ts';
import { createOpenDataHandlers } from './opendata/opendata.handlers.ts';
import { createExportsHandlers } from './exports/exports.handlers.ts';
import { createSeriesHandlers } from './exports/series.handlers.ts';
import { createComparisonHandlers } from './comparison/comparison.handlers.ts';

/**
 * The route table: every route of the application, one line each, with who may use it.
 * A test walks the Express router and fails on any route not registered through this table.
 */
export function registerRoutes(app: Express, s: Services) {
  const r = routeTable(app, {
    pole: (user, slug) => s.poles.findInScope(user, slug),
    region: (user, code) => s.poles.findRegionInScope(user, code),
  });
  const auth = createAuthHandlers(s);
  const home = createHomeHandlers(s);
  const poles = createPolesHandlers(s);
  const members = createMembersHandlers(s);
  const users = createUsersHandlers(s);
  const account = createAccountHandlers(s);
  const passwordHelp = createPasswordHelpHandlers(s);
  const indicators = createIndicatorsHandlers(s);
  const audit = createAuditHandlers(s);
  const entry = createEntryHandlers(s);
  const review = createReviewHandlers(s);
  const targets = createTargetsHandlers(s);
  const targetsImport = createTargetsImportHandlers(s);
  const imports = createImportHandlers(s);
  const dashboards = createDashboardsHandlers(s);
  const narratives = createNarrativesHandlers(s);
  const provenance = createProvenanceHandlers(s);
  const jobs = createJobsHandlers(s);

  // Operations: liveness (the process answers; also the bench's trivial route) and readiness (database,
  // migrations, age of the aggregates), JSON for probes and load balancers.
  const health = createHealthHandlers(s);
  r.get('/healthz', PUBLIC, health.healthz);
  r.get('/readyz', PUBLIC, health.readyz);

  // Signing in and out; invitation and reset links (the token is the credential).
  r.get('/connexion', PUBLIC, auth.showSignIn);
  r.post('/connexion', PUBLIC, auth.signIn);
  r.post('/deconnexion', anyRole(), auth.signOut);
  r.get('/invitation/:token', PUBLIC, account.showInvitation);
  r.post('/invitation/:token', PUBLIC, account.acceptInvitation);
  r.get('/mot-de-passe-oublie', PUBLIC, passwordHelp.show);
  r.post('/mot-de-passe-oublie', PUBLIC, passwordHelp.request);
  r.get('/reinitialisation/:token', PUBLIC, account.showReset);
  r.post('/reinitialisation/:token', PUBLIC, account.reset);

  // Everyone signed in.
  r.get('/', anyRole(), home.home);
  r.get('/profil', anyRole(), account.showProfile);
  r.post('/profil', anyRole(), account.updateProfile);
  r.post('/profil/mot-de-passe', anyRole(), account.changePassword);
  r.get('/poles/:slug', anyRole('pole'), poles.show);
  r.get('/tableau-de-bord', anyRole(), dashboards.national);
  r.get('/regions/:code', anyRole('region'), dashboards.region);
  // The region's poles' « faits marquants » and « difficultés » for a quarter: the same access as its dashboard
  // (funders: validated reports only; a manager: its own poles).
  r.get('/regions/:code/faits-marquants', anyRole('region'), narratives.region);
  // The figure's zone is in the query string (FR, regions, pole:<slug>): the service resolves it inside
  // the user's scope, the very rows it then reads, and answers 404 outside it, as /regions/:code does.
  r.get('/chiffres/calcul', anyRole(), provenance.show);
  // « Comparer des régions »: the regions are in the query string, each resolved inside the user's scope
  // (404 outside it, as /regions/:code); France, a national aggregate, is always shown beside them.
  r.get('/comparer', anyRole(), createComparisonHandlers(s).show);

  // Pole managers.
  r.get('/mon-pole', roles(['manager'], 'self'), home.myPole);
  r.get('/mon-pole/:slug', roles(['manager'], 'pole'), home.myPoleShow);
  r.get('/mon-pole/:slug/objectifs', roles(['manager'], 'pole'), targets.showPropose);
  r.post('/mon-pole/:slug/objectifs', roles(['manager'], 'pole'), targets.savePropose);
  r.get('/mon-pole/:slug/trimestres/:period', roles(['manager'], 'pole'), entry.show);
  r.post('/mon-pole/:slug/trimestres/:period', roles(['manager'], 'pole'), entry.save);
  r.get('/mon-pole/:slug/trimestres/:period/historique', roles(['manager'], 'pole'), entry.history);
  r.get('/mon-pole/:slug/trimestres/:period/modele/:format', roles(['manager'], 'pole'), imports.template);
  r.get('/mon-pole/:slug/trimestres/:period/import', roles(['manager'], 'pole'), imports.showUpload);
  r.post('/mon-pole/:slug/trimestres/:period/import', roles(['manager'], 'pole'), imports.upload);
  r.post('/mon-pole/:slug/trimestres/:period/import/:batchId/confirmer', roles(['manager'], 'pole'), imports.confirm);

  // Staff.
  r.get('/admin', STAFF, home.adminHome);
  r.get('/admin/poles', STAFF, poles.list);
  r.get('/admin/poles/nouveau', STAFF, poles.showNew);
  r.post('/admin/poles/nouveau', STAFF, poles.create);
  r.get('/admin/poles/:slug/modifier', STAFF, poles.showEdit);
  r.post('/admin/poles/:slug/modifier', STAFF, poles.update);
  r.post('/admin/poles/:slug/archiver', STAFF, poles.archive);
  r.post('/admin/poles/:slug/desarchiver', STAFF, poles.unarchive);
  r.get('/admin/poles/:slug/objectifs', STAFF, targets.showStaff);
  r.post('/admin/poles/:slug/objectifs', STAFF, targets.saveStaff);
  r.get('/admin/objectifs/import', STAFF, targetsImport.showUpload);
  r.post('/admin/objectifs/import', STAFF, targetsImport.upload);
  r.get('/admin/objectifs/import/modele/:format', STAFF, targetsImport.template);
  r.get('/admin/objectifs/import/:batchId', STAFF, targetsImport.showBatch);
  r.post('/admin/objectifs/import/:batchId/confirmer', STAFF, targetsImport.confirm);
  // Pole groups: the sets and their groups, and each pole's memberships over time (staff).
  const groups = createGroupsHandlers(s);
  const poleGroups = createPoleGroupsHandlers(s);
  r.get('/admin/groupes', STAFF, groups.list);
  r.get('/admin/groupes/ensembles/nouveau', STAFF, groups.showNewSet);
  r.post('/admin/groupes/ensembles/nouveau', STAFF, groups.createSet);
  r.get('/admin/groupes/ensembles/:setId/modifier', STAFF, groups.showEditSet);
  r.post('/admin/groupes/ensembles/:setId/modifier', STAFF, groups.updateSet);
  r.get('/admin/groupes/ensembles/:setId/groupes/nouveau', STAFF, groups.showNewGroup);
  r.post('/admin/groupes/ensembles/:setId/groupes/nouveau', STAFF, groups.createGroup);
  r.get('/admin/groupes/ensembles/:setId/groupes/:groupId/modifier', STAFF, groups.showEditGroup);
  r.post('/admin/groupes/ensembles/:setId/groupes/:groupId/modifier', STAFF, groups.updateGroup);
  r.get('/admin/poles/:slug/groupes', STAFF, poleGroups.show);
  r.post('/admin/poles/:slug/groupes/:setId/placer', STAFF, poleGroups.join);
  r.post('/admin/poles/:slug/groupes/:setId/retirer', STAFF, poleGroups.leave);
  r.get('/admin/poles/:slug/membres/nouveau', STAFF, members.showNew);
  r.post('/admin/poles/:slug/membres/nouveau', STAFF, members.create);
  r.get('/admin/poles/:slug/membres/:memberId/modifier', STAFF, members.showEdit);
  r.post('/admin/poles/:slug/membres/:memberId/modifier', STAFF, members.update);
  r.get('/admin/utilisateurs', STAFF, users.list);
  r.get('/admin/utilisateurs/nouveau', STAFF, users.showNew);
  r.post('/admin/utilisateurs/nouveau', STAFF, users.create);
  r.get('/admin/utilisateurs/:userId/modifier', STAFF, users.showEdit);
  r.post('/admin/utilisateurs/:userId/modifier', STAFF, users.update);
  r.post('/admin/utilisateurs/:userId/desactiver', STAFF, users.deactivate);
  r.post('/admin/utilisateurs/:userId/reactiver', STAFF, users.reactivate);
  r.post('/admin/utilisateurs/:userId/lien-reinitialisation', STAFF, users.issueResetLink);
  r.get('/admin/indicateurs', STAFF, indicators.list);
  r.get('/admin/indicateurs/nouveau', STAFF, indicators.showNew);
  r.post('/admin/indicateurs/nouveau', STAFF, indicators.create);
  r.get('/admin/indicateurs/:indicatorId/modifier', STAFF, indicators.showEdit);
  r.post('/admin/indicateurs/:indicatorId/modifier', STAFF, indicators.update);
  r.get('/admin/journal', STAFF, audit.list);

  // Staff: the quarterly review, completeness, and imports.
  r.get('/admin/trimestres', STAFF, review.queue);
  r.get('/admin/trimestres/:slug/:period', STAFF, review.show);
  r.post('/admin/trimestres/:slug/:period/valider', STAFF, review.validate);
  r.post('/admin/trimestres/:slug/:period/renvoyer', STAFF, review.returnReport);
  r.post('/admin/trimestres/:slug/:period/rouvrir', STAFF, review.reopen);
  r.post('/admin/trimestres/:slug/:period/sans-objet', STAFF, review.exempt);
  r.post('/admin/trimestres/:slug/:period/lever-sans-objet', STAFF, review.liftExemption);
  r.get('/admin/completude', STAFF, review.completeness);
  r.post('/admin/completude/:slug/:period/relancer', STAFF, review.remind);
  r.get('/admin/taches', STAFF, jobs.list);
  r.post('/admin/taches/lancer', STAFF, jobs.runNow);
  r.get('/admin/poles/:slug/trimestres/:period/modele/:format', STAFF, imports.template);
  r.get('/admin/poles/:slug/trimestres/:period/import', STAFF, imports.showUpload);
  r.post('/admin/poles/:slug/trimestres/:period/import', STAFF, imports.upload);
  r.post('/admin/poles/:slug/trimestres/:period/import/:batchId/confirmer', STAFF, imports.confirm);
  r.get('/admin/import', STAFF, imports.showLongUpload);
  r.post('/admin/import', STAFF, imports.longUpload);
  r.get('/admin/import/modele/:format', STAFF, imports.longTemplate);
  r.get('/admin/import/:batchId', STAFF, imports.showBatch);
  r.post('/admin/import/:batchId/confirmer', STAFF, imports.longConfirm);

  // Notices and the outbox: « Envois », the messages waiting, sent or failed (staff).
  const outbox = createOutboxHandlers(s);
  r.get('/admin/envois', STAFF, outbox.list);
  r.get('/admin/envois/:messageId', STAFF, outbox.show);

  // Read API (/api/v1, JSON; bearer token or session, rate-limited: see http/api-auth.ts) and the
  // profile's API tokens (a user's own only: another's token id answers 404).
  const apiV1 = createApiHandlers(s);
  r.get('/api/v1/openapi.json', PUBLIC, apiV1.openapi);
  r.get('/api/v1/indicators', apiAccess(anyRole()), apiV1.indicators);
  r.get('/api/v1/regions', apiAccess(anyRole()), apiV1.regions);
  r.get('/api/v1/aggregates', apiAccess(anyRole()), apiV1.aggregates);
  r.get('/api/v1/targets', apiAccess(anyRole()), apiV1.targets);
  r.post('/profil/jetons', anyRole(), account.createApiToken);
  r.post('/profil/jetons/:tokenId/revoquer', anyRole(), account.revokeApiToken);

  // Publications: frozen national summaries, one version per correction. Staff publish;
  // funders and staff read every version, what changed, and download it.
  const publications = createPublicationsHandlers(s);
  const staffAndFunders = roles(['staff', 'funder'], 'all');
  r.get('/publications', staffAndFunders, publications.list);
  r.get('/publications/:period/versions/:version', staffAndFunders, publications.show);
  r.get('/publications/:period/versions/:version/changements', staffAndFunders, publications.changes);
  r.get('/publications/:period/versions/:version/fichier/:format', staffAndFunders, publications.download);
  r.get('/publications/:period/versions/:version/impression', staffAndFunders, publications.print);
  r.get('/admin/publications/nouvelle', STAFF, publications.showNew);
  r.post('/admin/publications/nouvelle', STAFF, publications.publish);
  // Open data: public, without sign-in, only when OPEN_DATA is on (404 otherwise).
  const opendata = createOpenDataHandlers(s);
  r.get('/donnees-ouvertes', PUBLIC, opendata.index);
  r.get('/donnees-ouvertes/:period.csv', PUBLIC, opendata.file);
  r.get('/donnees-ouvertes/schema.json', PUBLIC, opendata.schema);

  // Exports: every export is a GET and changes nothing. Staff: the national summary (file or
  // print page) and the raw values, streamed. Funders (and staff): their scope's summary.
  const exportsH = createExportsHandlers(s);
  r.get('/admin/exports', STAFF, exportsH.adminPage);
  r.get('/admin/exports/synthese', STAFF, exportsH.nationalFile);
  r.get('/admin/exports/synthese/impression', STAFF, exportsH.nationalPrint);
  r.get('/admin/exports/valeurs', STAFF, exportsH.rawFile);
  r.get('/exports', staffAndFunders, exportsH.scopePage);
  r.get('/exports/perimetre', staffAndFunders, exportsH.scopeFile);
  r.get('/exports/perimetre/impression', staffAndFunders, exportsH.scopePrint);
  // Time series of the scope (indicator × area × quarter, long format), streamed; a bad field: the exports page, 422.
  const seriesH = createSeriesHandlers(s, exportsH.scopePageWithSeries);
  r.get('/exports/series', staffAndFunders, seriesH.file);

  return r.declared;
}
