// What every import's preview page shows of its batch, values or targets alike (views/pages/imports/
// preview.hbs): the rows and problems counted, each problem with its column, the changes, and whether the
// batch may still be confirmed.
import { t, tn } from '../i18n/messages.ts';
import { formatDate, formatNumber } from '../lib/format.ts';
import type { Change } from './import-plan.ts';
import type { Problem } from './import-rows.ts';
import type { BatchRow } from './imports.repo.ts';

/** A list kept in a batch: its first items, and how many there were. */
interface Kept<T> {
  total: number;
  items: T[];
}

export const plural = (n: number, one: string, many: string) => `${formatNumber(n)} ${n > 1 ? many : one}`;

export function batchPreview(batch: BatchRow) {
  const problems = JSON.parse(batch.problems_json) as Kept<Problem>;
  const changes = JSON.parse(batch.changes_json) as Kept<Change>;
  const problemCount = problems.total
    ? plural(problems.total, t('import.word.problem'), t('import.word.problems'))
    : t('import.word.noProblem');
  return {
    filename: batch.filename,
    created: formatDate(batch.created_at, true),
    summary: `${plural(batch.row_count, t('import.word.row'), t('import.word.rows'))}, ${problemCount}`,
    // « D (objectif) »; a column without a header is named by its letter once.
    problems: problems.items.map((p) => ({
      ...p,
      column: p.column ? (p.letter && p.letter !== p.column ? `${p.letter} (${p.column})` : p.column) : '',
    })),
    moreProblems: problems.total > problems.items.length ? tn('import.more', problems.total - problems.items.length) : '',
    changes: changes.items,
    changeCount: plural(changes.total, t('import.word.change'), t('import.word.changes')),
    moreChanges: changes.total > changes.items.length ? tn('import.more', changes.total - changes.items.length) : '',
    applied: batch.status === 'applied' ? t('import.appliedOn', { date: formatDate(batch.applied_at, true) }) : '',
    discarded: batch.status === 'discarded',
    canConfirm: batch.status === 'preview' && problems.total === 0 && changes.total > 0,
    nothing: batch.status === 'preview' && problems.total === 0 && changes.total === 0,
  };
}
