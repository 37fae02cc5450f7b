// Downloaded files in tests: a binary body collected as a Buffer, an XLSX read back with ExcelJS.
import ExcelJS from 'exceljs';
import type request from 'supertest';

/** Collects a binary body (xlsx) as a Buffer: `.buffer(true).parse(binary)`. */
export function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

export async function readXlsx(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}
