import type { Request, Response } from 'express';
import { NotFound } from '../http/errors.ts';
import { periodInPath } from '../http/params.ts';
import { t } from '../i18n/messages.ts';
import { formatDate, formatNumber } from '../lib/format.ts';
import type { Services } from '../services.ts';
import { MIN_CONTRIBUTORS, SECRET } from './confidentiality.ts';
import { COLUMNS } from './opendata-columns.ts';
import { openDataTableSchema, SCHEMA_PATH, type OpenDataTableSchema } from './table-schema.ts';

export const LICENCE_URL = 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/';

/** The public open data page and its files; both answer 404 unless OPEN_DATA is on. */
export function createOpenDataHandlers({ opendata, config }: Pick<Services, 'opendata' | 'config'>) {
  const enabled = () => {
    if (!config.openData) throw new NotFound();
  };
  let schema: OpenDataTableSchema | undefined;
  return {
    async index(_req: Request, res: Response) {
      enabled();
      const items = (await opendata.list()).map((i) => ({
        ...i,
        kindLabel: t(`publications.kind.${i.kind}`),
        publishedAt: formatDate(i.publishedAt),
        rows: formatNumber(i.rows),
        secrets: formatNumber(i.secrets),
      }));
      res.render('pages/opendata/index', {
        title: t('opendata.title'),
        items,
        columns: COLUMNS.map(({ name, description }) => ({ name, description })),
        schemaHref: SCHEMA_PATH,
        licenceUrl: LICENCE_URL,
        minContributors: MIN_CONTRIBUTORS,
        secret: SECRET,
      });
    },

    async file(req: Request, res: Response) {
      enabled();
      const period = periodInPath(req);
      if (!period) throw new NotFound();
      const file = await opendata.file(period);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
      res.send(file.body);
    },

    /** The Table Schema describing every column of the files above. */
    schema(_req: Request, res: Response) {
      enabled();
      schema ??= openDataTableSchema(config.publicUrl);
      res.json(schema);
    },
  };
}
