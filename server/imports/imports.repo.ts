import type { Knex } from 'knex';

// targets: staff's targets for many poles (server/targets/targets-import.service.ts).
export type BatchKind = 'quarter' | 'long' | 'targets';
export type BatchStatus = 'preview' | 'applied' | 'discarded';

export interface BatchRow {
  id: number;
  user_id: number;
  kind: BatchKind;
  pole_id: number | null;
  year: number | null;
  quarter: number | null;
  filename: string;
  import_status: 'draft' | 'validated' | null;
  rows_json: string;
  problems_json: string;
  changes_json: string;
  status: BatchStatus;
  row_count: number;
  created_at: string;
  applied_at: string | null;
}

export type NewBatch = Omit<BatchRow, 'id' | 'applied_at'>;

/** The only SQL about import batches. */
export class ImportsRepo {
  async insert(db: Knex, row: NewBatch): Promise<number> {
    const [inserted] = await db('import_batches').insert(row).returning('id');
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  /** A batch of this user only: someone else's batch is as good as missing. */
  async findOwn(db: Knex, userId: number, id: number): Promise<BatchRow | undefined> {
    const row = await db('import_batches').where({ id, user_id: userId }).first();
    return row ? { ...row, row_count: Number(row.row_count) } : undefined;
  }

  /**
   * Older previews of the same target are superseded by a new upload: they can no longer be confirmed,
   * so their rows (possibly a large file) are not kept.
   */
  async discardPrevious(
    db: Knex,
    userId: number,
    target: { kind: BatchKind; poleId: number | null; year: number | null; quarter: number | null },
    exceptId: number,
  ): Promise<void> {
    const q = db('import_batches').where({ user_id: userId, kind: target.kind, status: 'preview' }).whereNot('id', exceptId);
    if (target.kind === 'quarter') q.where({ pole_id: target.poleId, year: target.year, quarter: target.quarter });
    await q.update({ status: 'discarded', rows_json: '{"columns":{},"rows":[]}' });
  }

  /** The new judgement of a batch after its data moved on (confirm found new problems). */
  async updateJudgement(db: Knex, id: number, problemsJson: string, changesJson: string): Promise<void> {
    await db('import_batches').where({ id, status: 'preview' }).update({ problems_json: problemsJson, changes_json: changesJson });
  }

  /** Marks a previewed batch applied; false when it was not in preview any more (a concurrent confirm). */
  async markApplied(db: Knex | Knex.Transaction, id: number, now: string): Promise<boolean> {
    return (await db('import_batches').where({ id, status: 'preview' }).update({ status: 'applied', applied_at: now })) === 1;
  }
}
