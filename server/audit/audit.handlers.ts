import type { Request, Response } from 'express';
import { z } from 'zod';
import { t } from '../i18n/messages.ts';
import { BadRequest } from '../http/errors.ts';
import type { Services } from '../services.ts';

const PAGE = 50;
const query = z.object({
  page: z.coerce.number().int().min(1).max(100000).optional(),
  objet: z
    .string()
    .regex(/^[a-z_]{1,40}$/)
    .optional(),
  id: z
    .string()
    .regex(/^[\w-]{1,40}$/)
    .optional(),
});

/** The staff view of the audit journal, newest first. */
export function createAuditHandlers({ audit }: Pick<Services, 'audit'>) {
  return {
    async list(req: Request, res: Response) {
      const parsed = query.safeParse(req.query);
      if (!parsed.success) throw new BadRequest();
      const page = parsed.data.page ?? 1;
      const rows = await audit.list({
        entity: parsed.data.objet,
        entityId: parsed.data.id,
        limit: PAGE + 1,
        offset: (page - 1) * PAGE,
      });
      res.render('pages/audit/list', {
        title: t('audit.title'),
        nav: 'audit',
        entries: rows.slice(0, PAGE),
        page,
        prevPage: page > 1 ? page - 1 : null,
        nextPage: rows.length > PAGE ? page + 1 : null,
        filter: parsed.data,
      });
    },
  };
}
