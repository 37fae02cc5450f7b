// What changed between two frozen summaries (version N−1 → N). Pure: no I/O, no formatting.
import type { NationalSummary, SummaryCompleteness, SummaryFigure, SummaryIndicator } from '../exports/summary.types.ts';

export interface FigureChange {
  indicator: string;
  indicatorLabel: string;
  area: string;
  areaName: string;
  level: 'nation' | 'region';
  /** null on one side: the figure did not exist in that version (area or indicator added or removed). */
  before: SummaryFigure | null;
  after: SummaryFigure | null;
  valueChanged: boolean;
  completenessChanged: boolean;
}

export interface CompletenessChange {
  area: string;
  areaName: string;
  before: SummaryCompleteness | null;
  after: SummaryCompleteness | null;
}

export type DefinitionField = 'label' | 'definition' | 'unit' | 'decimals' | 'kind' | 'added' | 'removed';

export interface DefinitionChange {
  code: string;
  label: string;
  field: DefinitionField;
  before: string;
  after: string;
}

export interface PublicationDiff {
  figures: FigureChange[];
  completeness: CompletenessChange[];
  definitions: DefinitionChange[];
  /** True when the two versions say exactly the same thing. */
  unchanged: boolean;
}

/** Values are exact to 4 decimals (scaled integers): compare them at that scale, never as raw floats. */
const scaled = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Math.round(v * 10_000));

const figureKey = (f: SummaryFigure) => `${f.indicator}\u0000${f.area}`;

function sameCompleteness(a: { reported: number; expected: number }, b: { reported: number; expected: number }): boolean {
  return a.reported === b.reported && a.expected === b.expected;
}

function diffFigures(before: NationalSummary, after: NationalSummary, labels: Map<string, string>): FigureChange[] {
  const out: FigureChange[] = [];
  for (const level of ['nation', 'region'] as const) {
    const pick = (s: NationalSummary) => (level === 'nation' ? s.national : s.regions);
    const old = new Map(pick(before).map((f) => [figureKey(f), f]));
    const seen = new Set<string>();
    for (const f of pick(after)) {
      const key = figureKey(f);
      seen.add(key);
      const o = old.get(key) ?? null;
      const valueChanged = !o || scaled(o.value) !== scaled(f.value);
      const completenessChanged = !o || !sameCompleteness(o, f);
      if (valueChanged || completenessChanged) {
        out.push({
          indicator: f.indicator,
          indicatorLabel: labels.get(f.indicator) ?? f.indicator,
          area: f.area,
          areaName: f.areaName,
          level,
          before: o,
          after: f,
          valueChanged,
          completenessChanged,
        });
      }
    }
    for (const [key, o] of old) {
      if (seen.has(key)) continue;
      out.push({
        indicator: o.indicator,
        indicatorLabel: labels.get(o.indicator) ?? o.indicator,
        area: o.area,
        areaName: o.areaName,
        level,
        before: o,
        after: null,
        valueChanged: true,
        completenessChanged: true,
      });
    }
  }
  return out;
}

function diffCompleteness(before: SummaryCompleteness[], after: SummaryCompleteness[]): CompletenessChange[] {
  const old = new Map(before.map((c) => [c.area, c]));
  const out: CompletenessChange[] = [];
  for (const c of after) {
    const o = old.get(c.area) ?? null;
    if (!o || !sameCompleteness(o, c)) out.push({ area: c.area, areaName: c.areaName, before: o, after: c });
    old.delete(c.area);
  }
  for (const o of old.values()) out.push({ area: o.area, areaName: o.areaName, before: o, after: null });
  return out;
}

const DEFINITION_FIELDS = ['label', 'definition', 'unit', 'decimals', 'kind'] as const;

function diffDefinitions(before: SummaryIndicator[], after: SummaryIndicator[]): DefinitionChange[] {
  const old = new Map(before.map((i) => [i.code, i]));
  const out: DefinitionChange[] = [];
  for (const i of after) {
    const o = old.get(i.code);
    if (!o) {
      out.push({ code: i.code, label: i.label, field: 'added', before: '', after: i.label });
      continue;
    }
    old.delete(i.code);
    for (const field of DEFINITION_FIELDS) {
      if (String(o[field]) !== String(i[field]))
        out.push({ code: i.code, label: i.label, field, before: String(o[field]), after: String(i[field]) });
    }
  }
  for (const o of old.values()) out.push({ code: o.code, label: o.label, field: 'removed', before: o.label, after: '' });
  return out;
}

/** Every difference between two versions: figures (value or completeness), regional completeness, definitions. */
export function diffSummaries(before: NationalSummary, after: NationalSummary): PublicationDiff {
  const labels = new Map([...before.indicators, ...after.indicators].map((i) => [i.code, i.label]));
  const figures = diffFigures(before, after, labels);
  const completeness = diffCompleteness(before.completeness, after.completeness);
  const definitions = diffDefinitions(before.indicators, after.indicators);
  return { figures, completeness, definitions, unchanged: !figures.length && !completeness.length && !definitions.length };
}
