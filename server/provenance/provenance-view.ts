// What the page « Comment ce chiffre est calculé » says, from the rows the provenance service read:
// the rule in plain French, the parts with their own figures and links, the missing pole-quarters and
// why, the comparison, the base and when it was computed. Pure: formats, never computes a figure.
import type { Cell, Kind } from '../aggregates/semantics.ts';
import { changeLine, completenessText, formatValue, type DashIndicator } from '../dashboards/figures.ts';
import { figureLink } from '../dashboards/figure-links.ts';
import { t, tn, type MessageKey } from '../i18n/messages.ts';
import { formatDate, formatNumber } from '../lib/format.ts';
import { fromIndex, quarterIndex, quarterLabel } from '../lib/quarters.ts';
import type { ReportStatus } from '../reporting/reporting.repo.ts';
import type { FigureKey, Zone } from './provenance.schema.ts';
import type { Unavailable, ZonePole } from './provenance.repo.ts';

/** One line of the figure's make-up: a region, a pole, a quarter of a pole, or what lies outside the scope. */
export type Part =
  | { kind: 'region'; code: string; name: string; cell: Cell }
  | { kind: 'pole'; slug: string; name: string; cell: Cell }
  | { kind: 'quarter'; index: number; cell: Cell }
  | { kind: 'rest'; of: 'regions' | 'poles'; cell: Cell };

/** A pole-quarter expected without a counted value, with what the reports say of it. */
export interface Gap {
  pole: ZonePole;
  index: number;
  status: ReportStatus | null;
  unavailable: Unavailable[];
}

export interface ProvenanceInput {
  key: FigureKey;
  indicator: DashIndicator;
  definition: string;
  components: { numerator: DashIndicator; denominator: DashIndicator } | null;
  zone: { kind: 'nation' | 'regions' | 'pole'; name: string | null; regionCodes: string[] | null; slug: string | null };
  figure: Cell | null;
  parts: Part[];
  partsOf: 'regions' | 'poles' | 'quarters' | null;
  gaps: { list: Gap[]; total: number };
  provisional: boolean;
  /** Why it is consolidated: a published national summary, or validated reports past the deadline. */
  consolidatedBy: 'publication' | 'validation' | null;
  computedAt: string | null;
  minComparablePoles: number;
  /** config CLOSED_COMPLETENESS, said in the reason a period is consolidated. */
  threshold: number;
}

/** The period a key names, in words: « trimestre 2026-T2 », « 2026, cumul à fin T3 »… */
export function periodWords(key: Pick<FigureKey, 'grain' | 'end'>): string {
  const { end } = key;
  const i = quarterIndex(end);
  if (key.grain === 'quarter') return t('prov.period.quarter', { quarter: quarterLabel(end) });
  if (key.grain === 'year') return t('prov.period.year', { year: end.year });
  if (key.grain === 'ytd') return t('prov.period.ytd', { year: end.year, quarter: end.quarter });
  return t('prov.period.rolling4', { from: quarterLabel(fromIndex(i - 3)), to: quarterLabel(end) });
}

/** The same period a year earlier, as the comparison names it. */
function previousWords(key: Pick<FigureKey, 'grain' | 'end'>): string {
  const before = fromIndex(quarterIndex(key.end) - 4);
  if (key.grain === 'quarter') return quarterLabel(before);
  if (key.grain === 'year') return t('prov.period.previous.year', { year: before.year });
  if (key.grain === 'ytd') return t('dash.tile.ytdPrevious', { year: before.year, quarter: before.quarter });
  return t('prov.period.previous.rolling4', { to: quarterLabel(before) });
}

/** The rule, in plain French: how the kind combines, then how this zone's figure is made of the lines shown. */
export function ruleText(kind: Kind, input: Pick<ProvenanceInput, 'key' | 'components' | 'zone'>): string[] {
  const period = input.key.grain === 'quarter' ? 'quarter' : 'period';
  const out: string[] = [];
  if (kind === 'ratio') {
    out.push(
      t('prov.rule.ratio', {
        numerator: input.components?.numerator.label ?? '—',
        denominator: input.components?.denominator.label ?? '—',
      }),
    );
    if (period === 'period') out.push(t('prov.rule.ratio.period'));
  } else out.push(t(`prov.rule.${kind}.${period}` as MessageKey));
  out.push(t('prov.rule.missing'));
  const { zone } = input;
  if (zone.kind === 'nation') out.push(t('prov.rule.level.nation'));
  else if (zone.kind === 'regions') out.push(t(zone.regionCodes!.length > 1 ? 'prov.rule.level.regions' : 'prov.rule.level.region'));
  else out.push(t(period === 'quarter' ? 'prov.rule.level.poleQuarter' : 'prov.rule.level.pole'));
  return out;
}

function zoneOfPart(part: Part, input: ProvenanceInput): Zone | null {
  if (part.kind === 'region') return { kind: 'regions', codes: [part.code] };
  if (part.kind === 'pole') return { kind: 'pole', slug: part.slug };
  if (part.kind === 'quarter') return { kind: 'pole', slug: input.zone.slug! };
  return null;
}

/** The parts' table: each line's own figure (and a ratio's sums, a score's count), linked to its own make-up. */
function partsTable(input: ProvenanceInput) {
  const { indicator: ind, key, components } = input;
  const grainOfParts = input.partsOf === 'quarters' ? 'quarter' : key.grain;
  // For a stock or a score over several quarters, the value kept is the last one declared.
  const retained =
    input.partsOf === 'quarters' && (ind.kind === 'stock' || ind.kind === 'score')
      ? [...input.parts].reverse().find((p) => p.cell.value !== null)
      : undefined;
  const row = (part: Part) => {
    const zone = zoneOfPart(part, input);
    const end = part.kind === 'quarter' ? fromIndex(part.index) : key.end;
    const name =
      part.kind === 'quarter' ? quarterLabel(fromIndex(part.index)) : part.kind === 'rest' ? t(`prov.rest.${part.of}`) : part.name;
    return {
      name,
      href: zone ? figureLink({ indicator: ind.code, end, grain: grainOfParts, zone, base: key.base }) : null,
      value: formatValue(ind, part.cell.value),
      ...sums(ind.kind, part.cell, components),
      completeness: completenessText(grainOfParts, part.cell),
      retained: part === retained,
      rest: part.kind === 'rest',
    };
  };
  if (!input.partsOf) return null;
  const figure = input.figure;
  return {
    heading: t(`prov.parts.${input.partsOf}`),
    nameColumn: t(input.partsOf === 'regions' ? 'prov.col.region' : input.partsOf === 'poles' ? 'prov.col.pole' : 'prov.col.quarter'),
    ratio: ind.kind === 'ratio' && components ? components : null,
    score: ind.kind === 'score',
    rows: input.parts.map(row),
    total: figure
      ? {
          value: formatValue(ind, figure.value),
          ...sums(ind.kind, figure, components),
          completeness: completenessText(key.grain, figure),
        }
      : null,
  };
}

/** A ratio's Σ numerator and Σ denominator, a score's number of poles rated: what the line adds to the whole. */
function sums(kind: Kind, cell: Cell, components: ProvenanceInput['components']) {
  if (kind === 'ratio' && components)
    return { num: formatValue(components.numerator, cell.num), den: formatValue(components.denominator, cell.den) };
  if (kind === 'score') return { rated: formatNumber(cell.den ?? 0) };
  return {};
}

/** Why a pole-quarter has no counted value. */
export function gapReason(gap: Gap, base: FigureKey['base'], kind: Kind, labelOf: (indicatorId: number) => string | null): string {
  if (gap.status === null) return t('prov.reason.none');
  if (gap.status === 'draft' || gap.status === 'returned') return t(`prov.reason.${gap.status}`);
  if (gap.status === 'submitted' && base === 'validated') return t('prov.reason.submitted');
  if (gap.unavailable.length)
    return gap.unavailable
      .map((u) => {
        const reason = u.reason.trim() || t('prov.reason.noReason');
        const of = labelOf(u.indicatorId);
        return of ? t('prov.reason.unavailableOf', { indicator: of, reason }) : t('prov.reason.unavailable', { reason });
      })
      .join(' ; ');
  return t(kind === 'ratio' ? 'prov.reason.emptyRatio' : 'prov.reason.empty');
}

function distribution(cell: Cell | null) {
  if (!cell?.distribution) return [];
  return Object.entries(cell.distribution)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([score, n]) => t(`prov.distribution.item.${n >= 2 ? 'n' : '1'}`, { score, count: formatNumber(n) }));
}

/** The back link: the dashboard (or the pole's page) the figure was shown on, on the same indicator and quarter. */
function backLink(input: ProvenanceInput): { href: string; text: string } {
  const { zone, key, indicator } = input;
  if (zone.kind === 'pole') return { href: `/poles/${zone.slug}`, text: t('prov.back.pole') };
  const params = new URLSearchParams({ indicateur: indicator.code, a: quarterLabel(key.end) });
  if (key.base !== 'validated') params.set('base', key.base);
  const path = zone.kind === 'regions' && zone.regionCodes!.length === 1 ? `/regions/${zone.regionCodes![0]}` : '/tableau-de-bord';
  return { href: `${path}?${params.toString()}`, text: t('prov.back') };
}

/** The whole page model. */
export function provenanceView(input: ProvenanceInput) {
  const { indicator: ind, key, figure } = input;
  const zoneName = input.zone.name ?? t('prov.zone.nation');
  const period = periodWords(key);
  const labels = new Map<number, string>();
  if (input.components) {
    labels.set(input.components.numerator.id, input.components.numerator.label);
    labels.set(input.components.denominator.id, input.components.denominator.label);
  }
  const single = input.zone.kind === 'pole';
  return {
    title: t('prov.title'),
    indicator: ind,
    definition: input.definition,
    heading: t('prov.figure.of', { indicator: ind.label, zone: zoneName, period }),
    value: formatValue(ind, figure?.value),
    computed: figure !== null,
    completeness: figure ? completenessText(key.grain, figure) : null,
    provisional: input.provisional,
    consolidated: input.consolidatedBy
      ? t(`prov.consolidated.${input.consolidatedBy}`, { threshold: `${Math.round(input.threshold * 100)}\u00a0%` })
      : null,
    base: t('prov.base', { base: t(`dash.base.${key.base}`) }),
    computedAt: input.computedAt ? t('prov.computedAt', { date: formatDate(input.computedAt, true) }) : t('prov.computedNever'),
    rule: ruleText(ind.kind, input),
    distribution: ind.kind === 'score' ? distribution(figure) : [],
    parts: partsTable(input),
    gaps: {
      intro: input.gaps.total ? tn('prov.gaps.intro', input.gaps.total) : t('prov.gaps.none'),
      showRegion: input.zone.kind === 'nation' || (input.zone.regionCodes?.length ?? 0) > 1,
      rows: input.gaps.list.map((g) => ({
        pole: g.pole.name,
        href: `/poles/${g.pole.slug}`,
        region: g.pole.regionName,
        quarter: quarterLabel(fromIndex(g.index)),
        reason: gapReason(g, key.base, ind.kind, (id) => labels.get(id) ?? null),
      })),
      more: input.gaps.total > input.gaps.list.length ? tn('prov.gaps.more', input.gaps.total - input.gaps.list.length) : null,
    },
    comparison: {
      intro: single ? t('prov.comparison.intro.pole') : t('prov.comparison.intro', { min: input.minComparablePoles }),
      line: figure ? changeLine(ind, { ...figure, computedAt: '' }, previousWords(key), input.minComparablePoles, single) : null,
    },
    back: backLink(input),
  };
}
