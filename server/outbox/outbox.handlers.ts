import type { Request, Response } from 'express';
import { z } from 'zod';
import { t } from '../i18n/messages.ts';
import { BadRequest, NotFound } from '../http/errors.ts';
import { idParam } from '../http/params.ts';
import { blank } from '../http/query-params.ts';
import type { Services } from '../services.ts';
import type { OutboxRow, OutboxStatus } from './outbox.service.ts';

const PAGE = 50;
const STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
const KINDS = ['returned', 'validated', 'reopened', 'reminder', 'digest'] as const;
const query = z.object({
  statut: z.preprocess(blank, z.enum(STATUSES).optional()),
  type: z.preprocess(blank, z.enum(KINDS).optional()),
  page: z.coerce.number().int().min(1).max(100000).optional(),
});

/** « Envois » (staff): the outbox, filtered by state and kind, and each message in full. */
export function createOutboxHandlers({ outbox }: Pick<Services, 'outbox'>) {
  // Without a mail server a queued message is never sent: say so rather than « en attente ».
  const statusKey = (status: OutboxStatus) => (status === 'queued' && !outbox.delivers ? 'unsent' : status);
  const badge: Record<string, string> = {
    sent: 'badge-ok',
    failed: 'badge-bad',
    unsent: 'badge-warn',
    queued: 'badge-submitted',
    sending: 'badge-submitted',
  };
  const view = (m: OutboxRow) => {
    const key = statusKey(m.status);
    return { ...m, badge: badge[key], statusLabel: t(`outbox.status.${key}`), kindLabel: t(`notices.kind.${m.kind}`) };
  };

  return {
    async list(req: Request, res: Response) {
      const parsed = query.safeParse(req.query);
      if (!parsed.success) throw new BadRequest();
      const { statut, type } = parsed.data;
      const page = parsed.data.page ?? 1;
      const [rows, counts] = await Promise.all([outbox.list({ status: statut, kind: type }, PAGE + 1, (page - 1) * PAGE), outbox.counts()]);
      const qs = (p: number) => `?page=${p}${statut ? `&statut=${statut}` : ''}${type ? `&type=${type}` : ''}`;
      res.render('pages/outbox/list', {
        title: t('outbox.title'),
        nav: 'outbox',
        delivers: outbox.delivers,
        counts,
        messages: rows.slice(0, PAGE).map(view),
        statusOptions: STATUSES.map((v) => ({ value: v, label: t(`outbox.status.${statusKey(v)}`), selected: v === statut })),
        kindOptions: KINDS.map((v) => ({ value: v, label: t(`notices.kind.${v}`), selected: v === type })),
        prevUrl: page > 1 ? qs(page - 1) : null,
        nextUrl: rows.length > PAGE ? qs(page + 1) : null,
      });
    },

    async show(req: Request, res: Response) {
      const id = idParam(req, 'messageId');
      if (id === undefined) throw new NotFound();
      const message = await outbox.find(id);
      if (!message) throw new NotFound();
      res.render('pages/outbox/show', {
        title: `${t('outbox.title')} — ${message.subject}`,
        nav: 'outbox',
        delivers: outbox.delivers,
        message: view(message),
      });
    },
  };
}
