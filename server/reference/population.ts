import { createRequire } from 'node:module';
import { t } from '../i18n/messages.ts';

// Populations from @etalab/decoupage-administratif (pinned in package.json), never typed by hand: each
// current commune's `population` is INSEE's population municipale; regions, départements, EPCI and a
// pole's territory are sums of communes, so every figure divided by a population uses one vintage.
// The package's epci.json also carries a `populationMunicipale` per EPCI (from the DGCL's list), but of
// the previous vintage (Paris 2 113 705 there, 2 103 778 in communes.json): it is not used, so that a
// pole, its region and France are never divided by populations of two different years.
const require = createRequire(import.meta.url);

/**
 * The vintage of the populations each package version ships (its README: « Millésimes et versions de
 * package », and its sources: INSEE's populations légales, Mayotte's 2017 census). A version missing here
 * stops the module at load: the vintage said on every page must be checked before the package is upgraded.
 */
export const POPULATION_VINTAGES: Record<string, { year: number; mayotte: number }> = {
  '6.0.0': { year: 2023, mayotte: 2017 },
};

/** The regions a national figure covers (the nation aggregates their poles); the COM are not among them. */
const NATIONAL_ZONES = new Set(['metro', 'drom']);

interface RawCommune {
  code: string;
  type: string;
  zone: string;
  departement: string;
  region: string;
  population?: number;
}
interface RawEpci {
  code: string;
  membres: { code: string }[];
}

/** A pole's territory row (table pole_territories). */
export interface TerritoryRef {
  kind: string;
  code: string;
}

export interface TerritoryPopulation {
  /** Inhabitants of the union of the territory's communes (a commune in an EPCI and a département counts once). */
  population: number;
  /** Rows with no population here: an unknown kind or code. The population leaves them out. */
  missing: TerritoryRef[];
}

export interface Populations {
  /** The package version the figures come from. */
  readonly packageVersion: string;
  /** The population municipale's vintage year, and Mayotte's (its last census). */
  readonly year: number;
  readonly mayotteYear: number;
  /** « population municipale, millésime 2023 (INSEE, via @etalab/decoupage-administratif 6.0.0) … » */
  readonly vintage: string;
  region(code: string): number | undefined;
  departement(code: string): number | undefined;
  epci(code: string): number | undefined;
  /** France as the national figures cover it: the sum of the metropolitan and overseas regions. */
  france(): number;
  territory(rows: TerritoryRef[]): TerritoryPopulation;
}

function sumInto(map: Map<string, number>, key: string, n: number) {
  map.set(key, (map.get(key) ?? 0) + n);
}

/** Builds the populations from the package's raw lists (pure; tests may pass small lists). */
export function buildPopulations(raw: {
  communes: RawCommune[];
  epcis: RawEpci[];
  regionZones: Map<string, string>;
  packageVersion: string;
}): Populations {
  const vintageOf = POPULATION_VINTAGES[raw.packageVersion];
  if (!vintageOf)
    throw new Error(`@etalab/decoupage-administratif ${raw.packageVersion}: population vintage unknown (server/reference/population.ts)`);
  // Current communes only: Paris, Lyon and Marseille's arrondissements, delegated and associated communes
  // are parts of a current commune, already in its population.
  const commune = new Map<string, RawCommune>();
  for (const c of raw.communes) if (c.type === 'commune-actuelle' && c.population !== undefined) commune.set(c.code, c);
  const regions = new Map<string, number>();
  const departements = new Map<string, number>();
  const communesOfDep = new Map<string, string[]>();
  for (const c of commune.values()) {
    sumInto(regions, c.region, c.population!);
    sumInto(departements, c.departement, c.population!);
    const list = communesOfDep.get(c.departement);
    if (list) list.push(c.code);
    else communesOfDep.set(c.departement, [c.code]);
  }
  const membersOf = new Map(raw.epcis.map((e) => [e.code, e.membres.map((m) => m.code)]));
  const ofCommunes = (codes: Iterable<string>) => {
    let n = 0;
    for (const code of codes) n += commune.get(code)?.population ?? 0;
    return n;
  };
  const epcis = new Map([...membersOf].map(([code, members]) => [code, ofCommunes(members)]));
  const france = [...regions].filter(([code]) => NATIONAL_ZONES.has(raw.regionZones.get(code) ?? '')).reduce((n, [, p]) => n + p, 0);
  const communesOf = (r: TerritoryRef): string[] | undefined =>
    r.kind === 'epci' ? membersOf.get(r.code) : r.kind === 'departement' ? communesOfDep.get(r.code) : undefined;
  return {
    packageVersion: raw.packageVersion,
    year: vintageOf.year,
    mayotteYear: vintageOf.mayotte,
    vintage: t('perInhabitant.vintage', { year: vintageOf.year, version: raw.packageVersion, mayotte: vintageOf.mayotte }),
    region: (code) => regions.get(code),
    departement: (code) => departements.get(code),
    epci: (code) => epcis.get(code),
    france: () => france,
    territory(rows) {
      const codes = new Set<string>();
      const missing: TerritoryRef[] = [];
      for (const r of rows) {
        const list = communesOf(r);
        if (!list) missing.push({ kind: r.kind, code: r.code });
        else for (const c of list) codes.add(c);
      }
      return { population: ofCommunes(codes), missing };
    },
  };
}

let cache: Populations | null = null;

/** The official populations, read from the package once, on first use. */
export function officialPopulations(): Populations {
  if (!cache) {
    const regions = require('@etalab/decoupage-administratif/data/regions.json') as { code: string; zone: string }[];
    cache = buildPopulations({
      communes: require('@etalab/decoupage-administratif/data/communes.json') as RawCommune[],
      epcis: require('@etalab/decoupage-administratif/data/epci.json') as RawEpci[],
      regionZones: new Map(regions.map((r) => [r.code, r.zone])),
      packageVersion: (require('@etalab/decoupage-administratif/package.json') as { version: string }).version,
    });
  }
  return cache;
}
