import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Knex } from 'knex';
import { t, tn, tDynamic } from '../i18n/messages.ts';
import { writeTimestamp } from '../db/dialect.ts';
import { NotFound } from '../http/errors.ts';
import type { Clock } from '../lib/clock.ts';
import { quarterIndex, quarterLabel, type Quarter } from '../lib/quarters.ts';
import type { IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { PoleRow, PolesRepo } from '../poles/poles.repo.ts';
import type { NoticesService } from '../notices/notices.service.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { lineKey, type EntryIndicator } from '../reporting/entry-rules.ts';
import type { PersonActor as Actor } from '../lib/actor.ts';
import type { ReportingService, SavePlan } from '../reporting/reporting.service.ts';
import type { BatchKind, BatchRow, BatchStatus, ImportsRepo } from './imports.repo.ts';
import { clip, locate, overlay, planChanges, type Change } from './import-plan.ts';
import type { Columns, ImportRow, Problem } from './import-rows.ts';
import type { LongReference, TemplateRow } from './import-templates.ts';
// The rows handlers show, named here so that a handler imports services, never repos.
export type { BatchRow } from './imports.repo.ts';

/** A list kept in a batch: at most LIST_MAX items, and how many there were. */
export interface Listed<T> {
  total: number;
  items: T[];
}
const LIST_MAX = 1000;
const listed = <T>(items: T[]): Listed<T> => ({ total: items.length, items: items.slice(0, LIST_MAX) });

export interface ParsedFile {
  filename: string;
  rows: ImportRow[];
  problems: Problem[];
  columns: Columns;
  count: number;
}

interface Judged {
  problems: Problem[];
  /** What applying would change: the first LIST_MAX items and the count (a long file can change 200,000 values). */
  changes: Listed<Change>;
  /** Kept when confirming only: a preview needs what changes, not how to write it. */
  plans: SavePlan[];
  /** A quarter already carries this batch's token: it was applied before. */
  duplicate: boolean;
}

interface Target {
  kind: BatchKind;
  pole?: PoleRow;
  q?: Quarter;
  status?: 'draft' | 'validated';
}

export type ConfirmOutcome =
  | { kind: 'applied'; changes: number }
  | { kind: 'closed'; status: BatchStatus }
  | { kind: 'problems' }
  | { kind: 'changed' }
  | { kind: 'conflict' };

// Rows are kept as arrays: a long-format file can hold many thousands of them.
type PackedRow = [number, string, number, number, string, string, string, 0 | 1, string, string];
const pack = (r: ImportRow): PackedRow => [
  r.line,
  r.pole,
  r.year,
  r.quarter,
  r.code,
  r.category,
  r.value,
  r.na ? 1 : 0,
  r.reason,
  r.comment,
];
const unpack = ([line, pole, year, quarter, code, category, value, na, reason, comment]: PackedRow): ImportRow => ({
  line,
  pole,
  year,
  quarter,
  code,
  category,
  value,
  na: na === 1,
  reason,
  comment,
});

const byLine = (a: Problem, b: Problem) => (a.line ?? 0) - (b.line ?? 0);

/**
 * JSON.stringify({ columns, rows: rows.map(pack) }), written in slices with a yield between them: in one
 * go, 200,000 rows held the event loop for about 400 ms.
 */
async function packedJson(columns: Columns, rows: ImportRow[]): Promise<string> {
  const parts: string[] = [];
  for (let i = 0; i < rows.length; i += 5_000) {
    if (i) await yieldToLoop();
    parts.push(JSON.stringify(rows.slice(i, i + 5_000).map(pack)).slice(1, -1));
  }
  return `{"columns":${JSON.stringify(columns)},"rows":[${parts.join(',')}]}`;
}

export interface ImportsServiceDeps {
  db: Knex;
  clock: Clock;
  reporting: ReportingService;
  repos: { imports: ImportsRepo; poles: PolesRepo; indicators: IndicatorsRepo };
  notices: Pick<NoticesService, 'recordDecision'>;
}

/** Spreadsheet imports: judge a file with the entry form's rules, keep it, and apply it all or nothing. */
export class ImportsService {
  private readonly db: Knex;
  private readonly clock: Clock;
  private readonly reporting: ReportingService;
  private readonly repos: { imports: ImportsRepo; poles: PolesRepo; indicators: IndicatorsRepo };
  private readonly notices: Pick<NoticesService, 'recordDecision'>;

  constructor(deps: ImportsServiceDeps) {
    ({ db: this.db, clock: this.clock, reporting: this.reporting, repos: this.repos, notices: this.notices } = deps);
  }

  /** The quarter template: every entered indicator and category, with last quarter's and the stored values. */
  async templateRows(pole: PoleRow, q: Quarter): Promise<TemplateRow[]> {
    const { ctx, previousRows } = await this.reporting.context(pole, q);
    const rows: TemplateRow[] = [];
    for (const ind of ctx.indicators) {
      for (const cat of [{ code: '', label: '' }, ...ind.categories]) {
        const prev = previousRows.get(lineKey(ind.code, cat.code));
        const st = ctx.stored.get(lineKey(ind.code, cat.code));
        // « Non disponible », its reason and the comment belong to the total's line.
        const total = cat.code === '' ? st : undefined;
        rows.push({
          code: ind.code,
          category: cat.code,
          label: cat.code ? `${ind.label} — ${cat.label}` : ind.label,
          unit: tDynamic('unit', ind.unit),
          decimals: ind.decimals,
          previous: prev ? { value: prev.value_scaled, na: prev.not_available } : null,
          value: st && !st.notAvailable ? st.value : null,
          na: Boolean(total?.notAvailable),
          reason: total?.naReason ?? '',
          comment: total?.comment ?? '',
        });
      }
    }
    return rows;
  }

  /** What the long template lists beside its example: the poles and the indicators with their categories. */
  async longReference(user: CurrentUser): Promise<LongReference> {
    const [poles, indicators, categories] = await Promise.all([
      this.repos.poles.listInScope(this.db, user),
      this.repos.indicators.list(this.db, { activeOnly: true }),
      this.repos.indicators.categories(this.db),
    ]);
    return {
      poles: poles.map((p) => ({
        slug: p.slug,
        name: p.name,
        first: quarterLabel({ year: p.first_report_year, quarter: p.first_report_quarter }),
      })),
      indicators: indicators
        .filter((i) => i.kind !== 'ratio')
        .map((i) => ({
          code: i.code,
          label: i.label_fr,
          unit: tDynamic('unit', i.unit),
          categories: categories
            .filter((c) => c.indicator_id === i.id)
            .map((c) => c.code)
            .join(', '),
        })),
    };
  }

  /** Judges a file for one pole's quarter and keeps it for confirmation; returns the batch id. */
  async previewQuarter(userId: number, pole: PoleRow, q: Quarter, file: ParsedFile): Promise<number> {
    return this.preview(userId, { kind: 'quarter', pole, q }, file);
  }

  /** Judges a long-format file (many poles and quarters) and keeps it for confirmation. */
  async previewLong(userId: number, file: ParsedFile, status: 'draft' | 'validated'): Promise<number> {
    return this.preview(userId, { kind: 'long', status }, file);
  }

  private async preview(userId: number, target: Target, file: ParsedFile): Promise<number> {
    const judged = await this.judge(target, file.rows, file.columns);
    const problems = [...file.problems, ...judged.problems].sort(byLine);
    const id = await this.repos.imports.insert(this.db, {
      user_id: userId,
      kind: target.kind,
      pole_id: target.pole?.id ?? null,
      year: target.q?.year ?? null,
      quarter: target.q?.quarter ?? null,
      filename: file.filename,
      import_status: target.status ?? null,
      rows_json: await packedJson(file.columns, file.rows),
      problems_json: JSON.stringify(listed(problems)),
      changes_json: JSON.stringify(judged.changes),
      status: 'preview',
      row_count: file.count,
      created_at: writeTimestamp(this.clock.now()),
    });
    await this.repos.imports.discardPrevious(
      this.db,
      userId,
      { kind: target.kind, poleId: target.pole?.id ?? null, year: target.q?.year ?? null, quarter: target.q?.quarter ?? null },
      id,
    );
    return id;
  }

  /** A batch of this user, else 404. */
  async findBatch(userId: number, id: number): Promise<BatchRow> {
    const batch = Number.isSafeInteger(id) && id > 0 ? await this.repos.imports.findOwn(this.db, userId, id) : undefined;
    if (!batch) throw new NotFound();
    return batch;
  }

  /** What the preview page shows of a batch. */
  judgement(batch: BatchRow): { problems: Listed<Problem>; changes: Listed<Change> } {
    return { problems: JSON.parse(batch.problems_json), changes: JSON.parse(batch.changes_json) };
  }

  /**
   * Applies a previewed batch: judged again (the data may have moved on since the preview), then every
   * quarter in one transaction. New problems are kept on the batch and nothing is written.
   */
  async confirm(batch: BatchRow, actor: Actor): Promise<ConfirmOutcome> {
    if (batch.status !== 'preview') return { kind: 'closed', status: batch.status };
    if (this.judgement(batch).problems.total > 0) return { kind: 'problems' };
    const target = await this.targetOf(batch);
    const { columns, rows } = JSON.parse(batch.rows_json) as { columns: Columns; rows: PackedRow[] };
    // The batch's token marks the quarters it writes: confirming twice is recognised, not applied twice.
    const judged = await this.judge(target, rows.map(unpack), columns, `import:${batch.id}`);
    const now = writeTimestamp(this.clock.now());
    if (judged.duplicate) {
      await this.repos.imports.markApplied(this.db, batch.id, now);
      return { kind: 'closed', status: 'applied' };
    }
    const changes = JSON.stringify(judged.changes);
    // New problems, or changes other than those shown (the quarter was edited since): show them first.
    if (judged.problems.length || changes !== batch.changes_json) {
      await this.repos.imports.updateJudgement(this.db, batch.id, JSON.stringify(listed(judged.problems.sort(byLine))), changes);
      return { kind: judged.problems.length ? 'problems' : 'changed' };
    }
    // The batch is marked applied in the same transaction as its values: both, or neither.
    let marked = false;
    const outcome = await this.reporting.applyAll(judged.plans, actor, async (trx) => {
      marked = await this.repos.imports.markApplied(trx, batch.id, now);
      // A staff import « validé » validates quarters (only editable ones reach a plan): the pole's managers
      // are told, as for a validation on the review page, in the same transaction.
      for (const plan of judged.plans) {
        if (plan.status === 'validated')
          await this.notices.recordDecision(trx, {
            poleId: plan.pole.id,
            q: plan.q,
            decision: 'validate',
            reason: null,
            actorId: actor.userId,
          });
      }
    });
    if (outcome.kind === 'conflict') return { kind: 'conflict' };
    if (!marked) return { kind: 'closed', status: 'applied' };
    return { kind: 'applied', changes: judged.changes.total };
  }

  private async targetOf(batch: BatchRow): Promise<Target> {
    if (batch.kind === 'long') return { kind: 'long', status: batch.import_status ?? undefined };
    const pole = await this.repos.poles.findById(this.db, batch.pole_id!);
    if (!pole) throw new NotFound();
    return { kind: 'quarter', pole, q: { year: batch.year!, quarter: batch.quarter! } };
  }

  /** Every problem of the rows, and the plans that would apply them, quarter by quarter. */
  private async judge(target: Target, rows: ImportRow[], columns: Columns, formToken = ''): Promise<Judged> {
    const out: Judged = { problems: [], changes: { total: 0, items: [] }, plans: [], duplicate: false };
    const active = await this.repos.indicators.list(this.db, { activeOnly: true });
    const computed = new Set(active.filter((i) => i.kind === 'ratio').map((i) => i.code));
    const applicable = new Map<number, EntryIndicator[]>();
    const codeColumn = target.kind === 'quarter' ? 'code' : 'indicateur';

    for (const group of await this.groups(target, rows, columns, out.problems)) {
      const { pole, q, rows: groupRows } = group;
      const first = groupRows[0];
      const where = target.kind === 'long' ? `${pole.name} · ${quarterLabel(q)}` : '';
      const groupProblem = (column: string | null, message: string) =>
        out.problems.push({
          line: target.kind === 'long' ? first.line : null,
          column,
          letter: column ? (columns[column] ?? null) : null,
          message: where ? `${where} : ${message}` : message,
        });
      try {
        this.reporting.assertReportable(pole, q);
      } catch (err) {
        if (!(err instanceof NotFound)) throw err;
        groupProblem('trimestre', tn('import.notReportable', groupRows.length, { pole: pole.name, period: quarterLabel(q) }));
        continue;
      }
      if (!applicable.has(quarterIndex(q))) applicable.set(quarterIndex(q), (await this.reporting.applicableIndicators(q)).entry);
      const indicators = applicable.get(quarterIndex(q))!;
      const { body, problems } = overlay(await this.reporting.storedAsBody(pole, q), groupRows, indicators, computed, columns, codeColumn);
      // Loops, not push(...list): a list of a hundred thousand items overflows the call stack.
      for (const p of problems) out.problems.push(p);
      if (formToken) body.form_token = formToken;
      const outcome = await this.reporting.prepare(pole, q, body, {
        submit: false,
        checkVersion: false,
        source: 'import',
        status: target.status,
      });
      if (outcome.kind === 'invalid') {
        for (const p of locate(outcome.errors, groupRows, columns))
          out.problems.push(p.line === null && where ? { ...p, message: `${where} : ${p.message}` } : p);
      } else if (outcome.kind === 'locked') {
        groupProblem(null, t('import.locked', { status: t(`status.${outcome.status}`).toLowerCase(), period: quarterLabel(q) }));
      } else if (outcome.kind === 'saved') {
        out.duplicate = true;
      } else if (outcome.kind === 'conflict') {
        groupProblem(null, t('import.conflictJudge'));
      } else if (!problems.length) {
        const changes = planChanges(outcome.plan, indicators, where);
        // A quarter the file does not change is not written at all (no empty revision, no new version).
        if (changes.length) {
          if (formToken) out.plans.push(outcome.plan);
          out.changes.total += changes.length;
          for (const c of changes) if (out.changes.items.length < LIST_MAX) out.changes.items.push(c);
        }
      }
    }
    return out;
  }

  /** The rows by pole and quarter: the batch's own for a quarter file; by slug, year and quarter for long. */
  private async groups(
    target: Target,
    rows: ImportRow[],
    columns: Columns,
    problems: Problem[],
  ): Promise<{ pole: PoleRow; q: Quarter; rows: ImportRow[] }[]> {
    if (target.kind === 'quarter') return rows.length ? [{ pole: target.pole!, q: target.q!, rows }] : [];
    const bySlug = new Map<string, ImportRow[]>();
    for (const r of rows) {
      if (!bySlug.has(r.pole)) bySlug.set(r.pole, []);
      bySlug.get(r.pole)!.push(r);
    }
    const out: { pole: PoleRow; q: Quarter; rows: ImportRow[] }[] = [];
    for (const [slug, poleRows] of bySlug) {
      const pole = await this.repos.poles.findBySlug(this.db, slug);
      if (!pole) {
        problems.push({
          line: poleRows[0].line,
          column: 'pole',
          letter: columns.pole ?? null,
          message: tn('import.unknownPole', poleRows.length, { pole: clip(slug) }),
        });
        continue;
      }
      const byQuarter = new Map<number, ImportRow[]>();
      for (const r of poleRows) {
        const i = quarterIndex(r);
        if (!byQuarter.has(i)) byQuarter.set(i, []);
        byQuarter.get(i)!.push(r);
      }
      for (const quarterRows of [...byQuarter.entries()].sort(([a], [b]) => a - b).map(([, v]) => v)) {
        out.push({ pole, q: { year: quarterRows[0].year, quarter: quarterRows[0].quarter }, rows: quarterRows });
      }
    }
    return out;
  }
}
