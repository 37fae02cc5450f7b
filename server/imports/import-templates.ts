// The files people download to fill: the quarter template (one pole, one quarter) and the long-format
// template (staff, many poles and quarters). CSV as French Excel writes it (UTF-8 with BOM, `;`), and XLSX.
import type ExcelJS from 'exceljs';
import { loadExcel } from '../lib/excel.ts';
import { t } from '../i18n/messages.ts';
import { SCALE, scaledToInput } from '../lib/decimal.ts';
import { LONG_COLUMNS, QUARTER_COLUMNS } from './import-rows.ts';

export interface TemplateRow {
  code: string;
  category: string;
  label: string;
  unit: string;
  decimals: number;
  previous: { value: number | null; na: boolean } | null;
  value: number | null;
  na: boolean;
  reason: string;
  comment: string;
}

export interface LongReference {
  poles: { slug: string; name: string; first: string }[];
  indicators: { code: string; label: string; unit: string; categories: string }[];
}

export const MIME = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
const TEXT_COLUMNS = new Set(['libelle', 'raison', 'commentaire', 'categories', 'nom', 'nature', 'statut']);

/** One CSV cell: quoted when needed; text starting like a formula prefixed with `'` so Excel never runs it. */
function csvCell(value: string | number | null, column: string): string {
  let s = value === null ? '' : String(value);
  if (TEXT_COLUMNS.has(column) && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[;"\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(columns: string[], rows: (string | number | null)[][]): string {
  const lines = [columns.join(';'), ...rows.map((r) => r.map((v, i) => csvCell(v, columns[i])).join(';'))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const notAvailable = () => t('entry.notAvailable').toLowerCase();

export function quarterCsv(rows: TemplateRow[]): string {
  return csv(
    QUARTER_COLUMNS,
    rows.map((r) => [
      r.code,
      r.category,
      r.label,
      r.unit,
      r.previous ? (r.previous.na ? notAvailable() : scaledToInput(r.previous.value)) : '',
      scaledToInput(r.value),
      r.na ? 'oui' : '',
      r.reason,
      r.comment,
    ]),
  );
}

export function longCsv(): string {
  return csv(LONG_COLUMNS, [longExample()]);
}

// The example row: a placeholder slug, so that a template sent back unchanged is refused, not imported.
const longExample = () => ['slug-du-pole', 'EMP_CREES', '', 2024, 1, '2,5', '', '', t('import.template.exampleComment')];

const WIDTHS: Record<string, number> = {
  code: 22,
  categorie: 14,
  libelle: 60,
  unite: 10,
  valeur_trimestre_precedent: 16,
  valeur: 14,
  non_disponible: 15,
  raison: 30,
  commentaire: 40,
  pole: 28,
  indicateur: 22,
  annee: 8,
  trimestre: 10,
  nom: 32,
  nature: 34,
  objectif: 12,
  statut: 26,
};

export function sheetWithHeader(wb: ExcelJS.Workbook, name: string, columns: string[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c, key: c, width: WIDTHS[c] ?? 20 }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  return ws;
}

export const numberFormat = (decimals: number) => (decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0');
export const asNumber = (scaled: number | null) => (scaled === null ? null : scaled / SCALE);

export function notice(wb: ExcelJS.Workbook, lines: string[]): void {
  const ws = wb.addWorksheet(t('import.template.noticeSheet'));
  ws.getColumn(1).width = 110;
  for (const l of lines) ws.addRow([l]);
}

export async function quarterXlsx(rows: TemplateRow[], title: string): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'PTCE Impact';
  const ws = sheetWithHeader(wb, t('import.template.sheet'), QUARTER_COLUMNS);
  for (const r of rows) {
    const row = ws.addRow({
      code: r.code,
      categorie: r.category,
      libelle: r.label,
      unite: r.unit,
      valeur_trimestre_precedent: r.previous ? (r.previous.na ? notAvailable() : asNumber(r.previous.value)) : null,
      valeur: asNumber(r.value),
      non_disponible: r.na ? 'oui' : null,
      raison: r.reason || null,
      commentaire: r.comment || null,
    });
    for (const key of ['valeur_trimestre_precedent', 'valeur']) row.getCell(key).numFmt = numberFormat(r.decimals);
    row.getCell('non_disponible').dataValidation = { type: 'list', allowBlank: true, formulae: ['"oui"'] };
  }
  notice(wb, [title, '', ...t('import.template.noticeQuarter').split('\n')]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function longXlsx(ref: LongReference): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'PTCE Impact';
  const ws = sheetWithHeader(wb, t('import.template.sheet'), LONG_COLUMNS);
  const example = longExample();
  ws.addRow([...example.slice(0, 5), 2.5, ...example.slice(6)]);
  const poles = sheetWithHeader(wb, t('import.template.polesSheet'), ['pole', 'nom', 'premier_trimestre']);
  for (const p of ref.poles) poles.addRow([p.slug, p.name, p.first]);
  const indicators = sheetWithHeader(wb, t('import.template.indicatorsSheet'), ['indicateur', 'libelle', 'unite', 'categories']);
  for (const i of ref.indicators) indicators.addRow([i.code, i.label, i.unit, i.categories]);
  notice(wb, t('import.template.noticeLong').split('\n'));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
