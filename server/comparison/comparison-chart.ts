// The comparison's chart and table: one line per region and one for France, quarter by quarter, raw or
// per 10 000 inhabitants. Pure (no I/O): cells come from the stored aggregates (dashboards' Figures),
// each area's provisional quarters from its closure, populations from server/reference/population.ts,
// the division and its decimals from server/reference/per-inhabitant.ts.
import { chartNumber, completenessText, formatValue, unitTitle, type DashIndicator, type Figures } from '../dashboards/figures.ts';
import { t } from '../i18n/messages.ts';
import { fromIndex, quarterLabel } from '../lib/quarters.ts';
import { formatPerInhabitant, perInhabitantDecimals, perInhabitants, perInhabitantUnit, rawText } from '../reference/per-inhabitant.ts';

/**
 * Seven distinct colours (six regions and France, drawn in the page's ink colour): the dashboards' four,
 * then three more, each at least 4.5:1 on white.
 */
const REGION_COLORS = ['#1d4f91', '#b4540a', '#1b6e3c', '#6b3fa0', '#a4262c', '#00707a'];
const FRANCE_COLOR = '#1e2329';

export interface ComparedArea {
  key: string;
  label: string;
  figures: Figures;
  /** The population that divides the area's figures (per inhabitant only). */
  population: number;
  /** Whether the area's quarter (by index) is « provisoire » (its own closure decides). */
  provisional: (index: number) => boolean;
  /** France: the reference line, on the right-hand axis for raw totals. */
  reference?: boolean;
}

/** The chart data (in units) and the table rows (formatted) of a comparison. */
export function comparisonChart(ind: DashIndicator, fromIdx: number, toIdx: number, areas: ComparedArea[], perInhabitant: boolean) {
  const indices = Array.from({ length: toIdx - fromIdx + 1 }, (_, i) => fromIdx + i);
  const labels = indices.map((i) => quarterLabel(fromIndex(i)));
  // A quarter is drawn provisional when it is in any area: never compared as if it were complete.
  const flags = indices.map((i) => areas.some((a) => a.provisional(i)));
  const raw = (a: ComparedArea, i: number) => a.figures.get(ind.id, 'quarter', i);
  const rate = (a: ComparedArea, i: number) => perInhabitants(raw(a, i)?.value ?? null, a.population);
  const decimals = perInhabitant ? perInhabitantDecimals(areas.flatMap((a) => indices.map((i) => rate(a, i)))) : ind.decimals;
  const unitText = perInhabitantUnit(ind.unitLabel);
  // Raw totals: France's would flatten the regions on one axis, so it reads on the right-hand one.
  const twoAxes = !perInhabitant && (ind.kind === 'flow' || ind.kind === 'stock') && areas.length > 1;
  const onRight = (a: ComparedArea) => twoAxes && Boolean(a.reference);
  // The table's cells carry the number only: the unit is in its caption (a phone's column stays narrow).
  const rateText = (v: number | null) => formatPerInhabitant(v, decimals);
  return {
    chart: {
      type: 'line',
      labels,
      provisional: flags,
      provisionalLabel: t('closure.provisional'),
      unit: perInhabitant ? unitText : unitTitle(ind.unit),
      decimals,
      series: areas.map((a, n) => ({
        label: onRight(a) ? t('compare.chart.rightAxis', { area: a.label }) : a.label,
        axis: onRight(a) ? 'right' : 'left',
        color: a.reference ? FRANCE_COLOR : REGION_COLORS[n % REGION_COLORS.length],
        values: indices.map((i) => (perInhabitant ? rate(a, i) : chartNumber(raw(a, i)?.value))),
      })),
    },
    scalesNote: twoAxes ? t('compare.chart.twoAxes') : null,
    unit: perInhabitant ? unitText : unitTitle(ind.unit),
    columns: areas.map((a) => ({ key: a.key, label: a.label })),
    rows: indices.map((i, n) => ({
      quarter: labels[n],
      provisional: flags[n],
      cells: areas.map((a) => {
        const cell = raw(a, i);
        const value = formatValue(ind, cell?.value);
        return {
          value: perInhabitant ? rateText(rate(a, i)) : value,
          raw: perInhabitant && value ? rawText(value) : null,
          provisional: a.provisional(i),
          completeness: completenessText('quarter', cell),
        };
      }),
    })),
  };
}
