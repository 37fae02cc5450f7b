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
import { createIndicatorsHandlers } from './indicators/indicators.handlers.ts';
import { createAuditHandlers } from './audit/audit.handlers.ts';
import { createEntryHandlers } from './reporting/entry.handlers.ts';
import { createReviewHandlers } from './reporting/review.handlers.ts';
import { createImportHandlers } from './imports/import.handlers.ts';
import { createDashboardsHandlers } from './dashboards/dashboards.handlers.ts';
import { createJobsHandlers } from './jobs/jobs.handlers.ts';

/**
 * The route table: every route of the application, one line each, with who may use it.
 * A test walks the Express router and fails on any route not registered through this table.
 */
export function registerRoutes(app: Express, s: Services) {
  const r = routeTable(app, {
    poleInScope: (user, key) => s.repos.poles.isInScope(s.db, user, key),
    regionInScope: (user, code) => s.repos.poles.regionIsInScope(s.db, user, code),
  });
  const auth = createAuthHandlers(s);
  const home = createHomeHandlers(s);
  const poles = createPolesHandlers(s);
  const members = createMembersHandlers(s);
  const users = createUsersHandlers(s);
  const account = createAccountHandlers(s);
  const indicators = createIndicatorsHandlers(s);
  const audit = createAuditHandlers(s);
  const entry = createEntryHandlers(s);
  const review = createReviewHandlers(s);
  const imports = createImportHandlers(s);
  const dashboards = createDashboardsHandlers(s);
  const jobs = createJobsHandlers(s);

  // Liveness: the process answers (also the bench's trivial route).
  r.get('/healthz', PUBLIC, (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Signing in and out; invitation and reset links (the token is the credential).
  r.get('/connexion', PUBLIC, auth.showSignIn);
  r.post('/connexion', PUBLIC, auth.signIn);
  r.post('/deconnexion', anyRole(), auth.signOut);
  r.get('/invitation/:token', PUBLIC, account.showInvitation);
  r.post('/invitation/:token', PUBLIC, account.acceptInvitation);
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

  // Pole managers.
  r.get('/mon-pole', roles(['manager'], 'self'), home.myPole);
  r.get('/mon-pole/:slug', roles(['manager'], 'pole'), home.myPoleShow);
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
  r.get('/admin/completude', STAFF, review.completeness);
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

  return r.declared;
}
