// The demo data set: fictional poles on real territories, with plausible members, and one account per
// kind of user. Loaded only into an empty database, through the same services the app uses.
// Deterministic: the same random seed gives the same data on every machine.
import { loadDemoTargets } from './demo-targets.ts';
import { loadDemoGroups } from './demo-groups.ts';
import type { Services } from '../server/services.ts';
import type { DateTime } from 'luxon';
import { seededRandom, type Random } from './random.ts';
import { officialEpcis, officialRegions, type Epci } from '../server/reference/geography.ts';
import type { MemberCategory } from '../server/poles/poles.schema.ts';
import type { PoleRow } from '../server/poles/poles.repo.ts';
import { addQuarters, lastClosedQuarter } from '../server/lib/quarters.ts';
import { DEMO_QUARTERS, loadDemoQuarters } from './demo-quarters.ts';

export const DEMO_PASSWORD = 'ptce-demo-2026';
export const DEMO_DOMAIN = 'demo.ptce-impact.fr';

export { seededRandom } from './random.ts';

/** Each theme with what its poles cooperate on, as a sentence says it. */
const THEMES = [
  ['Réemploi et économie circulaire', 'le réemploi et l’économie circulaire'],
  ['Alimentation durable', 'une alimentation durable et locale'],
  ['Mobilités solidaires', 'des mobilités solidaires'],
  ['Énergies citoyennes', 'des énergies renouvelables portées par les habitants'],
  ['Habitat et éco-construction', 'l’habitat et l’éco-construction'],
  ['Tiers-lieux et coopération', 'des tiers-lieux ouverts à tous'],
  ['Numérique inclusif', 'un numérique accessible à tous'],
  ['Filière bois local', 'la filière du bois local, de la forêt à l’artisan'],
  ['Textile solidaire', 'un textile solidaire et réemployé'],
  ['Services à la personne', 'les services à la personne'],
  ['Tourisme social', 'un tourisme social et solidaire'],
  ['Agriculture paysanne', 'l’agriculture paysanne'],
] as const;
const ESS = [
  'Ressourcerie',
  'SCIC',
  'Association d’insertion',
  'Chantier d’insertion',
  'Coopérative d’activité et d’emploi',
  'Épicerie solidaire',
  'Régie de quartier',
  'Entreprise adaptée',
];
const NON_ESS = ['SARL', 'Boulangerie', 'Menuiserie', 'Garage', 'Imprimerie', 'Bureau d’études', 'Transports', 'Ferme'];
const OTHERS: [MemberCategory, string][] = [
  ['recherche', 'Laboratoire universitaire'],
  ['formation', 'Lycée professionnel'],
  ['formation', 'Centre de formation'],
  ['autre', 'Conseil de développement'],
  ['autre', 'Fondation territoriale'],
  ['recherche', 'Institut de recherche'],
];
const SURNAMES = [
  'du Val',
  'des Coteaux',
  'de la Vallée',
  'du Plateau',
  'des Sources',
  'du Bocage',
  'des Deux Rives',
  'du Causse',
  'des Landes',
  'du Littoral',
];
const WAVES = [
  { wave: 'aap_2013', years: [2012, 2013] },
  { wave: 'aap_2015', years: [2014, 2015] },
  { wave: 'ami_2021_2023', years: [2021, 2022, 2023] },
  { wave: 'autre', years: [2016, 2018, 2019, 2020] },
] as const;

/** A valid SIREN (Luhn) from 8 random digits. */
function fakeSiren(rand: Random): string {
  const digits = Array.from({ length: 8 }, () => rand.int(0, 9));
  for (let check = 0; check <= 9; check++) {
    const all = [...digits, check];
    let sum = 0;
    all.reverse().forEach((d, i) => {
      let x = i % 2 === 1 ? d * 2 : d;
      if (x > 9) x -= 9;
      sum += x;
    });
    if (sum % 10 === 0) return [...digits, check].join('');
  }
  return '356000000';
}

// Regions with poles (13 of them, metropolitan and overseas), and how many poles each gets.
const REGION_PLAN: [string, number][] = [
  ['76', 5],
  ['84', 4],
  ['75', 4],
  ['53', 3],
  ['52', 3],
  ['44', 3],
  ['32', 3],
  ['11', 3],
  ['93', 3],
  ['27', 2],
  ['28', 2],
  ['24', 2],
  ['04', 2],
];

export interface DemoSummary {
  poles: number;
  users: number;
  quarters: number;
}

/** Loads the demo set. Refuses in production: a real installation starts from `npm run user:create`. */
export async function loadDemoData(s: Services, opts: { seed?: number; regions?: number } = {}): Promise<DemoSummary> {
  const seed = opts.seed ?? 2026;
  if (s.config.env === 'production') throw new Error('Les données de démonstration ne se chargent jamais en production.');
  const rand = seededRandom(seed);
  // Tests may load only the first regions of the plan (A, B and C's regions come first).
  const polesByRegion = await createDemoPoles(s, rand, REGION_PLAN.slice(0, opts.regions ?? REGION_PLAN.length));
  const accounts = demoAccounts(polesByRegion);
  const ids: Record<string, number> = {};
  for (const a of accounts) ids[a.email] = (await s.users.createUser({ ...a, password: DEMO_PASSWORD }, SEED_ACTOR)).id;
  const managers = new Map<number, number>();
  for (const a of accounts) for (const poleId of a.poleIds) managers.set(poleId, ids[a.email]);
  const allPoles = [...polesByRegion.values()].flat();
  const quarters = await loadDemoQuarters(
    s,
    rand,
    allPoles.map((p) => p.id),
    managers,
    ids[`staff@${DEMO_DOMAIN}`],
  );
  const managerA = accounts.find((a) => a.email === `manager.a@${DEMO_DOMAIN}`)!;
  await loadDemoTargets(
    s,
    rand,
    allPoles.map((p) => p.id),
    ids[`staff@${DEMO_DOMAIN}`],
    { poleId: managerA.poleIds[0], managerId: ids[managerA.email] },
  );
  await publishDemoSummaries(s, ids[`staff@${DEMO_DOMAIN}`]);
  // Pole groups (Filière, Territoire, Programme): no random draw, every pole placed in one group of each set.
  await loadDemoGroups(
    s,
    allPoles.map((p) => p.id),
    ids[`staff@${DEMO_DOMAIN}`],
  );
  s.logger.info({ poles: allPoles.length, users: accounts.length, quarters }, 'demo data loaded');
  return { poles: allPoles.length, users: accounts.length, quarters };
}

const SEED_ACTOR = { userId: null, requestId: 'demo-seed' };

type DemoPole = { id: number; slug: string };
type DemoMember = { name: string; category: MemberCategory; siren: string };

/** The plan's poles, region by region, each on one or two EPCI of its region, with its members. */
async function createDemoPoles(s: Services, rand: Random, plan: [string, number][]): Promise<Map<string, DemoPole[]>> {
  const regions = new Map(officialRegions().map((r) => [r.code, r]));
  const departementsByRegion = new Map<string, Set<string>>();
  for (const d of await s.repos.reference.departements(s.db)) {
    const set = departementsByRegion.get(d.region_code) ?? new Set<string>();
    set.add(d.code);
    departementsByRegion.set(d.region_code, set);
  }
  const epcis = [...officialEpcis().values()].sort((a, b) => a.code.localeCompare(b.code));
  const polesByRegion = new Map<string, DemoPole[]>();
  const today = s.clock.now();
  const usedNames = new Set<string>();
  for (const [regionCode, count] of plan) {
    if (!regions.has(regionCode)) continue;
    const deps = departementsByRegion.get(regionCode)!;
    // EPCI wholly inside the region; each pole takes one out, so no two poles share their main EPCI.
    const candidates = epcis.filter((e) => e.departementCodes.length > 0 && e.departementCodes.every((d) => deps.has(d)));
    const list: DemoPole[] = [];
    for (let i = 0; i < count; i++) list.push(await createDemoPole(s, rand, { regionCode, candidates, usedNames, index: i, today }));
    polesByRegion.set(regionCode, list);
  }
  return polesByRegion;
}

/** One pole: its EPCI, theme, name, founding wave and form, then its members. */
async function createDemoPole(
  s: Services,
  rand: Random,
  at: { regionCode: string; candidates: Epci[]; usedNames: Set<string>; index: number; today: DateTime },
): Promise<DemoPole> {
  const epci = at.candidates.splice(rand.int(0, at.candidates.length - 1), 1)[0];
  const second = rand.next() < 0.3 ? at.candidates.find((e) => e.departementCodes[0] === epci.departementCodes[0]) : undefined;
  const [theme, about] = rand.pick(THEMES);
  const shortName = epci.name.replace(
    /^(CC|CA|CU|Métropole|Communauté (de communes|d'agglomération|urbaine))\s+(du |de la |des |de l'|de |d')?/i,
    '',
  );
  let name = `${theme} ${shortName}`;
  if (at.usedNames.has(name)) name = `${name} ${at.index + 1}`;
  at.usedNames.add(name);
  const w = rand.pick(WAVES);
  const creationYear = rand.pick(w.years);
  const slug = await s.poles.create(
    {
      name,
      slug: '',
      region_code: at.regionCode,
      departement_code: epci.departementCodes[0],
      territory_epci: [epci.code, ...(second ? [second.code] : [])].join(', '),
      territory_departements: [],
      creation_year: creationYear,
      // Every demo pole reports the 12 quarters up to the last closed one.
      first_report: addQuarters(lastClosedQuarter(at.today), -(DEMO_QUARTERS - 1)),
      legal_form: rand.pick(['Association loi 1901', 'SCIC SAS', 'SCIC SARL', 'Association loi 1901']),
      description: `Des entreprises de l’ESS, des entreprises, des collectivités et des acteurs de la formation coopèrent pour ${about}, sur le territoire de ${epci.name}.`,
      contact_email: `contact@${slugFor(shortName)}.${DEMO_DOMAIN}`,
      website: '',
      founding_wave: w.wave,
    },
    SEED_ACTOR,
  );
  const pole = (await s.repos.poles.findBySlug(s.db, slug))!;
  await addDemoMembers(s, rand, pole, demoMembers(rand, epci), { creationYear, today: at.today });
  return { id: pole.id, slug };
}

/** Adds the members, each joined some month between the pole's creation and last year. */
async function addDemoMembers(
  s: Services,
  rand: Random,
  pole: PoleRow,
  members: DemoMember[],
  when: { creationYear: number; today: DateTime },
): Promise<void> {
  for (const m of members) {
    const joinedYear = rand.int(when.creationYear, Math.max(when.creationYear, when.today.year - 1));
    await s.poles.addMember(
      pole,
      {
        name: m.name,
        siren: m.siren,
        category: m.category,
        joined_on: `${joinedYear}-${String(rand.int(1, 12)).padStart(2, '0')}-01`,
        left_on: '',
      },
      SEED_ACTOR,
    );
  }
}

/** A pole's members. Most poles meet the décret's composition rule; a few young ones do not yet, to show the warning. */
function demoMembers(rand: Random, epci: Epci): DemoMember[] {
  const incomplete = rand.next() < 0.1;
  const members: DemoMember[] = [
    { name: `${rand.pick(ESS)} ${rand.pick(SURNAMES)}`, category: 'ess', siren: fakeSiren(rand) },
    { name: `${rand.pick(ESS)} ${rand.pick(SURNAMES)}`, category: 'ess', siren: rand.next() < 0.5 ? fakeSiren(rand) : '' },
  ];
  if (incomplete) return members;
  members.push({ name: `${rand.pick(NON_ESS)} ${rand.pick(SURNAMES)}`, category: 'non_ess', siren: fakeSiren(rand) });
  members.push({ name: epci.name, category: 'collectivite', siren: epci.code });
  for (let k = rand.int(0, 5); k > 0; k--) {
    const [category, label] = rand.pick(OTHERS);
    members.push({ name: `${label} ${rand.pick(SURNAMES)}`, category, siren: '' });
  }
  for (let k = rand.int(0, 3); k > 0; k--) {
    members.push({
      name: `${rand.pick(NON_ESS)} ${rand.pick(SURNAMES)}`,
      category: 'non_ess',
      siren: rand.next() < 0.5 ? fakeSiren(rand) : '',
    });
  }
  return members;
}

/**
 * The six demo accounts: manager A and B share a region (76, Occitanie); C is elsewhere (84); the regional
 * funder covers Occitanie and Nouvelle-Aquitaine.
 */
function demoAccounts(polesByRegion: Map<string, DemoPole[]>) {
  const occitanie = polesByRegion.get('76')!;
  const aura = polesByRegion.get('84')!;
  return [
    {
      email: `staff@${DEMO_DOMAIN}`,
      displayName: 'Camille Martin',
      role: 'staff' as const,
      poleIds: [],
      regionCodes: [],
    },
    {
      email: `manager.a@${DEMO_DOMAIN}`,
      displayName: 'Amélie Roux',
      role: 'manager' as const,
      poleIds: [occitanie[0].id],
      regionCodes: [],
    },
    {
      email: `manager.b@${DEMO_DOMAIN}`,
      displayName: 'Bruno Lefèvre',
      role: 'manager' as const,
      poleIds: [occitanie[1].id, occitanie[2].id],
      regionCodes: [],
    },
    { email: `manager.c@${DEMO_DOMAIN}`, displayName: 'Chloé Bernard', role: 'manager' as const, poleIds: [aura[0].id], regionCodes: [] },
    {
      email: `funder.region@${DEMO_DOMAIN}`,
      displayName: 'Fabrice Garnier (Région)',
      role: 'funder' as const,
      poleIds: [],
      regionCodes: ['76', '75'],
    },
    {
      email: `funder.national@${DEMO_DOMAIN}`,
      displayName: 'Nadia Haddad (Banque des Territoires)',
      role: 'funder' as const,
      poleIds: [],
      regionCodes: [],
    },
  ];
}

/**
 * The publications a real installation would have by now: the national summaries of the year before, of
 * its four quarters (open data offers a year only with them), and of the quarter before the last closed
 * one (that one is still under review). They freeze the aggregates,
 * so these are computed first (the scheduler then finds them and does not rebuild at start).
 */
async function publishDemoSummaries(s: Services, staffId: number): Promise<void> {
  // Through the job runner, as every run: « Tâches planifiées » and the dashboards' « mis à jour le » show it.
  const rebuilt = await s.scheduler.run('rebuild');
  if (!rebuilt.ran || rebuilt.status !== 'success')
    throw new Error(`demo data: the aggregates rebuild did not run (${rebuilt.ran ? rebuilt.error : rebuilt.reason})`);
  const last = lastClosedQuarter(s.clock.now());
  const previous = addQuarters(last, -1);
  const actor = { userId: staffId, requestId: 'demo-seed' };
  for (const quarter of [1, 2, 3, 4])
    await s.publications.publish({ periode: { kind: 'quarter', year: last.year - 1, quarter }, motif: '' }, actor);
  await s.publications.publish({ periode: { kind: 'year', year: last.year - 1 }, motif: '' }, actor);
  await s.publications.publish({ periode: { kind: 'quarter', year: previous.year, quarter: previous.quarter }, motif: '' }, actor);
}

function slugFor(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 30);
}
