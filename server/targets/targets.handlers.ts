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
import { MAX_SPAN_YEARS, targetDecimals, targetField, targetYears, type Span } from './target-rules.ts';
import type { TargetLine } from './targets.service.ts';

const bodySchema = z.object({ digest: z.string().regex(/^[0-9a-f]{32}$/) }).passthrough();

interface FormState {
  status?: number;
  /** A convention's span chosen wrong, said next to its field. */
  spanError?: string;
  body?: Record<string, unknown>;
  errors?: Record<string, string>;
  alert?: string;
}

/** Staff set a pole's targets per year; a pole's manager proposes next year's. */
export function createTargetsHandlers({ targets, clock }: Pick<Services, 'targets' | 'clock'>) {
  const thisYear = () => targetYears(clock).current;
  const yearList = () => {
    const { min, max } = targetYears(clock);
    return Array.from({ length: max - min + 1 }, (_, i) => max - i);
  };

  /**
   * The year (`annee`), or a convention's span (`de` and `a`, 2 to 6 years), within the years a target may
   * cover. A span the page's own choice made wrong (an end before its start, too long) is `spanError`, said
   * next to the field; anything else malformed is a 400.
   */
  function spanOf(req: Request): Span | { spanError: string } {
    const year = z.preprocess(blank, z.coerce.number().int().optional());
    const parsed = z.object({ annee: year, de: year, a: year }).passthrough().safeParse(req.query);
    if (!parsed.success) throw new BadRequest();
    const { annee, de, a } = parsed.data;
    const { min, max } = targetYears(clock);
    const inRange = (y: number) => y >= min && y <= max;
    if (de !== undefined || a !== undefined) {
      if (de === undefined || a === undefined || annee !== undefined || !inRange(de) || !inRange(a)) throw new BadRequest();
      if (a <= de || a - de + 1 > MAX_SPAN_YEARS) return { spanError: t('targets.error.span', { max: String(MAX_SPAN_YEARS) }) };
      return { first: de, last: a };
    }
    const y = annee ?? thisYear();
    if (!inRange(y)) throw new BadRequest();
    return { first: y, last: y };
  }

  async function render(req: Request, res: Response, pole: PoleRow, span: Span, mode: 'staff' | 'manager', state: FormState = {}) {
    const annual = span.first === span.last;
    const year = span.first;
    const { lines, digest } = annual ? await targets.form(pole, year) : await targets.formSpan(pole, span);
    const query = annual ? `annee=${year}` : `de=${span.first}&a=${span.last}`;
    const action = mode === 'staff' ? `/admin/poles/${pole.slug}/objectifs?${query}` : `/mon-pole/${pole.slug}/objectifs`;
    const errors = state.errors ?? {};
    const label = annual ? String(year) : `${span.first}–${span.last}`;
    res.status(state.status ?? 200).render('pages/targets/form', {
      title: t(annual ? 'targets.title' : 'targets.spanTitle', { year: label, pole: pole.name }),
      annual,
      spanLabel: label,
      spans:
        mode === 'staff' && annual
          ? (await targets.spansOf(pole)).map((x) => ({
              label: `${x.first}–${x.last}`,
              href: `/admin/poles/${pole.slug}/objectifs?de=${x.first}&a=${x.last}`,
            }))
          : null,
      spanFrom:
        mode === 'staff' && annual ? yearList().map((y) => ({ value: String(y), label: String(y), selected: y === thisYear() - 1 })) : null,
      spanTo:
        mode === 'staff' && annual ? yearList().map((y) => ({ value: String(y), label: String(y), selected: y === thisYear() + 1 })) : null,
      spanError: state.spanError,
      spanErrors: state.spanError ? { de: state.spanError } : undefined,
      nav: mode === 'staff' ? 'poles' : 'my-pole',
      pole,
      year,
      mode,
      action,
      digest,
      conflict: state.status === 409,
      intro: !annual
        ? t('targets.spanIntro', { span: label })
        : mode === 'staff'
          ? t('targets.intro')
          : `${t('targets.proposeIntro', { year: String(year) })} ${t('targets.intro')}`,
      previousYear: year - 1,
      yearOptions:
        mode === 'staff' && annual ? yearList().map((y) => ({ value: String(y), label: String(y), selected: y === year })) : null,
      rows: lines.map((l) => row(l, state.body, errors, mode, annual)),
      errorList: lines
        .filter((l) => errors[fieldOf(l)])
        .map((l) => ({
          href: `#f-${fieldOf(l)}`,
          text: `${labelOf(l)} : ${errors[fieldOf(l)]}`,
        })),
      alert: state.alert,
      back: mode === 'staff' ? `/poles/${pole.slug}` : `/mon-pole/${pole.slug}`,
    });
  }

  function save(mode: 'staff' | 'manager') {
    return async (req: Request, res: Response) => {
      const pole = scopedPole(req);
      const asked = mode === 'staff' ? spanOf(req) : { first: thisYear() + 1, last: thisYear() + 1 };
      // A post names the span its own page was drawn for: a wrong one was forged.
      if ('spanError' in asked) throw new BadRequest();
      const span = asked;
      const annual = span.first === span.last;
      const label = annual ? String(span.first) : `${span.first}–${span.last}`;
      const parsed = bodySchema.safeParse(req.body ?? {});
      if (!parsed.success) throw new BadRequest();
      const body = req.body as Record<string, unknown>;
      await handleForm(req, res, {
        parse: () => ({ ok: true, data: undefined }),
        run: () =>
          mode === 'manager'
            ? targets.propose(pole, span.first, body, parsed.data.digest, actor(req))
            : annual
              ? targets.saveYear(pole, span.first, body, parsed.data.digest, actor(req))
              : targets.saveSpan(pole, span, body, parsed.data.digest, actor(req)),
        rerender: (f: FormFailure) =>
          render(req, res, pole, span, mode, {
            status: f.status,
            body,
            errors: f.status === 422 ? f.errors : {},
            alert: f.status === 409 ? t('targets.conflict') : undefined,
          }),
        success: (count) => ({
          flash: t(`targets.saved.${count === 0 ? '0' : count === 1 ? '1' : 'n'}`, { count: String(count), year: label }),
          to: mode === 'staff' ? `/poles/${pole.slug}#objectifs` : `/mon-pole/${pole.slug}#objectifs`,
        }),
      });
    };
  }

  return {
    async showStaff(req: Request, res: Response) {
      const asked = spanOf(req);
      if ('spanError' in asked) {
        const y = thisYear();
        return render(req, res, scopedPole(req), { first: y, last: y }, 'staff', { status: 422, spanError: asked.spanError });
      }
      await render(req, res, scopedPole(req), asked, 'staff');
    },
    saveStaff: save('staff'),
    async showPropose(req: Request, res: Response) {
      await render(req, res, scopedPole(req), { first: thisYear() + 1, last: thisYear() + 1 }, 'manager');
    },
    savePropose: save('manager'),
  };
}

const fieldOf = (l: TargetLine) => targetField(l.indicator.code, l.category?.code ?? '');
const labelOf = (l: TargetLine) => (l.category ? `${l.indicator.label_fr} — ${l.category.label_fr}` : l.indicator.label_fr);

/** One indicator's line: its label and kind of target, last year's target and actual, the field. */
function row(
  l: TargetLine,
  body: Record<string, unknown> | undefined,
  errors: Record<string, string>,
  mode: 'staff' | 'manager',
  annual: boolean,
) {
  const ind = l.indicator;
  const name = fieldOf(l);
  const decimals = targetDecimals(ind);
  const stored = l.target ? formatScaled(l.target.value_scaled, decimals) : '';
  const typed = body && typeof body[name] === 'string' ? (body[name] as string) : stored;
  return {
    code: ind.code,
    name,
    label: labelOf(l),
    // Under its indicator's total, a category's line shows its own name; the whole label stays for screen readers.
    categoryLabel: l.category?.label_fr ?? '',
    indicatorLabel: ind.label_fr,
    // A category's line sits under its indicator's total.
    categoryCode: l.category?.code ?? '',
    unit: tDynamic('unit', ind.unit),
    kindHint: t(annual ? `targets.kind.${ind.kind}` : `targets.spanKind.${ind.kind}`),
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
