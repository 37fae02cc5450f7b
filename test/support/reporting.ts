// Helpers to fill a quarter the way a manager would, through the real service.
import type { Services } from '../../server/services.ts';
import type { Quarter } from '../../server/lib/quarters.ts';
import { field } from '../../server/reporting/entry-rules.ts';

/** A complete, valid form body for a quarter: every applicable indicator gets a plausible value. */
export async function completeBody(s: Services, q: Quarter, overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  const { entry } = await s.reporting.applicableIndicators(q);
  const body: Record<string, string> = { highlights: 'Un trimestre ordinaire.' };
  for (const ind of entry) {
    if (ind.categories.length) {
      ind.categories.forEach((c, i) => (body[field.value(ind.code, c.code)] = String(i + 1)));
      // The member register is empty in most tests: say why the count differs from it.
      body[field.comment(ind.code)] = 'Registre en cours de mise à jour';
    } else if (ind.kind === 'score') body[field.value(ind.code)] = '2';
    else if (ind.code === 'RESSOURCES_TOTALES') body[field.value(ind.code)] = '20000';
    else if (ind.code === 'RESSOURCES_PROPRES') body[field.value(ind.code)] = '5000';
    else body[field.value(ind.code)] = ind.decimals ? '3,5' : '3';
    if (ind.kind === 'stock') body[field.confirm(ind.code)] = '1';
  }
  return { ...body, ...overrides };
}
