// What a dashboard says about its period: the range shown (the latest consolidated quarter by default),
// the period selects (quarters holding data in the area), the corrections made to the range, and the
// closure banner. Pure: the closure comes from server/aggregates/closure.service.ts.
import type { ClosureFilter } from '../aggregates/closure.repo.ts';
import type { AreaClosure } from '../aggregates/closure.service.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { t } from '../i18n/messages.ts';
import type { ScopeRegion } from './dashboards.repo.ts';
import { fromIndex, quarterIndex, quarterLabel, sameQuarter, type Quarter } from '../lib/quarters.ts';
import { baseOptions, resolveRange, type DashboardFilters, type RangeNotes, type RequestedFilters } from './dashboards.schema.ts';
import { periodText, type DashIndicator } from './figures.ts';
import { scopeNameOf } from '../lib/scope-name.ts';
import { measureOptions } from '../reference/per-inhabitant.ts';

/** An area whose figures a page shows: the nation, some regions merged (a funder's scope), or one pole. */
export type Area = { level: 'nation' } | { level: 'region'; codes: string[] } | { level: 'pole'; ids: number[] };

/** The area the user's own figures cover: a regional funder's regions, everyone else the nation. */
export function ownArea(user: CurrentUser, scope: ScopeRegion[]): { area: Exclude<Area, { level: 'pole' }>; name: string; title: string } {
  if (user.role === 'funder' && user.regionCodes.length) {
    const name = scopeNameOf(scope);
    return {
      area: { level: 'region', codes: scope.map((r) => r.code) },
      name,
      title: t('dash.scope.title', { regions: name }),
    };
  }
  return { area: { level: 'nation' }, name: t('dash.nation'), title: t('dash.national.title') };
}

/** The poles whose reports close an area's quarters. */
export function closureFilter(area: Area): ClosureFilter {
  return area.level === 'nation' ? {} : area.level === 'region' ? { regionCodes: area.codes } : { poleIds: area.ids };
}

/** The range shown: the URL's, corrected, or ending on the latest consolidated quarter holding data. */
export function resolveFor(req: RequestedFilters, closure: AreaClosure, lastClosed: Quarter) {
  const latest = closure.latestConsolidated(req.base) ?? closure.latestWithData(req.base);
  return resolveRange(req, { lastClosed, defaultTo: latest === null ? lastClosed : fromIndex(latest) });
}

/** The period part of a dashboard: the filter form's options and notes, the labels, the closure banner. */
export function periodForm(o: {
  f: DashboardFilters;
  notes: RangeNotes;
  closure: AreaClosure;
  indicators: DashIndicator[];
  chosen: DashIndicator;
  threshold: number;
  /** How far back the period selects go. */
  max: number;
}) {
  const { f, closure, chosen } = o;
  const periods = closure
    .withData(f.base)
    .slice(0, o.max)
    .map((i) => fromIndex(i));
  for (const q of [f.from, f.to]) if (!periods.some((p) => sameQuarter(p, q))) periods.push(q);
  periods.sort((a, b) => quarterIndex(b) - quarterIndex(a));
  const option = (q: Quarter, selected: Quarter) => ({
    value: quarterLabel(q),
    label: quarterLabel(q),
    selected: sameQuarter(q, selected),
  });
  const provisional = closure.quarterProvisional(quarterIndex(f.to));
  return {
    indicator: chosen,
    period: { from: quarterLabel(f.from), to: quarterLabel(f.to), toText: periodText(quarterLabel(f.to), provisional) },
    closure: banner(f, closure, chosen, o.threshold),
    filters: {
      errors: o.notes,
      indicatorOptions: o.indicators.map((i) => ({ value: i.code, label: i.label, selected: i.code === chosen.code })),
      fromOptions: periods.map((q) => option(q, f.from)),
      toOptions: periods.map((q) => option(q, f.to)),
      baseOptions: baseOptions(f.base),
      measureOptions: measureOptions(f.measure),
    },
    measure: f.measure,
  };
}

/**
 * What the page says of closure: that it opened on the latest consolidated quarter (with a link to the
 * latest quarter holding data, provisional), that the quarter shown is provisional, or that none is closed.
 */
function banner(f: DashboardFilters, closure: AreaClosure, chosen: DashIndicator, threshold: number) {
  const toIdx = quarterIndex(f.to);
  const consolidated = closure.latestConsolidated(f.base);
  const latest = closure.latestWithData(f.base);
  // A query string only: the link stays on the page it is on (national, funder scope or region).
  const href = (q: number) => {
    const params = new URLSearchParams({ indicateur: chosen.code, a: quarterLabel(fromIndex(q)) });
    if (f.base !== 'validated') params.set('base', f.base);
    if (f.measure !== 'brut') params.set('mesure', f.measure);
    return `?${params.toString()}`;
  };
  return {
    opened:
      f.defaultTo && consolidated === toIdx
        ? t(closure.consolidatedBy('quarter', toIdx) === 'publication' ? 'closure.default.published' : 'closure.default', {
            quarter: quarterLabel(f.to),
            threshold: `${Math.round(threshold * 100)}\u00a0%`,
          })
        : null,
    currentHref: f.defaultTo && latest !== null && latest > toIdx ? href(latest) : null,
    shown: closure.quarterProvisional(toIdx)
      ? t('closure.shown', { quarter: quarterLabel(f.to), threshold: `${Math.round(threshold * 100)}\u00a0%` })
      : null,
    none: consolidated === null ? t('closure.none') : null,
  };
}
