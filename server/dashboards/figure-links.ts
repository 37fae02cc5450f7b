// The URL of the page « Comment ce chiffre est calculé » for one figure (provenance.schema.ts reads it
// back). One builder, so every tile and table cell links with the same key.
import type { Base } from '../aggregates/aggregates.repo.ts';
import type { Grain } from '../aggregates/periods.ts';
import { quarterLabel, type Quarter } from '../lib/quarters.ts';
import type { Zone } from '../provenance/provenance.schema.ts';

/** The zone of a dashboard's area, for its links (a pole's zone is named by its slug, so built by its page). */
export function zoneOf(area: { level: 'nation' } | { level: 'region'; codes: string[] }): Zone {
  return area.level === 'nation' ? { kind: 'nation' } : { kind: 'regions', codes: area.codes };
}

export const PROVENANCE_PATH = '/chiffres/calcul';

export function zoneParam(zone: Zone): string {
  if (zone.kind === 'nation') return 'FR';
  if (zone.kind === 'pole') return `pole:${zone.slug}`;
  return [...zone.codes].sort().join(',');
}

export function figureLink(key: { indicator: string; end: Quarter; grain: Grain; zone: Zone; base: Base }): string {
  const params = new URLSearchParams({
    indicateur: key.indicator,
    periode: quarterLabel(key.end),
    grain: key.grain,
    zone: zoneParam(key.zone),
  });
  // The default base stays out of the URL, so the common link is the short one.
  if (key.base !== 'validated') params.set('base', key.base);
  return `${PROVENANCE_PATH}?${params.toString()}`;
}
