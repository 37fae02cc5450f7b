// The targets template staff download to fill: one row per pole of their scope and active indicator for
// a year, with the target already set (a proposal says so), in CSV as French Excel writes it and XLSX.
import { loadExcel } from '../lib/excel.ts';
import { t } from '../i18n/messages.ts';
import { scaledToInput } from '../lib/decimal.ts';
import { asNumber, csv, notice, numberFormat, sheetWithHeader } from '../imports/import-templates.ts';
import { TARGET_COLUMNS } from './targets-import-rows.ts';
import type { TargetTemplateRow } from './targets-import.service.ts';

const cells = (r: TargetTemplateRow) => [r.pole, r.name, r.code, r.category, r.label, r.unit, r.kind, r.year];

export function targetsCsv(rows: TargetTemplateRow[]): string {
  return csv(
    TARGET_COLUMNS,
    rows.map((r) => [...cells(r), scaledToInput(r.value), r.status]),
  );
}

export async function targetsXlsx(rows: TargetTemplateRow[], year: number): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'PTCE Impact';
  const ws = sheetWithHeader(wb, t('targets.import.sheet', { year: String(year) }), TARGET_COLUMNS);
  for (const r of rows) {
    const row = ws.addRow([...cells(r), asNumber(r.value), r.status || null]);
    row.getCell('objectif').numFmt = numberFormat(r.decimals);
  }
  notice(wb, t('targets.import.notice').split('\n'));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
