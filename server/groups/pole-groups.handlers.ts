import type { Request, Response } from 'express';
import { scopedPole } from '../http/access.ts';
import { actor } from '../http/actor.ts';
import { NotFound } from '../http/errors.ts';
import { handleForm, type FormFailure } from '../http/form-handler.ts';
import { formValues, parseForm } from '../http/form.ts';
import { idParam } from '../http/params.ts';
import { t } from '../i18n/messages.ts';
import { fromIndex, quarterLabel } from '../lib/quarters.ts';
import type { PoleRow } from '../poles/poles.service.ts';
import type { Services } from '../services.ts';
import type { GroupSetRow } from './groups.service.ts';
import { joinFormSchema, leaveFormSchema } from './groups.schema.ts';
import { indexLabel, type PoleSet } from './memberships.service.ts';

/** Which form of which set failed, with what was typed. */
interface Failed {
  setId: number;
  form: 'join' | 'leave';
  failure: FormFailure;
  values: Record<string, string | string[]>;
}

/** One set's card: the current group, the history, and the two forms (with their errors when they failed). */
function setCard(p: PoleSet, now: number, failed: Failed | null) {
  const mine = failed && failed.setId === p.set.id ? failed : null;
  const errorsOf = (form: 'join' | 'leave') => (mine?.form === form && mine.failure.status === 422 ? mine.failure.errors : {});
  const typed = (form: 'join' | 'leave', name: string, fallback: string) =>
    mine?.form === form && typeof mine.values[name] === 'string' ? (mine.values[name] as string) : fallback;
  const join = errorsOf('join');
  const leave = errorsOf('leave');
  const chosen = typed('join', 'group', '');
  return {
    set: p.set,
    digest: p.digest,
    current: p.current ? { label: p.current.group?.label_fr ?? '', since: indexLabel(p.current.from_index) } : null,
    open: p.history.some((r) => r.to_index === null),
    history: [...p.history].reverse().map((r) => ({
      label: r.group?.label_fr ?? '',
      from: indexLabel(r.from_index),
      to: r.to_index === null ? null : indexLabel(r.to_index),
      current: r === p.current,
      upcoming: r.from_index > now,
    })),
    groupOptions: p.groups
      .filter((g) => g.active)
      .map((g) => ({ value: String(g.id), label: g.label_fr, selected: String(g.id) === chosen })),
    joinFrom: typed('join', 'from', quarterLabel(fromIndex(now))),
    leaveFrom: typed('leave', 'from', quarterLabel(fromIndex(now))),
    joinErrors: join,
    leaveErrors: leave,
    conflict: mine?.failure.status === 409,
    errorList: [
      ...Object.entries(join).map(([k, v]) => ({ href: `#f-${p.set.id}-${k}`, text: v })),
      ...Object.entries(leave).map(([k, v]) => ({ href: `#f-${p.set.id}-leave-${k}`, text: v })),
    ],
  };
}

/** A pole's groups (staff): for each set, the current group, its history, « placer » and « retirer ». */
export function createPoleGroupsHandlers({ memberships, groups, clock }: Pick<Services, 'memberships' | 'groups' | 'clock'>) {
  async function render(res: Response, pole: PoleRow, failed: Failed | null = null) {
    const sets = await memberships.poleSets(pole);
    const now = memberships.currentIndex();
    const cards = sets.map((p) => setCard(p, now, failed));
    res.status(failed ? failed.failure.status : 200).render('pages/groups/pole', {
      title: t('groups.pole.title', { pole: pole.name }),
      nav: 'poles',
      pole,
      cards,
      errorList: cards.flatMap((c) => c.errorList),
      conflict: failed?.failure.status === 409,
    });
  }

  async function setOr404(req: Request): Promise<GroupSetRow> {
    const id = idParam(req, 'setId');
    const set = id === undefined ? undefined : await groups.set(id);
    if (!set) throw new NotFound();
    return set;
  }

  function post(form: 'join' | 'leave') {
    return async (req: Request, res: Response) => {
      const pole = scopedPole(req);
      const set = await setOr404(req);
      const values = formValues(req.body);
      const year = clock.now().setZone('Europe/Paris').year;
      const rerender = (failure: FormFailure) => render(res, pole, { setId: set.id, form, failure, values });
      const done = { to: `/admin/poles/${pole.slug}/groupes#ensemble-${set.id}` };
      if (form === 'join') {
        await handleForm(req, res, {
          parse: () => parseForm(joinFormSchema(year), req.body),
          run: (data) => memberships.join(pole, set, data, actor(req)),
          rerender,
          success: (_r, data) => ({ ...done, flash: t('groups.pole.joined', { set: set.label_fr, from: indexLabel(data.from) }) }),
        });
      } else {
        await handleForm(req, res, {
          parse: () => parseForm(leaveFormSchema(year), req.body),
          run: (data) => memberships.leave(pole, set, data, actor(req)),
          rerender,
          success: (_r, data) => ({ ...done, flash: t('groups.pole.left', { set: set.label_fr, from: indexLabel(data.from) }) }),
        });
      }
    };
  }

  return {
    async show(req: Request, res: Response) {
      await render(res, scopedPole(req));
    },
    join: post('join'),
    leave: post('leave'),
  };
}
