import { createRequire } from 'node:module';

// Official geography (INSEE COG) from @etalab/decoupage-administratif, pinned in package.json.
// Never typed by hand: regions and départements of the zones metro and drom, EPCI with population.
const require = createRequire(import.meta.url);

export interface Region {
  code: string;
  name: string;
  zone: 'metro' | 'drom';
}
export interface Departement {
  code: string;
  name: string;
  regionCode: string;
  zone: 'metro' | 'drom';
}
export interface Epci {
  code: string;
  name: string;
  population: number;
  departementCodes: string[];
}

interface RawArea {
  code: string;
  nom: string;
  zone: string;
  region?: string;
}
interface RawEpci {
  code: string;
  nom: string;
  populationTotale?: number;
  membres: { code: string }[];
}

const KEPT_ZONES = new Set(['metro', 'drom']);

export function officialRegions(): Region[] {
  const raw = require('@etalab/decoupage-administratif/data/regions.json') as RawArea[];
  return raw.filter((r) => KEPT_ZONES.has(r.zone)).map((r) => ({ code: r.code, name: r.nom, zone: r.zone as Region['zone'] }));
}

export function officialDepartements(): Departement[] {
  const raw = require('@etalab/decoupage-administratif/data/departements.json') as RawArea[];
  return raw
    .filter((d) => KEPT_ZONES.has(d.zone))
    .map((d) => ({ code: d.code, name: d.nom, regionCode: d.region!, zone: d.zone as Departement['zone'] }));
}

/** The département of a commune from its INSEE code: 2A/2B for Corsica, three digits overseas. */
export function departementOfCommune(communeCode: string): string {
  return communeCode.startsWith('97') ? communeCode.slice(0, 3) : communeCode.slice(0, 2);
}

let epciCache: Map<string, Epci> | null = null;

/** Every EPCI with the départements its member communes lie in (loaded once, on first use). */
export function officialEpcis(): Map<string, Epci> {
  if (!epciCache) {
    const raw = require('@etalab/decoupage-administratif/data/epci.json') as RawEpci[];
    epciCache = new Map(
      raw.map((e) => [
        e.code,
        {
          code: e.code,
          name: e.nom,
          population: e.populationTotale ?? 0,
          departementCodes: [...new Set(e.membres.map((m) => departementOfCommune(m.code)))].sort(),
        },
      ]),
    );
  }
  return epciCache;
}
