// Between a file and the entry rules: the file's rows laid over the stored quarter as form fields, the
// rules' messages led back to the file's line and column, and what applying would change. Pure.
import { t, tDynamic } from '../i18n/messages.ts';
import { formatScaled } from '../lib/format.ts';
import { field, lineKey, type EntryIndicator } from '../reporting/entry-rules.ts';
import type { SavePlan } from '../reporting/reporting.service.ts';
import type { ValueRow } from '../reporting/reporting.repo.ts';
import type { Columns, ImportRow, Problem } from './import-rows.ts';

/** A cell quoted in a message, cut short: a file may hold anything in a code column. */
export const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

export interface Change {
  /** Long format: « pole-slug · 2025-T2 ». */
  where: string;
  label: string;
  old: string;
  new: string;
  /** Set when only the comment or the reason changes. */
  note: string;
}

/**
 * The stored quarter's fields overlaid with the file's rows: a value the file leaves empty stays as
 * stored. Categories given without a total make the total their sum, as on the form.
 */
export function overlay(
  stored: Record<string, string>,
  rows: ImportRow[],
  indicators: EntryIndicator[],
  computed: Set<string>,
  columns: Columns,
  codeColumn: string,
): { body: Record<string, string>; problems: Problem[] } {
  const body = { ...stored };
  const problems: Problem[] = [];
  const at = (r: ImportRow, column: string, message: string) =>
    problems.push({ line: r.line, column, letter: columns[column] ?? null, message });
  const byCode = new Map(indicators.map((i) => [i.code, i]));
  const seen = new Map<string, number>();
  const totals = new Map<string, ImportRow>();
  const withParts = new Set<string>();
  // Totals first, so that « non disponible » on a total never erases the parts the same file gives.
  const ordered = [...rows.filter((r) => !r.category), ...rows.filter((r) => r.category)];
  for (const r of ordered) {
    const ind = byCode.get(r.code);
    if (!ind) {
      at(r, codeColumn, t(computed.has(r.code) ? 'import.computed' : 'import.unknownCode', { code: clip(r.code) }));
      continue;
    }
    if (r.category && !ind.categories.some((c) => c.code === r.category)) {
      const expected = ind.categories.map((c) => c.code).join(', ');
      at(
        r,
        'categorie',
        expected
          ? t('import.unknownCategory', { code: r.code, category: clip(r.category), expected })
          : t('import.noCategory', { code: clip(r.code) }),
      );
      continue;
    }
    const key = lineKey(r.code, r.category);
    const first = seen.get(key);
    if (first !== undefined) {
      at(r, codeColumn, t('import.duplicate', { line: first }));
      continue;
    }
    seen.set(key, r.line);
    if (r.category) {
      if (r.na) at(r, 'non_disponible', t('import.onTotalRow'));
      if (r.reason) at(r, 'raison', t('import.onTotalRow'));
      if (r.comment) at(r, 'commentaire', t('import.onTotalRow'));
      if (r.value !== '') {
        body[field.value(r.code, r.category)] = r.value;
        withParts.add(r.code);
      }
      continue;
    }
    totals.set(r.code, r);
    if (r.na) {
      body[field.na(r.code)] = '1';
      body[field.naReason(r.code)] = r.reason;
      delete body[field.value(r.code)];
      for (const c of ind.categories) delete body[field.value(r.code, c.code)];
      // A value beside « oui » is kept, for the rules to refuse it with the form's message.
      if (r.value !== '') body[field.value(r.code)] = r.value;
    } else if (r.value !== '') {
      body[field.value(r.code)] = r.value;
      delete body[field.na(r.code)];
      delete body[field.naReason(r.code)];
    }
    if (r.comment) body[field.comment(r.code)] = r.comment;
  }
  for (const code of withParts) {
    const total = totals.get(code);
    if (total?.na) continue;
    if (!total || total.value === '') delete body[field.value(code)];
    delete body[field.na(code)];
    delete body[field.naReason(code)];
  }
  return { body, problems };
}

const COLUMN_OF: Record<string, string> = { v: 'valeur', ok: 'valeur', na: 'non_disponible', nr: 'raison', c: 'commentaire' };

/** The entry rules' messages (by form field) on the file's line and column; a stored line's otherwise. */
export function locate(errors: Record<string, string>, rows: ImportRow[], columns: Columns): Problem[] {
  return Object.entries(errors).map(([key, message]) => {
    const m = /^(v|ok|na|nr|c)\.([^.]+)(?:\.(.+))?$/.exec(key);
    if (!m)
      return { line: null, column: null, letter: null, message: t('import.storedProblem', { line: tDynamic('entry', key), message }) };
    const [, kind, code, category = ''] = m;
    const column = COLUMN_OF[kind];
    const row =
      rows.find((r) => r.code === code && r.category === category) ??
      rows.find((r) => r.code === code && !r.category) ??
      rows.find((r) => r.code === code);
    if (!row)
      return { line: null, column: null, letter: null, message: t('import.storedProblem', { line: lineKey(code, category), message }) };
    return { line: row.line, column, letter: columns[column] ?? null, message };
  });
}

function shown(v: { value: number | null; na: boolean } | undefined, decimals: number): string {
  if (!v) return '—';
  return v.na ? t('entry.notAvailable').toLowerCase() : formatScaled(v.value, decimals);
}

/** What applying a plan would change, line by line; a status change last. Empty: nothing to apply. */
export function planChanges(plan: SavePlan, indicators: EntryIndicator[], where: string): Change[] {
  const byId = new Map(indicators.map((i) => [i.id, i]));
  const labelOf = (indicatorId: number, category: string) => {
    const ind = byId.get(indicatorId);
    const cat = ind?.categories.find((c) => c.code === category);
    return `${ind?.label ?? `#${indicatorId}`}${cat ? ` — ${cat.label}` : ''}`;
  };
  const current = new Map<string, ValueRow>(plan.current.map((v) => [plan.keyOf(v), v]));
  const out: Change[] = [];
  const seen = new Set<string>();
  for (const l of plan.lines) {
    const k = lineKey(l.code, l.category);
    seen.add(k);
    const old = current.get(k);
    const decimals = byId.get(l.indicatorId)?.decimals ?? 0;
    const valueChanged = !old || old.value_scaled !== l.value || old.not_available !== l.notAvailable;
    const textChanged = (old?.comment ?? '') !== l.comment || (old?.na_reason ?? '') !== l.naReason;
    if (!valueChanged && !textChanged) continue;
    out.push({
      where,
      label: labelOf(l.indicatorId, l.category),
      old: shown(old && { value: old.value_scaled, na: old.not_available }, decimals),
      new: shown({ value: l.value, na: l.notAvailable }, decimals),
      note: valueChanged ? '' : t('import.noteComment'),
    });
  }
  for (const [k, old] of current) {
    if (seen.has(k) || k.startsWith('#')) continue;
    out.push({
      where,
      label: labelOf(old.indicator_id, old.category),
      old: shown({ value: old.value_scaled, na: old.not_available }, byId.get(old.indicator_id)?.decimals ?? 0),
      new: '—',
      note: '',
    });
  }
  const before = plan.existing?.status;
  if ((out.length && plan.status !== (before ?? 'draft')) || (before && before !== plan.status)) {
    out.push({
      where,
      label: t('import.statusLine'),
      old: before ? t(`status.${before}`) : t('status.todo'),
      new: t(`status.${plan.status}`),
      note: '',
    });
  }
  return out;
}
