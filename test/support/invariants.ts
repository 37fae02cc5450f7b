// Database invariants the property and fuzz suites check after their random runs. The text rule
// (server/lib/text.ts): no stored text holds a control character other than tab and newline, nor a lone
// surrogate; JSON columns are also read for such a character written as a \u escape.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { isPostgres } from '../../server/db/dialect.ts';
import { findControlChar } from '../../server/lib/text.ts';

const JSON_ESCAPE = /\\u(00[01][0-9a-f]|007f|d[89a-f][0-9a-f]{2})/i;
const TEXT_TYPES = /char|text|clob|json|uuid/i;

interface TextColumn {
  table: string;
  column: string;
  json: boolean;
}

/** Every text-like column of every table (knex's own bookkeeping included). */
export async function textColumns(db: Knex): Promise<TextColumn[]> {
  if (isPostgres(db)) {
    const r = await db.raw(
      `select table_name as table, column_name as column, data_type as type from information_schema.columns
       where table_schema = current_schema() order by table_name, ordinal_position`,
    );
    return (r.rows as { table: string; column: string; type: string }[])
      .filter((c) => TEXT_TYPES.test(c.type))
      .map((c) => ({ table: c.table, column: c.column, json: /json/.test(c.type) }));
  }
  const tables: { name: string }[] = await db.raw(
    `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`,
  );
  const out: TextColumn[] = [];
  for (const { name } of tables) {
    const cols: { name: string; type: string }[] = await db.raw('select name, type from pragma_table_info(?)', [name]);
    // SQLite stores any value in any column: a column declared without a text type is read too when it
    // holds text (typeof), so a NUL in an integer column would not hide.
    for (const c of cols) out.push({ table: name, column: c.name, json: /json/i.test(c.type) });
  }
  return out;
}

export interface ControlCharFinding {
  table: string;
  column: string;
  row: string;
  char: string;
}

/** Every stored text breaking the rule (empty when the database is clean). */
export async function findControlChars(db: Knex): Promise<ControlCharFinding[]> {
  const findings: ControlCharFinding[] = [];
  const byTable = new Map<string, TextColumn[]>();
  for (const c of await textColumns(db)) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  for (const [table, cols] of byTable) {
    const rows: Record<string, unknown>[] = await db(table).select('*');
    rows.forEach((row, i) => {
      for (const c of cols) {
        const v = row[c.column];
        if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date || Buffer.isBuffer(v))
          continue;
        const text = typeof v === 'string' ? v : JSON.stringify(v);
        const found = findControlChar(text)?.label ?? (c.json || typeof v !== 'string' ? JSON_ESCAPE.exec(text)?.[0] : undefined);
        if (found) findings.push({ table, column: c.column, row: String(row.id ?? i), char: found });
      }
    });
  }
  return findings;
}

/** Fails with the table, column and row of every control character stored anywhere. */
export async function assertNoControlChars(db: Knex): Promise<void> {
  const findings = await findControlChars(db);
  expect(findings, `control characters stored: ${JSON.stringify(findings.slice(0, 20))}`).to.deep.equal([]);
}
