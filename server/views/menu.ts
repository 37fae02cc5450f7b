import type { Role } from '../http/current-user.ts';
import { t, type MessageKey } from '../i18n/messages.ts';

interface MenuEntry {
  /** The `nav` a page passes to be marked as the current entry. */
  nav: string;
  href: string;
  label: MessageKey;
  /** Who sees the entry; everyone signed in when absent. */
  roles?: readonly Role[];
}

/** The main menu, in order: one line per entry, with who sees it. */
const ENTRIES: readonly MenuEntry[] = [
  { nav: 'home', href: '/', label: 'nav.home' },
  { nav: 'dashboard', href: '/tableau-de-bord', label: 'nav.dashboard' },
  { nav: 'my-pole', href: '/mon-pole', label: 'nav.myPole', roles: ['manager'] },
  { nav: 'publications', href: '/publications', label: 'nav.publications', roles: ['staff', 'funder'] },
  { nav: 'poles', href: '/admin/poles', label: 'nav.poles', roles: ['staff'] },
  { nav: 'review', href: '/admin/trimestres', label: 'nav.review', roles: ['staff'] },
  { nav: 'completeness', href: '/admin/completude', label: 'nav.completeness', roles: ['staff'] },
  { nav: 'users', href: '/admin/utilisateurs', label: 'nav.users', roles: ['staff'] },
  { nav: 'indicators', href: '/admin/indicateurs', label: 'nav.indicators', roles: ['staff'] },
  { nav: 'import', href: '/admin/import', label: 'nav.import', roles: ['staff'] },
  { nav: 'exports', href: '/admin/exports', label: 'nav.exports', roles: ['staff'] },
  { nav: 'jobs', href: '/admin/taches', label: 'nav.jobs', roles: ['staff'] },
  { nav: 'outbox', href: '/admin/envois', label: 'nav.outbox', roles: ['staff'] },
  { nav: 'audit', href: '/admin/journal', label: 'nav.audit', roles: ['staff'] },
  { nav: 'exports', href: '/exports', label: 'nav.exports', roles: ['funder'] },
  { nav: 'profile', href: '/profil', label: 'nav.profile' },
];

export interface MenuItem {
  href: string;
  label: string;
  current: boolean;
}

/** The entries a role sees, the one matching the page's `nav` marked current. */
export function menuFor(role: Role, nav: string | undefined): MenuItem[] {
  const seen = ENTRIES.filter((e) => !e.roles || e.roles.includes(role));
  return seen.map((e) => ({ href: e.href, label: t(e.label), current: e.nav === nav }));
}

/** {{#each (menu user nav)}}: nothing for a visitor who is not signed in. */
export function menuHelper(user: { role?: Role } | undefined, nav: unknown): MenuItem[] {
  return user?.role ? menuFor(user.role, typeof nav === 'string' ? nav : undefined) : [];
}
