// The one French message catalogue, assembled from one file per key prefix. Templates use {{t "key"}};
// an English catalogue can later be added beside it without touching a template.
//
// What lives here: every sentence a person reads in the application, the read API and the e-mails —
// page texts, field errors, notices, API error messages, the CLI commands' output (cli.*, ops.*). A
// sentence used in two places is one key. What stays in code: log messages (English, for operators);
// the config errors of server/config.ts (printed before the rest of the application is loaded); the
// demo banner main.ts prints in development; the OpenAPI document's descriptions (server/api/
// api.schema.ts, openapi.ts: each written beside the field or route it documents); and the open-data
// column descriptions (part of the published file's format, kept with it).
//
// Each file under fr/ owns one prefix: fr/poles.ts holds only poles.*, and so on. The table below names
// each file's prefix; Messages<P> makes a key outside it a type error, and the catalogue test checks
// that no key is defined twice (the spread below would let the later one win silently).
import { account } from './fr/account.ts';
import { action } from './fr/action.ts';
import { apiTokens } from './fr/api-tokens.ts';
import { api } from './fr/api.ts';
import { app } from './fr/app.ts';
import { audit } from './fr/audit.ts';
import { category } from './fr/category.ts';
import { cli } from './fr/cli.ts';
import { closure } from './fr/closure.ts';
import { compare } from './fr/compare.ts';
import { completeness } from './fr/completeness.ts';
import { conflict } from './fr/conflict.ts';
import { dashboards } from './fr/dashboards.ts';
import { entry } from './fr/entry.ts';
import { error } from './fr/error.ts';
import { exportsFr } from './fr/exports.ts';
import { form } from './fr/form.ts';
import { groups } from './fr/groups.ts';
import { history } from './fr/history.ts';
import { home } from './fr/home.ts';
import { imports } from './fr/imports.ts';
import { indicators } from './fr/indicators.ts';
import { jobs } from './fr/jobs.ts';
import { mail } from './fr/mail.ts';
import { narratives } from './fr/narratives.ts';
import { nav } from './fr/nav.ts';
import { notices } from './fr/notices.ts';
import { objective } from './fr/objective.ts';
import { opendata } from './fr/opendata.ts';
import { ops } from './fr/ops.ts';
import { outbox } from './fr/outbox.ts';
import { password } from './fr/password.ts';
import { perInhabitant } from './fr/per-inhabitant.ts';
import { poles } from './fr/poles.ts';
import { provenance } from './fr/provenance.ts';
import { publications } from './fr/publications.ts';
import { quarters } from './fr/quarters.ts';
import { series } from './fr/series.ts';
import { targets } from './fr/targets.ts';
import { trajectory } from './fr/trajectory.ts';
import { review } from './fr/review.ts';
import { role } from './fr/role.ts';
import { signIn } from './fr/sign-in.ts';
import { forgot } from './fr/forgot.ts';
import { status } from './fr/status.ts';
import { unit } from './fr/unit.ts';
import { users } from './fr/users.ts';
import type { Messages } from './types.ts';

/** Requires each entry to hold only keys of its own prefix (`nav: nav` holds only nav.*). */
function byPrefix<C extends { [P in keyof C & string]: Messages<P> }>(c: C): C {
  return c;
}

/** The catalogue files, by the key prefix each owns. */
export const catalogue = byPrefix({
  account,
  action,
  api,
  apiTokens,
  app,
  audit,
  category,
  cli,
  completeness,
  conflict,
  closure,
  compare,
  dash: dashboards,
  entry,
  error,
  exports: exportsFr,
  forgot,
  form,
  groups,
  history,
  home,
  import: imports,
  indicators,
  jobs,
  mail,
  narratives,
  nav,
  notices,
  objective,
  opendata,
  ops,
  outbox,
  password,
  perInhabitant,
  poles,
  prov: provenance,
  publications,
  quarters,
  series,
  targets,
  trajectory,
  review,
  role,
  signIn,
  status,
  unit,
  users,
});

type Catalogue = typeof catalogue;
/** A key of the catalogue: a misspelt one fails the typecheck. */
export type MessageKey = { [P in keyof Catalogue]: keyof Catalogue[P] & string }[keyof Catalogue];

export const fr: Readonly<Record<MessageKey, string>> = Object.assign({}, ...Object.values(catalogue));

type Params = Record<string, string | number>;

function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Looks up a message and fills its {placeholders}. */
export function t(key: MessageKey, params: Params = {}): string {
  return fill(fr[key], params);
}

/** A message with a singular and a plural form: `key.1` and `key.n` both in the catalogue. */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer B}.n` ? (`${B}.1` extends MessageKey ? B : never) : never;
}[MessageKey];

const countFormat = new Intl.NumberFormat('fr-FR');

/**
 * A message agreeing with a count, as French does: the singular for 0 and 1 (« 0 alerte », « 1 alerte »),
 * the plural from 2 (« 3 alertes »). {count} is filled with the count written in French (« 1 234 »).
 */
export function tn(key: PluralKey, count: number, params: Params = {}): string {
  return t(`${key}.${count >= 2 ? 'n' : '1'}` as MessageKey, { ...params, count: countFormat.format(count) });
}

/** Whether a string read at run time (a template's key) names a message with its two forms. */
export function isPluralKey(key: string): key is PluralKey {
  return isMessageKey(`${key}.1`) && isMessageKey(`${key}.n`);
}

/**
 * The key families completed at run time by a stored code (a unit, a status, a job's name…): the one list
 * of them. A key built from a typed union needs none of this, t() checks it; these suffixes are plain
 * strings read from the database or a request.
 */
export const DYNAMIC_PREFIXES = [
  'action',
  'api.error.parameter',
  'audit.do',
  'entry',
  'exports.format',
  'import.closed',
  'import.long.status',
  'indicators.unit',
  'jobs',
  'notices.step',
  'objective',
  'status',
  'unit',
] as const;
export type DynamicPrefix = (typeof DYNAMIC_PREFIXES)[number];

/** t() for a key built at run time: `prefix.suffix`, or that text as is when the catalogue lacks it. */
export function tDynamic(prefix: DynamicPrefix, suffix: string | null, params: Params = {}): string {
  const key = `${prefix}.${suffix}`;
  return isMessageKey(key) ? t(key, params) : key;
}

/** Whether a string read at run time (a template's key, a stored code) names a message. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(fr, key);
}
