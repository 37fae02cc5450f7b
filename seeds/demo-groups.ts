// Demo pole groups: the three example sets of issue #15 (« Filière », « Territoire », « Programme ») and
// every demo pole placed in one group of each, through the services staff use (audited). No random draw:
// each pole's groups follow from what it already is (its theme, its EPCI, its founding wave) and from its
// index, so the rest of the demo set is unchanged. A few poles change group over time: they join
// « AMI 2023 » from 2024-T1, their previous programme ending in 2023-T4.
import type { Services } from '../server/services.ts';
import type { PoleRow } from '../server/poles/poles.repo.ts';
import { quarterIndex } from '../server/lib/quarters.ts';

type GroupPlan = [code: string, label: string];
const SETS: { code: string; label: string; description: string; groups: GroupPlan[] }[] = [
  {
    code: 'filiere',
    label: 'Filière',
    description: 'La filière principale sur laquelle les membres du pôle coopèrent.',
    groups: [
      ['alimentation', 'Alimentation'],
      ['reemploi', 'Réemploi et économie circulaire'],
      ['energie', 'Énergie'],
      ['bois', 'Bois'],
      ['habitat', 'Habitat et éco-construction'],
      ['mobilite', 'Mobilités'],
      ['tourisme-social', 'Tourisme social'],
      ['services', 'Services, tiers-lieux et numérique'],
    ],
  },
  {
    code: 'territoire',
    label: 'Territoire',
    description: 'Le type de territoire du pôle.',
    groups: [
      ['rural', 'Rural'],
      ['urbain', 'Urbain'],
      ['quartier-prioritaire', 'Quartier prioritaire'],
    ],
  },
  {
    code: 'programme',
    label: 'Programme',
    description: 'L’appel national par lequel le pôle a été soutenu.',
    groups: [
      ['appel-2013', 'Appel 2013'],
      ['appel-2015', 'Appel 2015'],
      ['ami-2021', 'AMI 2021'],
      ['ami-2023', 'AMI 2023'],
      ['hors-appel', 'Hors appel national'],
    ],
  },
];

/** The demo themes (the first words of a pole's name) and their filière. */
const FILIERE_OF_THEME: [string, string][] = [
  ['Réemploi', 'reemploi'],
  ['Textile', 'reemploi'],
  ['Alimentation', 'alimentation'],
  ['Agriculture', 'alimentation'],
  ['Énergies', 'energie'],
  ['Filière bois', 'bois'],
  ['Habitat', 'habitat'],
  ['Mobilités', 'mobilite'],
  ['Tourisme', 'tourisme-social'],
];
const PROGRAMME_OF_WAVE: Record<string, string> = {
  aap_2013: 'appel-2013',
  aap_2015: 'appel-2015',
  ami_2021_2023: 'ami-2021',
  autre: 'hors-appel',
};
const CHANGE = quarterIndex({ year: 2024, quarter: 1 });

/** A pole's group code in each set, and the programme it joins from 2024-T1 (one pole in four). */
async function planOf(s: Services, pole: PoleRow, n: number) {
  const filiere = FILIERE_OF_THEME.find(([prefix]) => pole.name.startsWith(prefix))?.[1] ?? 'services';
  const epci = (await s.poles.territories(pole)).find((x) => x.kind === 'epci');
  const urban = epci !== undefined && !/^(CC|Communauté de communes)\b/.test(epci.name);
  const territoire = urban ? (n % 3 === 0 ? 'quartier-prioritaire' : 'urbain') : 'rural';
  const programme = PROGRAMME_OF_WAVE[pole.founding_wave] ?? 'hors-appel';
  return { filiere, territoire, programme, joinsAmi2023: n % 4 === 1 };
}

export async function loadDemoGroups(s: Services, poleIds: number[], staffId: number): Promise<number> {
  const actor = { userId: staffId, requestId: 'demo-seed' };
  const ids = new Map<string, { setId: number; groups: Map<string, number> }>();
  for (const [i, plan] of SETS.entries()) {
    const setId = await s.groups.createSet(
      { code: plan.code, label_fr: plan.label, description_fr: plan.description, display_order: (i + 1) * 10, version: undefined },
      actor,
    );
    const set = (await s.groups.set(setId))!;
    const groups = new Map<string, number>();
    for (const [j, [code, label]] of plan.groups.entries()) {
      groups.set(
        code,
        await s.groups.createGroup(set, { code, label_fr: label, display_order: (j + 1) * 10, active: true, version: undefined }, actor),
      );
    }
    ids.set(plan.code, { setId, groups });
  }
  let placed = 0;
  for (const [n, poleId] of poleIds.entries()) {
    const pole = (await s.repos.poles.findById(s.db, poleId))!;
    const plan = await planOf(s, pole, n);
    // Each pole is in its groups from the first quarter of its creation year.
    const since = quarterIndex({ year: pole.creation_year, quarter: 1 });
    const steps: [string, string, number][] = [
      ['filiere', plan.filiere, since],
      ['territoire', plan.territoire, since],
      ['programme', plan.programme, since],
    ];
    if (plan.joinsAmi2023 && plan.programme !== 'ami-2023') steps.push(['programme', 'ami-2023', Math.max(CHANGE, since + 1)]);
    for (const [setCode, groupCode, from] of steps) {
      const { setId, groups } = ids.get(setCode)!;
      const set = (await s.groups.set(setId))!;
      const [current] = (await s.memberships.poleSets(pole)).filter((p) => p.set.id === setId);
      await s.memberships.join(pole, set, { group: groups.get(groupCode)!, from, digest: current.digest }, actor);
      placed++;
    }
  }
  return placed;
}
