// What the indicator pages show: rows and form values turned into labels and options. No I/O.
import { t, tDynamic } from '../i18n/messages.ts';
import { scaledToInput } from '../lib/decimal.ts';
import { quarterLabel } from '../lib/quarters.ts';
import type { IndicatorCategoryRow, IndicatorRow } from './indicators.repo.ts';
import type { CatalogueItem, ComponentView } from './indicators.service.ts';
import { DIRECTIONS, KINDS, OBJECTIVES, UNITS, componentValue } from './indicators.schema.ts';

type Values = Record<string, unknown>;
export type ComponentChoice = { indicator: IndicatorRow; categories: IndicatorCategoryRow[] };

function quarterOrEmpty(year: number | null, quarter: number | null): string {
  return year !== null && quarter !== null ? quarterLabel({ year, quarter }) : '';
}

/** The form values of an existing indicator, as the edit page first shows them. */
export function indicatorToValues(item: CatalogueItem): Record<string, string | string[]> {
  const i = item.indicator;
  return {
    code: i.code,
    label_fr: i.label_fr,
    label_en: i.label_en,
    definition_fr: i.definition_fr,
    definition_en: i.definition_en,
    unit: i.unit,
    decimals: String(i.decimals),
    min: scaledToInput(i.min_scaled),
    max: scaledToInput(i.max_scaled),
    kind: i.kind,
    numerator: componentValue(item.numerator),
    denominator: componentValue(item.denominator),
    objectives: i.objectives ? i.objectives.split(',') : [],
    direction: i.direction,
    first_quarter: quarterOrEmpty(i.first_year, i.first_quarter),
    last_quarter: quarterOrEmpty(i.last_year, i.last_quarter),
    active: i.active ? '1' : '',
    display_order: String(i.display_order),
    version: String(i.version),
  };
}

/** Defaults for a new indicator: active, a flow counted in units, placed after the others. */
export function newIndicatorValues(nextOrder: number): Record<string, string | string[]> {
  return { unit: 'nombre', decimals: '0', kind: 'flow', direction: 'up', objectives: [], active: '1', display_order: String(nextOrder) };
}

const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** Options for the selects and checkboxes, with the posted (or stored) values selected. */
export function formOptions(values: Values, choices: ComponentChoice[]) {
  const componentOptions = (chosen: unknown) =>
    choices.flatMap(({ indicator, categories }) => [
      { value: indicator.code, label: componentLabel(indicator), selected: chosen === indicator.code },
      ...categories.map((c) => {
        const value = `${indicator.code}:${c.code}`;
        return { value, label: `${indicator.code} — ${t('indicators.categoryOf')} ${c.label_fr}`, selected: chosen === value };
      }),
    ]);
  const objectives = new Set(asStrings(values.objectives));
  return {
    unitOptions: UNITS.map((u) => ({ value: u, label: t(`indicators.unit.${u}`), selected: values.unit === u })),
    kindOptions: KINDS.map((k) => ({ value: k, label: t(`indicators.kind.${k}`), selected: values.kind === k })),
    directionOptions: DIRECTIONS.map((d) => ({ value: d, label: t(`indicators.direction.${d}`), selected: values.direction === d })),
    objectiveOptions: OBJECTIVES.map((o) => ({ value: o, label: `${o} — ${t(`indicators.objective.${o}`)}`, checked: objectives.has(o) })),
    numeratorOptions: componentOptions(values.numerator),
    denominatorOptions: componentOptions(values.denominator),
    activeChecked: asStrings(values.active).includes('1'),
  };
}

function componentLabel(i: IndicatorRow): string {
  return `${i.code} — ${i.label_fr}${i.active ? '' : ` (${t('indicators.inactive')})`}`;
}

function componentText(c: ComponentView | null): string {
  if (!c) return '';
  return c.category ? `${c.code} — ${c.categoryLabel}` : c.code;
}

/** One row of the catalogue table. */
export function listRow(item: CatalogueItem) {
  const i = item.indicator;
  return {
    id: i.id,
    code: i.code,
    label: i.label_fr,
    kindLabel: t(`indicators.kind.${i.kind}`),
    unitLabel: tDynamic('indicators.unit', i.unit),
    decimals: i.decimals,
    min: i.min_scaled,
    max: i.max_scaled,
    hasBounds: i.min_scaled !== null || i.max_scaled !== null,
    objectives: i.objectives ? i.objectives.split(',') : [],
    active: i.active,
    first: quarterOrEmpty(i.first_year, i.first_quarter),
    last: quarterOrEmpty(i.last_year, i.last_quarter),
    numerator: componentText(item.numerator),
    denominator: componentText(item.denominator),
    categories: item.categories.map((c) => c.label_fr),
  };
}

export const objectiveLegend = () => OBJECTIVES.map((o) => ({ code: o, label: t(`indicators.objective.${o}`) }));
