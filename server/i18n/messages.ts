// The one French message catalogue, assembled from one file per feature. Templates use {{t "key"}};
// an English catalogue can later be added beside it without touching a template.
import { common } from './fr/common.ts';
import { auth } from './fr/auth.ts';
import { poles } from './fr/poles.ts';
import { users } from './fr/users.ts';
import { indicators } from './fr/indicators.ts';
import { reporting } from './fr/reporting.ts';
import { jobs } from './fr/jobs.ts';
import { review } from './fr/review.ts';
import { imports } from './fr/imports.ts';
import { dashboards } from './fr/dashboards.ts';
import { api } from './fr/api.ts';
import { notices } from './fr/notices.ts';
import { exportsFr } from './fr/exports.ts';
import { publications } from './fr/publications.ts';
import { ops } from './fr/ops.ts';

export const fr: Record<string, string> = { ...common, ...auth, ...poles, ...users, ...indicators, ...reporting, ...jobs, ...review, ...imports, ...dashboards, ...api, ...notices, ...exportsFr, ...publications, ...ops };

/** Looks up a message and fills {placeholders}; an unknown key is returned as is so it shows in tests. */
export function t(key: string, params: Record<string, string | number> = {}): string {
  const template = fr[key];
  if (template === undefined) return key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}
