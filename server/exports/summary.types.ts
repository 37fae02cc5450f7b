// The national summary as exports, publications and open data see it. Built only from the aggregates
// (server/aggregates/aggregates-read.repo.ts), never recomputed. A publication freezes one of these as JSON,
// so the shape is plain data: numbers, strings and nulls, no Date objects, no class instances.

import type { PlainComparison } from '../aggregates/comparison.ts';
import type { CompletenessUnit } from '../aggregates/completeness.ts';
import type { Period } from '../lib/quarters.ts';

/** The period a summary covers: one quarter, or one calendar year (grain 'year', the four quarters). */
export type SummaryPeriod = Period;

/** One indicator as the summary describes it (the « Définitions » sheet). */
export interface SummaryIndicator {
  code: string;
  label: string;
  definition: string;
  unit: string;
  decimals: number;
  kind: 'flow' | 'stock' | 'ratio' | 'score';
  /** One of the client's three headline indicators (EMP_CREES, ACT_CONSOLIDEES, TE_ACTIONS). */
  headline: boolean;
}

/** One figure: an indicator (total, category '') for one area and the summary's period. */
export interface SummaryFigure {
  indicator: string;
  /** 'FR' for the nation, an INSEE region code, or a pole slug (scope exports). */
  area: string;
  areaName: string;
  /** The figure as a plain number in its unit (scaled ÷ 10 000), or null when nothing was reported. */
  value: number | null;
  /** Reports behind the figure, and those expected: poles for a quarter, pole-quarters beyond (`completenessUnit`). */
  reported: number;
  expected: number;
  /** What reported and expected count; absent in summaries frozen before it was said (they counted the same). */
  completenessUnit?: CompletenessUnit;
  /**
   * The change from the same period a year earlier, like for like (server/aggregates/comparison.ts): on the
   * poles that reported both periods, or why none is given. Absent in summaries frozen before it existed.
   */
  comparison?: PlainComparison;
  computedAt: string;
  /**
   * The population of the area (France's 18 regions, a region, a funder's regions, a pole's territory), and
   * the value per 10 000 inhabitants (flows and stocks only; server/reference/per-inhabitant.ts). Null when
   * unknown or without that form; absent in summaries frozen before they were given.
   */
  population?: number | null;
  per10kInhabitants?: number | null;
  /** Distinct poles that contributed a value to the figure (pole-level aggregates), for statistical confidentiality. */
  contributors: number;
}

/**
 * Completeness of one area for the period, all indicators together: a pole (a pole-quarter, over several
 * quarters) is expected when some indicator expects it, and reported when it gave some indicator a value.
 */
export interface SummaryCompleteness {
  area: string;
  areaName: string;
  reported: number;
  expected: number;
  /** What reported and expected count; absent in summaries frozen before it was said (pole × indicator then). */
  unit?: CompletenessUnit;
  /** reported ÷ expected as a fraction 0..1, or null when nothing was expected. */
  rate: number | null;
}

export interface NationalSummary {
  period: SummaryPeriod;
  /** « 2026-T2 » or « 2026 ». */
  periodLabel: string;
  /**
   * The period is « provisoire » for the area covered (server/aggregates/closure.ts); files say so beside
   * it. Absent in summaries frozen before this field existed.
   */
  provisional?: boolean;
  base: 'validated' | 'validated_or_submitted';
  /** ISO timestamp of the aggregates' last refresh or rebuild (the file says so). */
  computedAt: string | null;
  /**
   * For a year still running, the last closed quarter its figures run to (the year to date); absent for a
   * quarter, a closed year, and summaries frozen before this field existed.
   */
  ytdThrough?: number;
  /** The period the comparisons are made with: « 2025-T2 », « 2025 », « 2025, cumul à fin T3 ». */
  comparedWith?: string;
  indicators: SummaryIndicator[];
  /** National figures, one per indicator, in catalogue order. */
  national: SummaryFigure[];
  /** Figures per region (every region with poles), one per indicator and region. */
  regions: SummaryFigure[];
  completeness: SummaryCompleteness[];
}

/**
 * A funder's scope: the same shape, with `national` holding the scope's own figures (its regions combined,
 * area 'PERIMETRE'; the nation for a national funder), `regions` its regions, and `poles` its poles.
 */
export interface ScopeSummary extends NationalSummary {
  /** « Nouvelle-Aquitaine + Occitanie » (French alphabetical order) or the nation's label. */
  scopeName: string;
  /** The scope's region codes, sorted (none for a national scope): they name its files. */
  scopeCodes?: string[];
  /** Figures per pole in scope (area = pole slug), one per indicator and pole. */
  poles: SummaryFigure[];
  /** The poles' validated targets for the period's year, with progress at its end; absent in older files. */
  targets?: SummaryTarget[];
  /** The quarter the narratives are of: the period's last (« 2026-T3 »); absent in older files. */
  narrativesQuarter?: string;
  /** The poles' « faits marquants » and « difficultés » of that quarter, in the base's statuses; absent in older files. */
  narratives?: SummaryNarrative[];
}

/** One pole's report narratives (« Faits marquants » sheet), as typed. */
export interface SummaryNarrative {
  pole: string;
  poleName: string;
  region: string;
  regionName: string;
  /** The report's status code (validated, submitted). */
  status: string;
  highlights: string;
  difficulties: string;
}

/** One pole's target and its progress, in units (a rate in percent), as the files write it. */
export interface SummaryTarget {
  pole: string;
  poleName: string;
  indicator: string;
  year: number;
  /** A convention's span holding the year (« 2024–2026 »); null (or absent in older files) for the year's target. */
  span?: string | null;
  target: number;
  actual: number | null;
  /** The last quarter counted (« 2026-T3 »). */
  through: string;
  /** « % atteint » as a share (0,71); null without actual. */
  share: number | null;
  /** Flows while the year runs: what the trajectory expects by `through`. */
  expected: number | null;
  /** Where it stands, in words (« conforme à la trajectoire … », « objectif atteint »). */
  status: string;
}
