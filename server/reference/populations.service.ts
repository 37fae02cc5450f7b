import type { Knex } from 'knex';
import { polePopulation, regionsPopulation } from './per-inhabitant.ts';
import type { Populations, TerritoryRef } from './population.ts';
import type { ReferenceRepo } from './reference.repo.ts';

/**
 * The divisors of per-inhabitant figures, by area: France, a region, a funder's regions together, and a
 * pole's territory (its rows read from pole_territories). Populations come from population.ts only.
 */
export class PopulationsService {
  constructor(private readonly deps: { populations: Populations; repos: { reference: Pick<ReferenceRepo, 'poleTerritories'> } }) {}

  /** « population municipale, millésime 2023 (INSEE, via …) ; Mayotte : recensement de 2017 ». */
  get vintage(): string {
    return this.deps.populations.vintage;
  }

  get populations(): Populations {
    return this.deps.populations;
  }

  france(): number {
    return this.deps.populations.france();
  }

  region(code: string): number | null {
    return this.deps.populations.region(code) ?? null;
  }

  /** Several regions together (a regional funder's scope); one region is its own population. */
  regions(codes: string[]): number | null {
    return regionsPopulation(this.deps.populations, codes);
  }

  /** Each pole's territory population, or null (« population inconnue »). */
  async poles(db: Knex, poleIds: number[]): Promise<Map<number, number | null>> {
    const rows = await this.deps.repos.reference.poleTerritories(db, [...new Set(poleIds)]);
    const byPole = new Map<number, TerritoryRef[]>(poleIds.map((id) => [id, []]));
    for (const r of rows) byPole.get(r.pole_id)?.push({ kind: r.kind, code: r.code });
    return new Map([...byPole].map(([id, refs]) => [id, polePopulation(this.deps.populations, refs)]));
  }
}
