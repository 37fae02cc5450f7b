// How pole and member rows are compared, audited and built from forms (kept apart from the service's rules).
import type { MemberWrite } from './members.repo.ts';
import type { PoleRow, PoleWrite, TerritoryRow } from './poles.repo.ts';
import type { MemberForm } from './poles.schema.ts';
import type { Leaving } from './reporting-window.ts';

/** What the audit row says of the values leaving the figures (nothing when none leave). */
export function leavingAudit(l: Leaving): Record<string, number> {
  return l.count ? { validated_values_leaving: l.count } : {};
}

/** Whether every field of `after` already has that value in `before` (nothing to write). */
export function sameFields(before: object, after: object): boolean {
  const old = before as Record<string, unknown>;
  return Object.entries(after).every(([k, v]) => (old[k] ?? null) === (v ?? null));
}

export function memberRow(form: MemberForm): MemberWrite {
  return {
    name: form.name,
    siren: form.siren || null,
    category: form.category,
    joined_on: form.joined_on,
    left_on: form.left_on || null,
  };
}

/** The fields of a pole that its audit rows record, in the order they are written. */
export const AUDITED_POLE_FIELDS = [
  'name',
  'slug',
  'region_code',
  'departement_code',
  'creation_year',
  'first_report_year',
  'first_report_quarter',
  'legal_form',
  'description',
  'contact_email',
  'website',
  'founding_wave',
] as const satisfies readonly (keyof PoleWrite & keyof PoleRow)[];

export function pickPole(p: PoleWrite | PoleRow): Record<string, unknown> {
  return Object.fromEntries(AUDITED_POLE_FIELDS.map((k) => [k, p[k]]));
}

export function sortTerritories(t: TerritoryRow[]): TerritoryRow[] {
  return [...t].map(({ kind, code, name }) => ({ kind, code, name })).sort((a, b) => (a.kind + a.code).localeCompare(b.kind + b.code));
}
