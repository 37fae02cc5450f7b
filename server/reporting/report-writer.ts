// The write path of a quarter: one prepared plan (server/reporting/reporting.service.ts prepares it) into
// the report row, its values, one revision per change and the aggregates' dirty keys, all in the caller's
// transaction. Forms and imports go through it alike.
import type { Knex } from 'knex';
import { movesFigures, type AggregatesRepo } from '../aggregates/aggregates.repo.ts';
import { StaleVersion } from '../http/errors.ts';
import type { PersonActor as Actor } from '../lib/actor.ts';
import type { Quarter } from '../lib/quarters.ts';
import { lineKey, type LineToStore } from './entry-rules.ts';
import { revisionBase, revisionRow, type NewRevision, type ReportingRepo, type ValueRow } from './reporting.repo.ts';
import type { SavePlan } from './reporting.service.ts';

type WriterRepos = { reporting: ReportingRepo; aggregates: AggregatesRepo };

export async function writePlan(trx: Knex.Transaction, repos: WriterRepos, plan: SavePlan, actor: Actor, now: string): Promise<void> {
  const { pole, q, existing, status } = plan;
  const base = revisionBase(pole.id, q, actor, now);
  const submitting = status === 'submitted' && existing?.status !== 'submitted';
  // The report row first: the version check is this plan's first write.
  const changes = {
    status,
    highlights: plan.highlights,
    difficulties: plan.difficulties,
    last_form_token: plan.formToken || null,
    last_form_digest: plan.formToken ? plan.formDigest : null,
    updated_at: now,
    ...(submitting ? { submitted_by: actor.userId, submitted_at: now } : {}),
    ...(status === 'validated' ? { reviewed_by: actor.userId, reviewed_at: now } : {}),
  };
  if (existing) {
    if (!(await repos.reporting.updateReport(trx, existing.id, existing.version, changes))) throw new StaleVersion();
  } else {
    await repos.reporting.insertReport(trx, {
      pole_id: pole.id,
      year: q.year,
      quarter: q.quarter,
      submitted_by: null,
      submitted_at: null,
      reviewed_by: null,
      reviewed_at: null,
      reason: null,
      version: 1,
      created_at: now,
      ...changes,
    });
  }
  const revisions: NewRevision[] = [];
  const rev = (r: Partial<NewRevision>): NewRevision => revisionRow(base, r);
  if (!existing) revisions.push(rev({ action: 'create', new_status: 'draft' }));
  for (const [cat, before, after] of [
    ['highlights', existing?.highlights ?? '', plan.highlights],
    ['difficulties', existing?.difficulties ?? '', plan.difficulties],
  ] as const) {
    if (before !== after) revisions.push(rev({ category: cat, old_comment: before, new_comment: after }));
  }
  // A loop, not push(...list): spreading a long list overflows the call stack.
  for (const r of await writeLines(trx, repos, pole.id, q, plan.lines, plan.current, plan.keyOf, actor.userId, now, rev, plan.source))
    revisions.push(r);
  const fromStatus = existing?.status ?? 'draft';
  if (status !== fromStatus) {
    const action = status === 'submitted' ? 'submit' : status === 'validated' ? 'validate' : 'update';
    revisions.push(rev({ action, old_status: fromStatus, new_status: status }));
  }
  await repos.reporting.addRevisions(trx, revisions);
  // The figures this plan can move, for the next aggregate refresh: a status change moves every
  // indicator of the quarter, a value change its own indicator. A draft or a returned quarter is in no
  // base: saving it moves nothing (and « modifications en attente » must not count it).
  if (!movesFigures(fromStatus, status)) return;
  const statusChanged = status !== fromStatus;
  const changedIndicators = [...new Set(revisions.filter((r) => r.indicator_id !== null).map((r) => r.indicator_id!))];
  const keys = statusChanged
    ? [{ pole_id: pole.id, indicator_id: null, year: q.year, quarter: q.quarter, reason: 'status' }]
    : changedIndicators.map((id) => ({ pole_id: pole.id, indicator_id: id, year: q.year, quarter: q.quarter, reason: 'value' }));
  await repos.aggregates.markDirty(trx, keys, now);
}

/** Writes the difference between the stored rows and the form's lines; returns one revision per change. */
async function writeLines(
  trx: Knex.Transaction,
  repos: WriterRepos,
  poleId: number,
  q: Quarter,
  lines: LineToStore[],
  current: ValueRow[],
  keyOf: (v: ValueRow) => string,
  userId: number,
  now: string,
  rev: (r: Partial<NewRevision>) => NewRevision,
  source: 'form' | 'import',
): Promise<NewRevision[]> {
  const out: NewRevision[] = [];
  const inserts: Omit<ValueRow, 'id'>[] = [];
  const byKey = new Map(current.map((v) => [keyOf(v), v]));
  const seen = new Set<string>();
  for (const l of lines) {
    const k = lineKey(l.code, l.category);
    seen.add(k);
    const old = byKey.get(k);
    const next = {
      value_scaled: l.value,
      not_available: l.notAvailable,
      na_reason: l.naReason,
      comment: l.comment,
      carried_over: l.carriedOver,
    };
    const change = {
      indicator_id: l.indicatorId,
      category: l.category,
      new_value_scaled: l.value,
      new_not_available: l.notAvailable,
      new_comment: l.comment,
      new_na_reason: l.naReason,
    };
    if (!old) {
      inserts.push({
        pole_id: poleId,
        indicator_id: l.indicatorId,
        category: l.category,
        year: q.year,
        quarter: q.quarter,
        ...next,
        updated_by: userId,
        updated_at: now,
      });
      out.push(rev({ action: source === 'import' ? 'import' : 'create', ...change }));
    } else if (
      old.value_scaled !== l.value ||
      old.not_available !== l.notAvailable ||
      old.na_reason !== l.naReason ||
      old.comment !== l.comment ||
      old.carried_over !== l.carriedOver
    ) {
      await repos.reporting.updateValue(trx, old.id, { ...next, updated_by: userId, updated_at: now });
      // Confirming a carried-over value changes no figure: it is recorded all the same.
      out.push(
        rev({
          action: source === 'import' ? 'import' : 'update',
          ...change,
          old_value_scaled: old.value_scaled,
          old_not_available: old.not_available,
          old_comment: old.comment,
          old_na_reason: old.na_reason,
        }),
      );
    }
  }
  // New values in one multi-row statement: an import of years of history stays quick.
  await repos.reporting.insertValues(trx, inserts);
  // Lines emptied in a draft: the stored value goes, and the revision says so. Values of indicators
  // not on this form (retired since) are left alone.
  for (const [k, old] of byKey) {
    if (seen.has(k) || k.startsWith('#')) continue;
    await repos.reporting.deleteValue(trx, old.id);
    out.push(
      rev({
        action: 'update',
        indicator_id: old.indicator_id,
        category: old.category,
        old_value_scaled: old.value_scaled,
        old_not_available: old.not_available,
        old_comment: old.comment,
        old_na_reason: old.na_reason,
        new_not_available: false,
      }),
    );
  }
  return out;
}
