// exceljs weighs about 27 MB of memory once loaded: load it with the first spreadsheet read or written,
// not at start (most requests, and the raw CSV export's memory budget, never need it).
import type ExcelJS from 'exceljs';

let loading: Promise<typeof ExcelJS> | null = null;

export function loadExcel(): Promise<typeof ExcelJS> {
  loading ??= import('exceljs').then((m) => m.default);
  return loading;
}
