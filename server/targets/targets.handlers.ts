import type { Request, Response } from 'express';
import { z } from 'zod';
import { scopedPole } from '../http/access.ts';
import { actor } from '../http/actor.ts';
import { BadRequest } from '../http/errors.ts';
import { handleForm, type FormFailure } from '../http/form-handler.ts';
import { blank } from '../http/query-params.ts';
import { t, tDynamic } from '../i18n/messages.ts';
import { formatScaled } from '../lib/format.ts';
import type { PoleRow } from '../poles/poles.service.ts';
import type { Services } from '../services.ts';
import { targetDecimals, targetField, type TargetLine } from './targets.service.ts';

/** The years a target may be set for: from ten years back to five ahead of today's. */
const YEARS_BACK = 10;
const YEARS_AHEAD = 5;

const bodySchema = z.object({ digest: z.string().regex(/^[0-9a-f]{32}$/) }).passthrough();

interface FormState {
  status?: number;
  body?: Record<string, unknown>;
  errors?: Record<string, string>;
  alert?: string;
}

/** Staff set a pole's targets per year; a pole's manager proposes next year's. */
export function createTargetsHandlers({ targets, clock }: Pick<Services, 'targets' | 'clock'>) {
  const thisYear = () => clock.now().setZone('Europe/Paris').year;

  function yearOf(req: Request): number {
    const parsed = z
      .object({ annee: z.preprocess(blank, z.coerce.number().int().optional()) })
      .passthrough()
      .safeParse(req.query);
    if (!parsed.success) throw new BadRequest();
    const year = parsed.data.annee ?? thisYear();
    if (year < thisYear() - YEARS_BACK || year > thisYear() + YEARS_AHEAD) throw new BadRequest();
    return year;
  }

  async function render(req: Request, res: Response, pole: PoleRow, year: number, mode: 'staff' | 'manager', state: FormState = {}) {
    const { lines, digest } = await targets.form(pole, year);
    const action = mode === 'staff' ? `/admin/poles/${pole.slug}/objectifs?annee=${year}` : `/mon-pole/${pole.slug}/objectifs`;
    const errors = state.errors ?? {};
    res.status(state.status ?? 200).render('pages/targets/form', {
      title: t('targets.title', { year: String(year), pole: pole.name }),
      nav: mode === 'staff' ? 'poles' : 'my-pole',
      pole,
      year,
      mode,
      action,
      digest,
      conflict: state.status === 409,
      intro: mode === 'staff' ? t('targets.intro') : `${t('targets.proposeIntro', { year: String(year) })} ${t('targets.intro')}`,
      previousYear: year - 1,
      yearOptions:
        mode === 'staff'
          ? Array.from({ length: YEARS_BACK + YEARS_AHEAD + 1 }, (_, i) => thisYear() + YEARS_AHEAD - i).map((y) => ({
              value: String(y),
              label: String(y),
              selected: y === year,
            }))
          : null,
      rows: lines.map((l) => row(l, state.body, errors, mode)),
      errorList: lines
        .filter((l) => errors[targetField(l.indicator.code)])
        .map((l) => ({
          href: `#f-${targetField(l.indicator.code)}`,
          text: `${l.indicator.label_fr} : ${errors[targetField(l.indicator.code)]}`,
        })),
      alert: state.alert,
      back: mode === 'staff' ? `/poles/${pole.slug}` : `/mon-pole/${pole.slug}`,
    });
  }

  function save(mode: 'staff' | 'manager') {
    return async (req: Request, res: Response) => {
      const pole = scopedPole(req);
      const year = mode === 'staff' ? yearOf(req) : thisYear() + 1;
      const parsed = bodySchema.safeParse(req.body ?? {});
      if (!parsed.success) throw new BadRequest();
      const body = req.body as Record<string, unknown>;
      await handleForm(req, res, {
        parse: () => ({ ok: true, data: undefined }),
        run: () =>
          mode === 'staff'
            ? targets.saveYear(pole, year, body, parsed.data.digest, actor(req))
            : targets.propose(pole, year, body, parsed.data.digest, actor(req)),
        rerender: (f: FormFailure) =>
          render(req, res, pole, year, mode, {
            status: f.status,
            body,
            errors: f.status === 422 ? f.errors : {},
            alert: f.status === 409 ? t('targets.conflict') : undefined,
          }),
        success: (count) => ({
          flash: t(`targets.saved.${count === 0 ? '0' : count === 1 ? '1' : 'n'}`, { count: String(count), year: String(year) }),
          to: mode === 'staff' ? `/poles/${pole.slug}#objectifs` : `/mon-pole/${pole.slug}#objectifs`,
        }),
      });
    };
  }

  return {
    async showStaff(req: Request, res: Response) {
      await render(req, res, scopedPole(req), yearOf(req), 'staff');
    },
    saveStaff: save('staff'),
    async showPropose(req: Request, res: Response) {
      await render(req, res, scopedPole(req), thisYear() + 1, 'manager');
    },
    savePropose: save('manager'),
  };
}

/** One indicator's line: its label and kind of target, last year's target and actual, the field. */
function row(l: TargetLine, body: Record<string, unknown> | undefined, errors: Record<string, string>, mode: 'staff' | 'manager') {
  const ind = l.indicator;
  const name = targetField(ind.code);
  const decimals = targetDecimals(ind);
  const stored = l.target ? formatScaled(l.target.value_scaled, decimals) : '';
  const typed = body && typeof body[name] === 'string' ? (body[name] as string) : stored;
  return {
    code: ind.code,
    name,
    label: ind.label_fr,
    unit: tDynamic('unit', ind.unit),
    kindHint: t(`targets.kind.${ind.kind}`),
    down: ind.direction === 'down',
    previousTarget: l.previousTarget ? formatScaled(l.previousTarget.value_scaled, decimals) : null,
    previousActual: l.previousActual === null ? null : formatScaled(l.previousActual, decimals),
    value: typed,
    stored,
    error: errors[name],
    proposed: l.target?.status === 'proposed',
    // A manager sees a validated target but cannot change it.
    locked: mode === 'manager' && l.target?.status === 'validated',
  };
}
