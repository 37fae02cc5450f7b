// Completeness, one vocabulary everywhere (tiles, tables, maps, print, files, API): over one quarter it
// counts poles (« 31 pôles sur 39 »), over several quarters pole-quarters (« 110 trimestres déclarés
// sur 117 »). The cells count pole-quarters for every kind (semantics.ts), so both read the same fields.
import type { Grain } from './periods.ts';
import { t } from '../i18n/messages.ts';
import { formatNumber } from '../lib/format.ts';
import type { Cell } from './semantics.ts';

export type CompletenessUnit = 'poles' | 'pole_quarters';

export interface Completeness {
  reported: number;
  expected: number;
  /** reported ÷ expected, 0..1; null when nothing was expected. */
  rate: number | null;
  unit: CompletenessUnit;
}

export const completenessUnit = (grain: Grain): CompletenessUnit => (grain === 'quarter' ? 'poles' : 'pole_quarters');

export function completeness(grain: Grain, cell: Pick<Cell, 'reported' | 'expected'> | undefined): Completeness {
  const reported = cell?.reported ?? 0;
  const expected = cell?.expected ?? 0;
  return { reported, expected, rate: expected ? reported / expected : null, unit: completenessUnit(grain) };
}

const rateFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

/** « 79 % »: `part` of `whole`, rounded, except that a share short of the whole never reads 100 %, nor a non-zero one 0 %. */
export function shareText(part: number, whole: number): string {
  let percent = Math.round((part / whole) * 100);
  if (part < whole) percent = Math.min(percent, 99);
  if (part > 0) percent = Math.max(percent, 1);
  return `${rateFormat.format(percent)}\u00a0%`;
}

/**
 * « 31 pôles sur 39 (79 %) » or « 110 trimestres déclarés sur 117 (94 %) ». The rate is rounded, except
 * that an incomplete figure never reads 100 % (nor a figure with some report 0 %).
 */
export function completenessText(c: Completeness): string {
  if (!c.expected) return t('completeness.of.nothing');
  const rate = shareText(c.reported, c.expected);
  return t(`completeness.of.${c.unit}.${c.reported >= 2 ? 'n' : '1'}`, {
    reported: formatNumber(c.reported),
    expected: formatNumber(c.expected),
    rate,
  });
}
