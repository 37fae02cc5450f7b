import type { Knex } from 'knex';
import { isPostgres } from '../db/dialect.ts';

/** knex's own bookkeeping: never copied (the target runs its own migrations). */
export const KNEX_TABLES = ['knex_migrations', 'knex_migrations_lock'];

export interface ColumnInfo {
  name: string;
  /** PostgreSQL's data_type (boolean, json, timestamp with time zone…); SQLite's declared type. */
  type: string;
}

/**
 * The only SQL of the operations commands (backup, restore, copy between databases): catalogue
 * queries, integrity checks, and reading and writing whole tables in key order.
 */
export class OpsRepo {
  /** SQLite: a consistent copy of the whole database into a new file, while others keep writing. */
  async vacuumInto(db: Knex, file: string): Promise<void> {
    await db.raw('VACUUM INTO ?', [file]);
  }

  /** SQLite: ['ok'] when the file is sound, else the problems found. */
  async integrityCheck(db: Knex): Promise<string[]> {
    const rows: { integrity_check: string }[] = await db.raw('PRAGMA integrity_check');
    return rows.map((r) => r.integrity_check);
  }

  /** The application's tables (knex's own included), by name. */
  async tables(db: Knex): Promise<string[]> {
    if (isPostgres(db)) {
      const r = await db.raw(`select table_name as name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`);
      return r.rows.map((x: { name: string }) => x.name);
    }
    const rows: { name: string }[] = await db.raw(
      `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`,
    );
    return rows.map((x) => x.name);
  }

  async columns(db: Knex, table: string): Promise<ColumnInfo[]> {
    if (isPostgres(db)) {
      const r = await db.raw(
        `select column_name as name, data_type as type from information_schema.columns
         where table_schema = current_schema() and table_name = ? order by ordinal_position`,
        [table],
      );
      return r.rows;
    }
    const rows: { name: string; type: string }[] = await db.raw('select name, type from pragma_table_info(?) order by cid', [table]);
    return rows;
  }

  /** The primary key's columns, in key order (empty when the table has none). */
  async primaryKey(db: Knex, table: string): Promise<string[]> {
    if (isPostgres(db)) {
      const r = await db.raw(
        `select a.attname as name from pg_index i
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
         where i.indrelid = ?::regclass and i.indisprimary
         order by array_position(i.indkey, a.attnum)`,
        [table],
      );
      return r.rows.map((x: { name: string }) => x.name);
    }
    const rows: { name: string; pk: number }[] = await db.raw('select name, pk from pragma_table_info(?) where pk > 0 order by pk', [
      table,
    ]);
    return rows.map((x) => x.name);
  }

  /** PostgreSQL: foreign keys between tables, as [table, referenced table]. */
  async foreignKeys(db: Knex): Promise<[string, string][]> {
    const r = await db.raw(
      `select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
       where c.contype = 'f' and n.nspname = current_schema()`,
    );
    return r.rows.map((x: { child: string; parent: string }) => [x.child.replace(/"/g, ''), x.parent.replace(/"/g, '')]);
  }

  async count(db: Knex, table: string): Promise<number> {
    const row = await db(table).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  /**
   * One batch of rows after `after` (the key of the previous batch's last row), in key order: each batch
   * is an index seek on both databases. A table without a key is read whole.
   */
  async batch(db: Knex, table: string, key: string[], after: unknown[] | null, limit: number): Promise<Record<string, unknown>[]> {
    if (!key.length) return db(table).select('*');
    const q = db(table)
      .select('*')
      .orderBy(key.map((column) => ({ column, order: 'asc' as const })))
      .limit(limit);
    if (after) {
      if (key.length === 1) q.where(key[0], '>', after[0] as Knex.Value);
      else q.whereRaw(`(${key.map(() => '??').join(', ')}) > (${key.map(() => '?').join(', ')})`, [...key, ...(after as Knex.Value[])]);
    }
    return q;
  }

  async insert(trx: Knex.Transaction, table: string, rows: Record<string, unknown>[]): Promise<void> {
    if (rows.length) await trx(table).insert(rows);
  }

  /** Rows a migration put in (aggregate_state's first row…): replaced by the copied ones. */
  async clear(trx: Knex.Transaction, table: string): Promise<void> {
    await trx(table).delete();
  }

  /** PostgreSQL: moves the sequence of every serial column of `table` past its largest value. */
  async resetSequences(trx: Knex.Transaction, table: string, columns: string[]): Promise<number> {
    let reset = 0;
    for (const column of columns) {
      const seq = (await trx.raw('select pg_get_serial_sequence(?, ?) as seq', [table, column])).rows[0]?.seq as string | null;
      if (!seq) continue;
      await trx.raw(`select setval(?, coalesce((select max(??) from ??), 1), (select max(??) from ??) is not null)`, [
        seq,
        column,
        table,
        column,
        table,
      ]);
      reset++;
    }
    return reset;
  }

  /** Names of the migrations the database has applied (empty before the first one). */
  async appliedMigrations(db: Knex): Promise<string[]> {
    if (!(await db.schema.hasTable('knex_migrations'))) return [];
    return (await db('knex_migrations').select('name').orderBy('id')).map((r: { name: string }) => r.name);
  }
}
