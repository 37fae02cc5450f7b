import type { Request, Response } from 'express';
import { scopedPole } from '../http/access.ts';
import { param, readInteger } from '../http/params.ts';
import { t } from '../i18n/messages.ts';
import { NotFound } from '../http/errors.ts';
import { failureView, handleForm } from '../http/form-handler.ts';
import { formValues, parseForm } from '../http/form.ts';
import { setFlash } from '../http/flash.ts';
import type { Services } from '../services.ts';
import type { PoleRow } from './poles.service.ts';
import type { MemberRow } from './poles.service.ts';
import { MEMBER_CATEGORIES, memberFormSchema } from './poles.schema.ts';
import { actor } from '../http/actor.ts';

/** Staff forms for a pole's member register (a member who leaves gets a date, never a deletion). */
export function createMembersHandlers({ poles }: Pick<Services, 'poles'>) {
  async function memberOr404(pole: PoleRow, id: string | undefined): Promise<MemberRow> {
    const memberId = readInteger(id);
    const member = memberId === undefined ? undefined : await poles.findMember(pole, memberId);
    if (!member) throw new NotFound();
    return member;
  }
  function render(
    res: Response,
    status: number,
    v: { pole: PoleRow; member?: MemberRow; values: Record<string, unknown>; errors: Record<string, string>; conflict?: boolean },
  ) {
    res.status(status).render('pages/members/form', {
      title: v.member ? t('poles.member.edit') : t('poles.member.new'),
      nav: 'poles',
      action: v.member ? `/admin/poles/${v.pole.slug}/membres/${v.member.id}/modifier` : `/admin/poles/${v.pole.slug}/membres/nouveau`,
      categoryOptions: MEMBER_CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`), selected: c === v.values.category })),
      ...v,
    });
  }
  return {
    async showNew(req: Request, res: Response) {
      const pole = scopedPole(req);
      render(res, 200, { pole, values: { joined_on: poles.today() }, errors: {} });
    },

    async create(req: Request, res: Response) {
      const pole = scopedPole(req);
      const parsed = parseForm(memberFormSchema, req.body);
      if (!parsed.ok) return render(res, 422, { pole, values: formValues(req.body), errors: parsed.errors });
      await poles.addMember(pole, parsed.data, actor(req));
      setFlash(req, t('poles.member.created'));
      res.redirect(303, `/poles/${pole.slug}`);
    },

    async showEdit(req: Request, res: Response) {
      const pole = scopedPole(req);
      const member = await memberOr404(pole, param(req, 'memberId'));
      const values = {
        name: member.name,
        siren: member.siren ?? '',
        category: member.category,
        joined_on: member.joined_on,
        left_on: member.left_on ?? '',
        version: member.version,
      };
      render(res, 200, { pole, member, values, errors: {} });
    },

    async update(req: Request, res: Response) {
      const pole = scopedPole(req);
      const member = await memberOr404(pole, param(req, 'memberId'));
      const values = formValues(req.body);
      await handleForm(req, res, {
        parse: () => parseForm(memberFormSchema, req.body),
        run: (form) => poles.updateMember(pole, member, form.version ?? -1, form, actor(req)),
        rerender: (f) => render(res, f.status, { pole, member, values, ...failureView(f) }),
        success: () => ({ flash: t('poles.member.updated'), to: `/poles/${pole.slug}` }),
      });
    },
  };
}
