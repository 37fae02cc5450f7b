// Receiving one uploaded file (multipart/form-data) in memory, with a size limit and French messages.
// Runs inside the upload handlers, after the access guard and the CSRF check (token in the query string).
import type { Request, Response } from 'express';
import multer from 'multer';
import { t } from '../i18n/messages.ts';

export const QUARTER_MAX_BYTES = 5 * 1024 * 1024;
export const LONG_MAX_BYTES = 20 * 1024 * 1024;
export const FILE_FIELD = 'fichier';

export type Upload =
  { ok: true; filename: string; buffer: Buffer; fields: Record<string, string> } | { ok: false; status: number; error: string };

export const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} Mo`;

const receivers = new Map<number, ReturnType<multer.Multer['single']>>();
function receiver(maxBytes: number) {
  let r = receivers.get(maxBytes);
  if (!r) {
    r = multer({
      storage: multer.memoryStorage(),
      // One file and the few fields of the form: anything more is not our form.
      limits: { fileSize: maxBytes, files: 1, fields: 4, fieldSize: 1000, fieldNameSize: 50, parts: 6, headerPairs: 50 },
      // Browsers send file names in UTF-8 without saying so.
      defParamCharset: 'utf8',
    }).single(FILE_FIELD);
    receivers.set(maxBytes, r);
  }
  return r;
}

/** The uploaded file, or why it was refused (413 too large, 422 missing or not our form, 400 cut short). */
export async function receiveFile(req: Request, res: Response, maxBytes: number): Promise<Upload> {
  if (!req.is('multipart/form-data')) return { ok: false, status: 422, error: t('import.file.choose') };
  try {
    await new Promise<void>((resolve, reject) => receiver(maxBytes)(req, res, (err: unknown) => (err ? reject(err) : resolve())));
  } catch (err) {
    if (err instanceof multer.MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') return { ok: false, status: 413, error: t('import.file.tooLarge', { max: megabytes(maxBytes) }) };
      return { ok: false, status: 422, error: t('import.file.form') };
    }
    // busboy's own errors: a body cut short or not multipart after all.
    return { ok: false, status: 400, error: t('import.file.incomplete') };
  }
  const file = req.file;
  if (!file) return { ok: false, status: 422, error: t('import.file.choose') };
  if (file.size === 0) return { ok: false, status: 422, error: t('import.file.empty') };
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) if (typeof v === 'string') fields[k] = v;
  // Only shown back to its author, escaped; control characters and paths removed all the same.
  const filename = (file.originalname.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').slice(-200) || 'fichier';
  return { ok: true, filename, buffer: file.buffer, fields };
}
