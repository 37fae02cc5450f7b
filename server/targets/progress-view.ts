// Progress against targets in words, for the pole page and « Mon pôle »: « 8,5 ETP sur 12,0 ETP — 71 % —
// conforme à la trajectoire (9,0 ETP attendus à fin T3) ». The numbers come from the aggregation module.
import { completeness, completenessText, shareText } from '../aggregates/completeness.ts';
import { formatValue, toDashIndicator } from '../dashboards/figures.ts';
import { t } from '../i18n/messages.ts';
import { fromIndex, quarterLabel } from '../lib/quarters.ts';
import type { PoleProgressLine, TargetProgressService } from './target-progress.service.ts';
import type { Progress } from '../aggregates/progress.ts';
import type { DashIndicator } from '../dashboards/figures.ts';
import type { SummaryTarget } from '../exports/summary.types.ts';
import { SCALE } from '../lib/decimal.ts';

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
    // A convention's line says its span; its id stays apart from the year's line of the same indicator.
    const span = l.target.first_year !== l.target.last_year ? `${l.target.first_year}–${l.target.last_year}` : null;
    const name = l.category ? `${ind.label} — ${l.category.label_fr}` : ind.label;
    const label = span ? t('targets.spans.line', { label: name, span }) : name;
    const key = l.category ? `${ind.code}-${l.category.code}` : ind.code;
    const code = span ? `${key}-${l.target.first_year}-${l.target.last_year}` : key;
    if (!l.actual || l.actual.value === null || (p.share === null && !p.reached)) {
      return {
        code,
        label,
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
      parts.push(t(`targets.progress.${p.trajectory.status}`, { expected: formatValue(ind, p.trajectory.expected)!, through: l.through }));
    } else parts.push(t('targets.progress.notReached'));
    return {
      code,
      label,
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

type AreaResult = NonNullable<Awaited<ReturnType<TargetProgressService['areaProgress']>>>;

/** Where a pole stands, in words: reached, its trajectory, or not yet. */
export function standing(p: Progress, ind: DashIndicator, quarter: number | string): string {
  if (p.share === null && !p.reached) return t('dash.notReported.label');
  if (p.reached) return t('targets.progress.reached');
  if (p.trajectory)
    return t(`targets.progress.${p.trajectory.status}`, {
      expected: formatValue(ind, p.trajectory.expected)!,
      through: typeof quarter === 'number' ? `T${quarter}` : quarter,
    });
  return t('targets.progress.notReached');
}

/** What the area's poles with a target add up to, and how complete their actual is. */
function areaSentences(r: AreaResult, ind: DashIndicator): string[] {
  const a = r.area;
  const sentences: string[] = [];
  if (a.withTarget)
    sentences.push(t(`targets.area.coverage.${a.withTarget >= 2 ? 'n' : '1'}`, { count: String(a.withTarget), poles: String(a.poles) }));
  if (a.progress && a.target !== null) {
    const line =
      a.actual === null
        ? t('targets.progress.noActual', { target: formatValue(ind, a.target)! })
        : [
            a.progress.share === null
              ? t('targets.progress.lineNoShare', { actual: formatValue(ind, a.actual)!, target: formatValue(ind, a.target)! })
              : t('targets.progress.line', {
                  actual: formatValue(ind, a.actual)!,
                  target: formatValue(ind, a.target)!,
                  share: shareOf(a.progress.share),
                }),
            standing(a.progress, ind, r.elapsed),
          ].join(' — ');
    // The actual of those poles holds what they reported: its completeness is said with it.
    const counted = r.lines.filter((l) => l.target && l.actual);
    const reported = counted.reduce((s, l) => s + l.actual!.reported, 0);
    const expected = counted.reduce((s, l) => s + l.actual!.expected, 0);
    sentences.push(t('targets.area.sum', { line }));
    if (expected)
      sentences.push(
        t('targets.area.completeness', {
          completeness: completenessText({ reported, expected, rate: reported / expected, unit: 'pole_quarters' }),
        }),
      );
  }
  if (a.meeting !== null)
    sentences.push(t(`targets.area.meeting.${a.meeting >= 2 ? 'n' : '1'}`, { meeting: String(a.meeting), count: String(a.withTarget) }));
  if (a.withoutActual)
    sentences.push(t(`targets.area.withoutActual.${a.withoutActual >= 2 ? 'n' : '1'}`, { count: String(a.withoutActual) }));
  return sentences;
}

/** A region's table of poles by progress, and the area's sentence (dashboards). */
export function areaPanelView(r: AreaResult, provisional: boolean) {
  const ind = toDashIndicator(r.indicator);
  const quarter = quarterLabel({ year: r.year, quarter: r.elapsed });
  const a = r.area;
  const sentences = areaSentences(r, ind);
  const rows = r.lines
    .map((l) => ({
      key: String(l.pole.id),
      name: l.pole.name,
      href: l.pole.href,
      target: l.target ? formatValue(ind, l.target.value_scaled) : null,
      actual: l.actual ? formatValue(ind, l.actual.value) : null,
      completeness: l.target && l.actual ? completenessText(completeness('ytd', l.actual)) : '',
      scaledShare: l.progress?.share ?? null,
      share: l.progress?.share === null || l.progress?.share === undefined ? null : shareOf(l.progress.share),
      status: l.progress ? standing(l.progress, ind, r.elapsed) : t('targets.none'),
      state: l.progress ? (l.progress.reached ? 'reached' : (l.progress.trajectory?.status ?? 'pending')) : 'none',
    }))
    .sort((x, y) => (y.scaledShare ?? -1) - (x.scaledShare ?? -1) || x.name.localeCompare(y.name, 'fr'));
  return {
    title: t('targets.area.title', { year: String(r.year), indicator: ind.label }),
    caption: t('targets.area.caption', { year: String(r.year), quarter }),
    goalHeading: t('targets.col.goal', { year: String(r.year) }),
    actualHeading: t('targets.col.actual', { quarter }),
    sentences,
    none: a.withTarget ? null : t('targets.area.none', { year: String(r.year) }),
    provisional: provisional ? t('targets.area.provisional', { quarter }) : null,
    rows,
    conventions: r.conventions.map((l) => ({
      key: `${l.pole.id}-${l.target.first_year}-${l.target.last_year}`,
      name: l.pole.name,
      href: l.pole.href,
      span: `${l.target.first_year}–${l.target.last_year}`,
      target: formatValue(ind, l.target.value_scaled),
      actual: l.actual?.value === null || l.actual?.value === undefined ? null : formatValue(ind, l.actual.value),
      completeness: l.actual ? completenessText(completeness('ytd', l.actual)) : '',
      share: l.progress?.share === null || l.progress?.share === undefined ? null : shareOf(l.progress.share),
      status: l.progress ? standing(l.progress, ind, l.through) : t('targets.area.conventionNotBegun'),
    })),
    conventionsCaption: t('targets.area.conventionsCaption', { quarter }),
  };
}

/** The last consolidated quarter's label, for the rule's sentence. */
export const consolidatedLabel = (index: number) => quarterLabel(fromIndex(index));

type AtLine = Awaited<ReturnType<TargetProgressService['progressAt']>>[number];

/** The export's « Objectifs » rows: in units, with where each stands in words. */
export function summaryTargets(lines: AtLine[]): SummaryTarget[] {
  return lines
    .map((l) => {
      const ind = toDashIndicator(l.indicator);
      const convention = l.target.first_year !== l.target.last_year;
      return {
        pole: l.pole.slug,
        poleName: l.pole.name,
        indicator: l.indicator.code,
        year: l.year,
        span: convention ? `${l.target.first_year}–${l.target.last_year}` : null,
        target: l.target.value_scaled / SCALE,
        actual: l.actual?.value === null || l.actual?.value === undefined ? null : l.actual.value / SCALE,
        through: l.through,
        share: l.progress.share === null ? null : Math.round(l.progress.share * 1000) / 1000,
        expected: l.progress.trajectory ? l.progress.trajectory.expected / SCALE : null,
        // A year's trajectory names its quarter (« fin T3 »), a convention's the quarter itself (« fin 2026-T3 »).
        status: standing(l.progress, ind, convention ? l.through : l.elapsed),
      };
    })
    .sort((a, b) => a.poleName.localeCompare(b.poleName, 'fr') || a.indicator.localeCompare(b.indicator));
}

type TileResult = NonNullable<ReturnType<Awaited<ReturnType<TargetProgressService['tiles']>>['get']>>;

/** A headline tile's line on targets: « Objectifs 2026 (5 pôles sur 39) : 28,7 ETP sur 64,5 ETP — 45 % — … ». */
export function tileTargetText(r: TileResult | undefined, provisional = false): string | null {
  if (!r || !r.area.withTarget) return null;
  const ind = toDashIndicator(r.indicator);
  const a = r.area;
  const who = t(`targets.tile.who.${a.withTarget >= 2 ? 'n' : '1'}`, {
    year: String(r.year),
    count: String(a.withTarget),
    poles: String(a.poles),
  });
  if (a.meeting !== null)
    return `${who} : ${t(`targets.area.meeting.${a.meeting >= 2 ? 'n' : '1'}`, { meeting: String(a.meeting), count: String(a.withTarget) })}`;
  if (a.target === null || !a.progress) return null;
  if (a.actual === null) return `${who} : ${t('targets.progress.noActual', { target: formatValue(ind, a.target)! })}`;
  const share = a.progress.share === null ? null : shareOf(a.progress.share);
  const line = share
    ? t('targets.progress.line', { actual: formatValue(ind, a.actual)!, target: formatValue(ind, a.target)!, share })
    : t('targets.progress.lineNoShare', { actual: formatValue(ind, a.actual)!, target: formatValue(ind, a.target)! });
  const complete = r.expected
    ? ` ${t('targets.tile.completeness', { completeness: completenessText({ reported: r.reported, expected: r.expected, rate: r.reported / r.expected, unit: 'pole_quarters' }) })}`
    : '';
  // The actual compared is the year to date at the period's end: provisional when that is.
  const later = provisional ? ` ${t('targets.tile.provisional')}` : '';
  return `${who} : ${line} — ${standing(a.progress, ind, r.elapsed)}.${complete}${later}`;
}
