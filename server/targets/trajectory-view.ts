// The « Réalisé cumulé et trajectoire de l'objectif » section in words and numbers: its chart's data (in
// units, drawn by public/js/dashboard-charts.js), its table (fr-FR, the figures without JavaScript) and
// the sentences around them. The numbers come from trajectory-chart.ts.
import { completenessText } from '../aggregates/completeness.ts';
import { chartNumber, formatValue, unitTitle, type DashIndicator } from '../dashboards/figures.ts';
import { t, tn } from '../i18n/messages.ts';
import { fromIndex, quarterLabel } from '../lib/quarters.ts';
import type { Trajectory } from './trajectory-chart.ts';

/** The section of a dashboard for a flow's trajectory; `to` is the last quarter shown (« 2026-T3 »). */
export function trajectoryView(r: Trajectory, ind: DashIndicator, to: string) {
  const labels = r.quarters.map((q) => quarterLabel(fromIndex(q.index)));
  const provisional = r.quarters.map((q) => q.provisional);
  const provisionalLabels = labels.filter((_, i) => provisional[i]);
  const sentences = [
    tn('trajectory.coverage', r.withTarget, { poles: String(r.poles) }),
    t('trajectory.target', { target: formatValue(ind, r.target)! }),
    t('trajectory.rule'),
  ];
  if (r.withoutActual) sentences.push(tn('trajectory.withoutActual', r.withoutActual, { quarter: to }));
  return {
    title: t('trajectory.title', { year: String(r.year), indicator: ind.label }),
    sentences,
    provisional: provisionalLabels.length
      ? tn('trajectory.provisional', provisionalLabels.length, { quarters: listText(provisionalLabels) })
      : null,
    label: t('trajectory.chart', { year: String(r.year) }),
    caption: t('trajectory.caption', { year: String(r.year) }),
    chart: {
      type: 'bar',
      labels,
      provisional,
      provisionalLabel: t('closure.provisional'),
      unit: unitTitle(ind.unit),
      decimals: ind.decimals,
      series: [
        { label: t('trajectory.series.actual'), values: r.quarters.map((q) => chartNumber(q.actual)) },
        { label: t('trajectory.series.trajectory'), role: 'trajectory', values: r.quarters.map((q) => chartNumber(q.trajectory)) },
        { label: t('trajectory.series.target'), role: 'target', values: r.quarters.map(() => chartNumber(r.target)) },
      ],
    },
    rows: r.quarters.map((q, i) => ({
      key: `T${q.quarter}`,
      quarter: labels[i],
      provisional: q.provisional,
      after: q.after,
      actual: formatValue(ind, q.actual),
      trajectory: formatValue(ind, q.trajectory),
      completeness: q.after
        ? t('trajectory.after', { to })
        : completenessText({
            reported: q.reported,
            expected: q.expected,
            rate: q.expected ? q.reported / q.expected : null,
            unit: 'pole_quarters',
          }),
    })),
  };
}

const list = new Intl.ListFormat('fr', { type: 'conjunction' });

/** « 2026-T2 et 2026-T3 », « 2026-T1, 2026-T2 et 2026-T3 ». */
const listText = (items: string[]) => list.format(items);
