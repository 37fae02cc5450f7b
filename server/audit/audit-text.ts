// The audit journal in French: each entry as a sentence that names its object (« Trimestre 2026-T3 de
// « Filière bois local » validé »), not `report.validate` on `quarter_report #438`. Pure: the names come
// from AuditRepo.names(), read in one query per kind of object for a whole page.
import { t, tDynamic } from '../i18n/messages.ts';

/** What an entry's object is called, by `entity:id`. */
export type ObjectNames = Map<string, { name: string; pole?: string; href?: string }>;

/** The families staff filter the journal by, and the actions of each. */
export const AUDIT_FAMILIES = {
  trimestres: ['report.'],
  poles: ['pole.'],
  membres: ['member.'],
  comptes: ['user.'],
  indicateurs: ['indicator.'],
  publications: ['publication.'],
  jetons: ['api_token.'],
  objectifs: ['target.'],
  groupes: ['group.', 'group_set.'],
} as const;
export type AuditFamily = keyof typeof AUDIT_FAMILIES;

export const objectKey = (entity: string, id: string | number) => `${entity}:${id}`;

/** The entry as a sentence, with a link to its object when it has a page. */
export function describeEntry(
  row: { action: string; entity: string; entity_id: string },
  names: ObjectNames,
): { text: string; href: string | null } {
  const found = names.get(objectKey(row.entity, row.entity_id));
  const name = found?.name ?? t('audit.object.unknown', { id: row.entity_id });
  const text = tDynamic('audit.do', row.action, { name, pole: found?.pole ?? '' });
  // An action the catalogue does not know yet is still said with its object, never as a bare code.
  return {
    text: text === `audit.do.${row.action}` ? t('audit.do.other', { action: row.action, name }) : text,
    href: found?.href ?? null,
  };
}
