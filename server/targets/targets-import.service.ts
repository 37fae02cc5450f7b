// Targets from a spreadsheet (staff): one row per pole, indicator and year (or a convention's span),
// judged by the form's rules, kept as a batch for a dry-run preview, then applied all or nothing. The
// template lists every pole and indicator for a year with the targets already set.
import type { Knex } from 'knex';
import { writeTimestamp } from '../db/dialect.ts';
import { NotFound, StaleVersion } from '../http/errors.ts';
import { t, tDynamic } from '../i18n/messages.ts';
import type { PersonActor as Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import { formatScaled } from '../lib/format.ts';
import { unitSuffix } from '../dashboards/figures.ts';
import type { CurrentUser } from '../http/current-user.ts';
import type { IndicatorCategoryRow, IndicatorRow, IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { PoleRow, PolesRepo } from '../poles/poles.repo.ts';
import type { BatchRow, ImportsRepo } from '../imports/imports.repo.ts';
import { clip, type Change } from '../imports/import-plan.ts';
import type { Columns, Problem } from '../imports/import-rows.ts';
import type { TargetImportRow } from './targets-import-rows.ts';
import type { TargetRow, TargetsRepo } from './targets.repo.ts';
import { MAX_SPAN_YEARS, parseTarget, targetDecimals, targetKey, targetSlots, targetYears } from './target-rules.ts';
import type { PlannedTarget, TargetsService } from './targets.service.ts';

export type { BatchRow } from '../imports/imports.repo.ts';

export interface TargetsFile {
  filename: string;
  rows: TargetImportRow[];
  problems: Problem[];
  columns: Columns;
  count: number;
}

/** One line of the template: a pole's indicator for the year, with its target if one is set. */
export interface TargetTemplateRow {
  pole: string;
  name: string;
  code: string;
  category: string;
  label: string;
  unit: string;
  kind: string;
  year: number;
  value: number | null;
  decimals: number;
  status: string;
}

export type TargetsConfirmOutcome =
  | { kind: 'applied'; changes: number }
  | { kind: 'closed'; status: BatchRow['status'] }
  | { kind: 'problems' }
  | { kind: 'changed' }
  | { kind: 'conflict' };

interface Judged {
  problems: Problem[];
  changes: Change[];
  plans: PlannedTarget[];
}

const byLine = (a: Problem, b: Problem) => (a.line ?? 0) - (b.line ?? 0);
const spanLabel = (first: number, last: number) => (first === last ? String(first) : `${first}–${last}`);

export interface TargetsImportDeps {
  db: Knex;
  clock: Clock;
  targets: Pick<TargetsService, 'applyPlanned'>;
  repos: { imports: ImportsRepo; poles: PolesRepo; indicators: IndicatorsRepo; targets: TargetsRepo };
}

export class TargetsImportService {
  constructor(private readonly deps: TargetsImportDeps) {}

  /** Every pole of the user's scope and active indicator (its total and categories) for `year`, with the target set. */
  async templateRows(user: CurrentUser, year: number): Promise<TargetTemplateRow[]> {
    const { db, repos } = this.deps;
    const [poles, indicators, categories] = await Promise.all([
      repos.poles.listInScope(db, user),
      repos.indicators.list(db, { activeOnly: true }),
      repos.indicators.categories(db),
    ]);
    const active = poles.filter((p) => p.archived_on === null);
    const ids = active.map((p) => p.id);
    const targets = await repos.targets.validatedOfYear(db, ids, year, true);
    const byKey = new Map(targets.map((x) => [`${x.pole_id}|${targetKey(x.indicator_id, x.category)}`, x]));
    const slots = targetSlots(indicators, categories);
    return active.flatMap((p) =>
      slots.map(({ indicator: ind, category }) => {
        const x = byKey.get(`${p.id}|${targetKey(ind.id, category?.code ?? '')}`);
        return {
          pole: p.slug,
          name: p.name,
          code: ind.code,
          category: category?.code ?? '',
          label: category ? `${ind.label_fr} — ${category.label_fr}` : ind.label_fr,
          unit: tDynamic('unit', ind.unit),
          kind: t(`targets.kind.${ind.kind}`) + (ind.direction === 'down' ? ` (${t('targets.down')})` : ''),
          year,
          value: x?.value_scaled ?? null,
          decimals: targetDecimals(ind),
          status: x ? t(x.status === 'proposed' ? 'targets.proposed' : 'targets.validated') : '',
        };
      }),
    );
  }

  /** Judges a file and keeps it for confirmation; returns the batch's id. */
  async preview(userId: number, file: TargetsFile): Promise<number> {
    const { db, clock, repos } = this.deps;
    const judged = await this.judge(file.rows, file.columns);
    const problems = [...file.problems, ...judged.problems].sort(byLine);
    const id = await repos.imports.insert(db, {
      user_id: userId,
      kind: 'targets',
      pole_id: null,
      year: null,
      quarter: null,
      filename: file.filename,
      import_status: null,
      rows_json: JSON.stringify({ columns: file.columns, rows: file.rows }),
      problems_json: JSON.stringify({ total: problems.length, items: problems.slice(0, 1000) }),
      changes_json: JSON.stringify({ total: judged.changes.length, items: judged.changes.slice(0, 1000) }),
      status: 'preview',
      row_count: file.count,
      created_at: writeTimestamp(clock.now()),
    });
    await repos.imports.discardPrevious(db, userId, { kind: 'targets', poleId: null, year: null, quarter: null }, id);
    return id;
  }

  /** A targets batch of this user, else 404. */
  async findBatch(userId: number, id: number): Promise<BatchRow> {
    const batch = Number.isSafeInteger(id) && id > 0 ? await this.deps.repos.imports.findOwn(this.deps.db, userId, id) : undefined;
    if (!batch || batch.kind !== 'targets') throw new NotFound();
    return batch;
  }

  /** Judged again (targets may have moved on since the preview), then applied in one transaction, or nothing. */
  async confirm(batch: BatchRow, actor: Actor): Promise<TargetsConfirmOutcome> {
    const { db, clock, repos } = this.deps;
    if (batch.status !== 'preview') return { kind: 'closed', status: batch.status };
    if (JSON.parse(batch.problems_json).total > 0) return { kind: 'problems' };
    const { columns, rows } = JSON.parse(batch.rows_json) as { columns: Columns; rows: TargetImportRow[] };
    const judged = await this.judge(rows, columns);
    const changes = JSON.stringify({ total: judged.changes.length, items: judged.changes.slice(0, 1000) });
    if (judged.problems.length || changes !== batch.changes_json) {
      await repos.imports.updateJudgement(db, batch.id, JSON.stringify({ total: judged.problems.length, items: judged.problems }), changes);
      return { kind: judged.problems.length ? 'problems' : 'changed' };
    }
    let marked = false;
    try {
      await this.deps.targets.applyPlanned(judged.plans, actor, async (trx) => {
        marked = await repos.imports.markApplied(trx, batch.id, writeTimestamp(clock.now()));
        // A concurrent confirm of the same batch got there first: nothing of this one is kept.
        if (!marked) throw new StaleVersion();
      });
    } catch (err) {
      if (!(err instanceof StaleVersion)) throw err;
      const fresh = await repos.imports.findOwn(db, batch.user_id, batch.id);
      return fresh?.status === 'applied' ? { kind: 'closed', status: 'applied' } : { kind: 'conflict' };
    }
    return { kind: 'applied', changes: judged.changes.length };
  }

  /** Every problem of the rows, and the targets applying them would set or remove. */
  private async judge(rows: TargetImportRow[], columns: Columns): Promise<Judged> {
    const { db, repos } = this.deps;
    const out: Judged = { problems: [], changes: [], plans: [] };
    const [indicators, categories] = await Promise.all([repos.indicators.list(db, { activeOnly: true }), repos.indicators.categories(db)]);
    const known: Known = {
      indicators: new Map(indicators.map((i) => [i.code, i])),
      categories: new Map(indicators.map((i) => [i.id, categories.filter((c) => c.indicator_id === i.id)])),
      poles: new Map(),
      stored: new Map(),
      seen: new Map(),
      years: targetYears(this.deps.clock),
    };
    for (const r of rows) {
      const judged = await this.judgeRow(r, known);
      if ('problems' in judged) {
        for (const [column, message] of judged.problems)
          out.problems.push({ line: r.line, column, letter: columns[column] ?? null, message });
        continue;
      }
      if (!judged.plan) continue;
      out.plans.push(judged.plan);
      out.changes.push(change(judged.plan, r));
    }
    return out;
  }

  /** One row: its problems ([column, message]), or the target it sets or removes (none when unchanged). */
  private async judgeRow(r: TargetImportRow, known: Known): Promise<{ problems: [string, string][] } | { plan: PlannedTarget | null }> {
    const { db, repos } = this.deps;
    const problems: [string, string][] = [];
    if (!known.poles.has(r.pole)) known.poles.set(r.pole, (await repos.poles.findBySlug(db, r.pole)) ?? null);
    const pole = known.poles.get(r.pole)!;
    const ind = known.indicators.get(r.code);
    if (!pole) problems.push(['pole', t('targets.import.unknownPole', { pole: clip(r.pole) })]);
    if (!ind) problems.push(['indicateur', t('targets.import.unknownIndicator', { code: clip(r.code) })]);
    const categories = ind ? known.categories.get(ind.id)! : [];
    const category = r.category ? (categories.find((c) => c.code === r.category) ?? null) : null;
    if (ind && r.category && !category)
      problems.push([
        'categorie',
        categories.length
          ? t('targets.import.unknownCategory', {
              code: ind.code,
              category: clip(r.category),
              list: categories.map((c) => c.code).join(', '),
            })
          : t('targets.import.noCategories', { code: ind.code }),
      ]);
    const { min, max } = known.years;
    const years = r.last - r.first + 1;
    if (r.first < min || r.last > max) problems.push(['annee', t('targets.error.year', { min: String(min), max: String(max) })]);
    else if (r.last < r.first || years > MAX_SPAN_YEARS) problems.push(['annee', t('targets.error.span', { max: String(MAX_SPAN_YEARS) })]);
    if (problems.length || !pole || !ind) return { problems };
    const key = `${pole.id}|${targetKey(ind.id, r.category)}|${r.first}|${r.last}`;
    const earlier = known.seen.get(key);
    if (earlier !== undefined) return { problems: [['indicateur', t('targets.import.repeated', { line: String(earlier) })]] };
    known.seen.set(key, r.line);
    const parsed = parseTarget(ind, r.value, years);
    if (parsed && 'error' in parsed) return { problems: [['objectif', parsed.error]] };
    const value = parsed ? parsed.value : null;
    const spanKey = `${pole.id}|${r.first}|${r.last}`;
    if (!known.stored.has(spanKey)) {
      const current = (await repos.targets.ofPole(db, pole.id, [r.first, r.last])).filter(
        (x) => x.first_year === r.first && x.last_year === r.last,
      );
      known.stored.set(spanKey, new Map(current.map((x) => [targetKey(x.indicator_id, x.category), x])));
    }
    const before = known.stored.get(spanKey)!.get(targetKey(ind.id, r.category));
    // Unchanged: the same value already validated, or no target where none is asked.
    if (value === null ? !before : before?.value_scaled === value && before.status === 'validated') return { plan: null };
    return { plan: { pole, indicator: ind, category, span: { first: r.first, last: r.last }, before, value } };
  }
}

/** What rows are judged against, read once per file. */
interface Known {
  indicators: Map<string, IndicatorRow>;
  categories: Map<number, IndicatorCategoryRow[]>;
  poles: Map<string, PoleRow | null>;
  stored: Map<string, Map<string, TargetRow>>;
  seen: Map<string, number>;
  years: { min: number; max: number };
}

/** A line of the preview: « Pôle · 2026 », the indicator (and category), the target now and after. */
function change(plan: PlannedTarget, r: TargetImportRow): Change {
  const { pole, indicator: ind, category, before, value } = plan;
  const decimals = targetDecimals(ind);
  const shown = (v: number) => formatScaled(v, decimals) + unitSuffix(ind.unit);
  return {
    where: `${pole.name} · ${spanLabel(r.first, r.last)}`,
    label: category ? `${ind.label_fr} — ${category.label_fr}` : ind.label_fr,
    old: before ? shown(before.value_scaled) + (before.status === 'proposed' ? ` (${t('targets.import.proposed')})` : '') : '—',
    new: value === null ? t('targets.import.removed') : shown(value),
    note: before && value === before.value_scaled ? t('targets.import.validates') : '',
  };
}
