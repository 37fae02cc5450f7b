// Progress against targets in words, for the pole page and « Mon pôle »: « 8,5 ETP sur 12,0 ETP — 71 % —
// conforme à la trajectoire (9,0 ETP attendus à fin T3) ». The numbers come from the aggregation module.
import { completeness, completenessText, shareText } from '../aggregates/completeness.ts';
import { formatValue, toDashIndicator } from '../dashboards/figures.ts';
import { t } from '../i18n/messages.ts';
import { fromIndex, quarterLabel } from '../lib/quarters.ts';
import type { PoleProgressLine } from './targets.service.ts';

export interface ProgressRow {
  code: string;
  label: string;
  /** The sentence under the bar. */
  text: string;
  /** The bar's filled part, 0..100 (a share beyond the target fills it). */
  bar: number;
  /** 'reached' | 'ahead' | 'on_track' | 'behind' | 'pending': the bar's colour, always said in words too. */
  state: string;
  completeness: string | null;
}

export function progressRows(lines: PoleProgressLine[]): ProgressRow[] {
  return lines.map((l) => {
    const ind = toDashIndicator(l.indicator);
    const target = formatValue(ind, l.target.value_scaled)!;
    const p = l.progress;
    const quarter = l.elapsed;
    if (!l.actual || l.actual.value === null || (p.share === null && !p.reached)) {
      return {
        code: ind.code,
        label: ind.label,
        text: t('targets.progress.noActual', { target }),
        bar: 0,
        state: 'pending',
        completeness: null,
      };
    }
    const actual = formatValue(ind, l.actual.value)!;
    const parts = [
      p.share === null
        ? t('targets.progress.lineNoShare', { actual, target })
        : t('targets.progress.line', { actual, target, share: shareOf(p.share) }),
    ];
    if (p.reached) parts.push(t('targets.progress.reached'));
    else if (p.trajectory) {
      parts.push(
        t(`targets.progress.${p.trajectory.status}`, { expected: formatValue(ind, p.trajectory.expected)!, quarter: String(quarter) }),
      );
    } else parts.push(t('targets.progress.notReached'));
    return {
      code: ind.code,
      label: ind.label,
      text: parts.join(' — '),
      bar: Math.round(Math.min(1, p.share ?? 1) * 100),
      state: p.reached ? 'reached' : (p.trajectory?.status ?? 'behind'),
      completeness: completenessText(completeness('ytd', l.actual)),
    };
  });
}

/** « 71 % »; a target passed reads « 125 % ». */
function shareOf(share: number): string {
  return share >= 1 ? `${Math.floor(share * 100)}\u00a0%` : shareText(Math.round(share * 1000), 1000);
}

/** The last consolidated quarter's label, for the rule's sentence. */
export const consolidatedLabel = (index: number) => quarterLabel(fromIndex(index));
