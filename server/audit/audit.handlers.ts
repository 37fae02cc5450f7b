import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { t } from '../i18n/messages.ts';
import { BadRequest } from '../http/errors.ts';
import { ZONE } from '../lib/clock.ts';
import type { Services } from '../services.ts';
import { AUDIT_FAMILIES, type AuditFamily } from './audit-text.ts';

const PAGE = 50;
const FAMILIES = Object.keys(AUDIT_FAMILIES) as AuditFamily[];
const blank = (v: unknown) => (v === '' ? undefined : v);
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
  qui: z.preprocess(blank, z.coerce.number().int().min(1).max(2_000_000_000).optional()),
  quoi: z.preprocess(blank, z.enum(FAMILIES as [AuditFamily, ...AuditFamily[]]).optional()),
  pole: z.preprocess(blank, z.coerce.number().int().min(1).max(2_000_000_000).optional()),
  // Dates are checked below, so that a wrong one gets its message next to the field.
  du: z.preprocess(blank, z.string().max(40).optional()),
  au: z.preprocess(blank, z.string().max(40).optional()),
});

/** A day typed as AAAA-MM-JJ, as the start of that day in Paris; null when it is not a date. */
function day(value: string | undefined): DateTime | null | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const d = DateTime.fromISO(value, { zone: ZONE });
  return d.isValid ? d.startOf('day') : null;
}

/** The staff view of the audit journal, newest first, filtered by who, what, pole and dates. */
export function createAuditHandlers({ audit, poles }: Pick<Services, 'audit' | 'poles'>) {
  return {
    async list(req: Request, res: Response) {
      const parsed = query.safeParse(req.query);
      if (!parsed.success) throw new BadRequest();
      const f = parsed.data;
      const page = f.page ?? 1;
      const errors: Record<string, string> = {};
      const from = day(f.du);
      const to = day(f.au);
      if (from === null) errors.du = t('audit.filter.badDate');
      if (to === null) errors.au = t('audit.filter.badDate');
      if (from && to && to < from) errors.au = t('audit.filter.reversed');
      const ok = Object.keys(errors).length === 0;
      const [rows, actors, allPoles] = await Promise.all([
        audit.list({
          entity: f.objet,
          entityId: f.id,
          actorId: f.qui,
          actionPrefixes: f.quoi ? AUDIT_FAMILIES[f.quoi] : undefined,
          poleId: f.pole,
          from: ok && from ? from.toUTC().toISO()! : undefined,
          to: ok && to ? to.plus({ days: 1 }).toUTC().toISO()! : undefined,
          limit: PAGE + 1,
          offset: (page - 1) * PAGE,
        }),
        audit.actors(),
        poles.search({}),
      ]);
      // The filters as a query string, for the pages before and after.
      const kept = new URLSearchParams(
        Object.entries({ objet: f.objet, id: f.id, qui: f.qui, quoi: f.quoi, pole: f.pole, du: f.du, au: f.au }).flatMap(([k, v]) =>
          v === undefined ? [] : [[k, String(v)]],
        ),
      ).toString();
      const byName = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label, 'fr');
      res.status(ok ? 200 : 422).render('pages/audit/list', {
        title: t('audit.title'),
        nav: 'audit',
        entries: rows.slice(0, PAGE),
        filtered: Boolean(f.qui || f.quoi || f.pole || f.du || f.au || f.objet),
        page,
        prevPage: page > 1 ? `/admin/journal?${kept ? `${kept}&` : ''}page=${page - 1}` : null,
        nextPage: rows.length > PAGE ? `/admin/journal?${kept ? `${kept}&` : ''}page=${page + 1}` : null,
        errors,
        values: { du: f.du ?? '', au: f.au ?? '' },
        actorOptions: actors.map((a) => ({ value: a.id, label: a.display_name, selected: a.id === f.qui })).sort(byName),
        familyOptions: FAMILIES.map((k) => ({ value: k, label: t(`audit.family.${k}`), selected: k === f.quoi })),
        poleOptions: allPoles.map((p) => ({ value: p.id, label: p.name, selected: p.id === f.pole })).sort(byName),
        objet: f.objet,
        id: f.id,
      });
    },
  };
}
