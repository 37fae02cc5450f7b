// What a dashboard says about how fresh its figures are: when they were last refreshed, whether some
// figure shown is older than that, and what waits for the next refresh. Pure: the service gathers the facts.
import type { Pending } from '../aggregates/aggregates-read.repo.ts';
import { readTimestamp } from '../db/dialect.ts';
import { t } from '../i18n/messages.ts';
import { formatDate, formatNumber } from '../lib/format.ts';
import { oldest } from './figures.ts';

export interface FreshnessFacts {
  /** The last successful refresh or rebuild in the job history. */
  lastRun: { startedAt: string; finishedAt: string } | null;
  /** When the aggregates were last written (aggregate_state): used only when the history holds no such run. */
  refreshedAt: string | null;
  /** When each figure on the page was computed. */
  computedAts: string[];
  pending: Pending;
  /** Name the regions the changes would show in (not on a pole's own page: it is the only place). */
  namePlaces: boolean;
}

const millis = (ts: string) => readTimestamp(ts)?.toMillis() ?? NaN;

/** « Chiffres mis à jour le … ; le plus ancien chiffre affiché date du … » and « N modifications en attente … (…) ». */
export function freshnessText(f: FreshnessFacts): { computed: string; pending: string } {
  return { computed: computedText(f), pending: pendingText(f.pending, f.namePlaces) };
}

function computedText(f: FreshnessFacts): string {
  const updatedAt = f.lastRun?.finishedAt ?? f.refreshedAt;
  if (!updatedAt) return t('dash.freshness.never');
  const date = formatDate(updatedAt, true);
  const shownOldest = oldest(f.computedAts);
  if (!shownOldest) return t('dash.freshness.refreshedNone', { date });
  // A run rewrites only what changed: a figure computed before the last run started was left as it was.
  const runStart = f.lastRun?.startedAt ?? f.refreshedAt!;
  if (millis(shownOldest) < millis(runStart)) return t('dash.freshness.refreshedOldest', { date, oldest: formatDate(shownOldest, true) });
  return t('dash.freshness.refreshed', { date });
}

function pendingText(p: Pending, namePlaces: boolean): string {
  if (p.count === 0) return t('dash.freshness.pending.0');
  const plural = p.count === 1 ? '1' : 'n';
  // A change of no one pole (a definition) moves every region: naming some would understate it.
  const places = p.everywhere > 0 ? [t('dash.freshness.everywhere')] : p.regions.map((r) => r.name);
  const count = formatNumber(p.count);
  if (!namePlaces || !places.length) return t(`dash.freshness.pending.${plural}`, { count });
  return t(`dash.freshness.pending.${plural}.at`, { count, places: places.join(', ') });
}
