// Twelve quarters of indicators for every demo pole, entered, submitted, returned and validated through
// the same services as the app (so every value has its revisions), on a clock that walks through the
// quarters: submissions happen after each quarter ends, some of them late. Deterministic for a given date.
import type { DateTime } from 'luxon';
import type { Clock } from '../server/lib/clock.ts';
import { addQuarters, lastClosedQuarter, opensAt, type Quarter } from '../server/lib/quarters.ts';
import { field } from '../server/reporting/entry-rules.ts';
import { buildServices, type Services } from '../server/services.ts';
import type { Random } from './random.ts';

export const DEMO_QUARTERS = 12;

/** A clock the seed moves along the quarters; it never goes past the real present. */
class WalkingClock implements Clock {
  constructor(
    private current: DateTime,
    private readonly limit: DateTime,
  ) {}
  now(): DateTime {
    return this.current;
  }
  set(dt: DateTime): void {
    this.current = dt < this.limit ? dt : this.limit;
  }
}

type Fate = 'none' | 'draft' | 'submitted' | 'returned' | 'validated' | 'returned-then-validated';

/** What happens to quarter i (0 = oldest) of the k-th pole. */
function fateOf(k: number, i: number): Fate {
  if (i === DEMO_QUARTERS - 1)
    return (['none', 'draft', 'draft', 'submitted', 'submitted', 'submitted', 'validated', 'validated'] as const)[k % 8];
  if (i === DEMO_QUARTERS - 2) return k % 13 === 0 ? 'returned' : k % 11 === 0 ? 'submitted' : 'validated';
  if (k % 17 === i) return 'none';
  if (i % 4 === 1 && k % 5 === i % 5) return 'returned-then-validated';
  return 'validated';
}

const SEASON = [1.0, 1.1, 0.8, 1.15]; // summer is quieter, the end of the year busier

const round = (x: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.max(0, Math.round(x * f) / f);
};
const fr = (x: number) => String(x).replace('.', ',');

/** The form a pole's manager would type for one quarter. */
async function typedForm(
  s: Services,
  rand: Random,
  poleId: number,
  q: Quarter,
  i: number,
  profile: { size: number; growth: number; selfFinancing: number },
) {
  const { size, growth } = profile;
  const season = SEASON[q.quarter - 1];
  const trend = 1 + growth * i;
  const noise = () => 0.85 + rand.next() * 0.3;
  const body: Record<string, string> = {};
  const set = (code: string, value: number, decimals = 0) => (body[field.value(code)] = fr(round(value, decimals)));
  set('EMP_CREES', size * 1.6 * season * trend * noise(), 1);
  set('ACT_CONSOLIDEES', size * 2 * season * noise());
  set('TE_ACTIONS', size * 1.3 * season * (1 + growth * i * 2) * noise());
  set('ACT_CREEES', size * 0.8 * season * noise());
  set('MUTUALISATIONS', size * 1.5 * season * noise());
  set('PERS_FORMEES', size * 24 * season * trend * noise());
  set('REEMPLOI_T', size * 11 * season * trend * noise(), 1);
  const total = Math.round(size * 42000 * season * noise());
  body[field.value('RESSOURCES_TOTALES')] = String(total);
  body[field.value('RESSOURCES_PROPRES')] = String(Math.round(total * profile.selfFinancing * noise() * 0.9));
  set('EMP_ETP_FIN', size * 55 * (1 + growth * i * 0.8), 1);
  set('PROJ_INNOV_SOCIALE', size * 2.5 + i / 4);
  set('MATURITE_COOP', Math.min(4, 1 + Math.floor(i / 4) + (size > 1.6 ? 1 : 0)));
  for (const code of ['EMP_ETP_FIN', 'PROJ_INNOV_SOCIALE', 'MATURITE_COOP', 'MEMBRES']) body[field.confirm(code)] = '1';
  // MEMBRES as the member register says at quarter end.
  const { ctx } = await s.reporting.context((await s.repos.poles.findById(s.db, poleId))!, q);
  for (const [key, count] of ctx.register ?? []) body[`v.${key}`] = String(count);
  // A few figures are not available, as in real life.
  for (const code of ['REEMPLOI_T', 'PERS_FORMEES']) {
    if (rand.next() < 0.03) {
      delete body[field.value(code)];
      body[field.na(code)] = '1';
      body[field.naReason(code)] = code === 'REEMPLOI_T' ? 'Pesées de la déchetterie non transmises' : 'Bilan de formation en cours';
    }
  }
  // Now and then a real jump, explained.
  if (i >= 5 && rand.next() < 0.04) {
    set('EMP_CREES', size * 9 * season, 1);
    body[field.comment('EMP_CREES')] = 'Ouverture d’un nouvel atelier d’insertion : recrutement de toute une équipe.';
  }
  body.highlights = rand.pick([
    'Lancement d’un groupement d’achats entre membres.',
    'Nouvelle convention avec la communauté de communes.',
    'Journée portes ouvertes du pôle : 150 visiteurs.',
    'Deux nouvelles structures ont rejoint la coopération.',
    'Mise en place d’un atelier partagé de réparation.',
  ]);
  return body;
}

/** Enters the demo quarters of every pole. Returns how many quarter reports exist afterwards. */
export async function loadDemoQuarters(
  base: Services,
  rand: Random,
  poleIds: number[],
  managers: Map<number, number>,
  staffId: number,
): Promise<number> {
  const today = base.clock.now();
  const last = lastClosedQuarter(today);
  const clock = new WalkingClock(today, today);
  const s = buildServices({ config: base.config, db: base.db, clock, logger: base.logger });
  let reports = 0;
  for (const [k, poleId] of poleIds.entries()) {
    const pole = (await s.repos.poles.findById(s.db, poleId))!;
    const manager = { userId: managers.get(poleId) ?? staffId, requestId: 'demo-seed' };
    const staff = { userId: staffId, requestId: 'demo-seed' };
    const profile = { size: 0.5 + rand.next() * 2, growth: rand.next() * 0.04, selfFinancing: 0.2 + rand.next() * 0.35 };
    for (let i = 0; i < DEMO_QUARTERS; i++) {
      const q = addQuarters(last, i - (DEMO_QUARTERS - 1));
      const fate = fateOf(k, i);
      if (fate === 'none') continue;
      const opened = opensAt(q);
      // Most poles submit within the 30 days allowed; some are late.
      clock.set(opened.plus({ days: rand.int(4, 44), hours: rand.int(8, 18) }));
      const body = await typedForm(s, rand, poleId, q, i, profile);
      const submit = fate !== 'draft';
      let prepared = await s.reporting.prepare(pole, q, body, { submit, checkVersion: false });
      if (prepared.kind === 'invalid') {
        // A jump the rules flag gets the comment a manager would write.
        for (const key of Object.keys(prepared.errors))
          if (key.startsWith('c.')) body[key] = 'Évolution due à l’arrivée de nouveaux membres dans la coopération.';
        prepared = await s.reporting.prepare(pole, q, body, { submit, checkVersion: false });
      }
      if (prepared.kind !== 'ready') throw new Error(`demo quarter ${pole.slug} ${q.year}-T${q.quarter}: ${JSON.stringify(prepared)}`);
      await s.reporting.applyAll([prepared.plan], manager);
      reports++;
      if (fate === 'draft' || fate === 'submitted') continue;
      const report = async () => (await s.repos.reporting.report(s.db, pole.id, q))!;
      clock.set(clock.now().plus({ days: rand.int(2, 12) }));
      if (fate === 'returned' || fate === 'returned-then-validated') {
        const r = await report();
        await s.review.decide(
          r,
          'return',
          r.version,
          'Les ressources propres semblent incomplètes : merci de vérifier avec votre comptable.',
          staff,
        );
        if (fate === 'returned') continue;
        clock.set(clock.now().plus({ days: rand.int(2, 8) }));
        const again = await s.reporting.prepare(
          pole,
          q,
          { ...(await s.reporting.storedAsBody(pole, q)) },
          { submit: true, checkVersion: false },
        );
        if (again.kind !== 'ready') throw new Error(`demo resubmission ${pole.slug}: ${JSON.stringify(again)}`);
        await s.reporting.applyAll([again.plan], manager);
        clock.set(clock.now().plus({ days: rand.int(1, 6) }));
      }
      const r = await report();
      await s.review.decide(r, 'validate', r.version, '', staff);
    }
  }
  return reports;
}
