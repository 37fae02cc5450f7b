import type { Knex } from 'knex';
import type { Departement, Region } from './geography.ts';
import { sortFr } from '../lib/french-order.ts';

export interface RegionRow {
  code: string;
  name: string;
  zone: string;
}
export interface DepartementRow {
  code: string;
  name: string;
  region_code: string;
  zone: string;
}

/** The only SQL about regions and départements. */
export class ReferenceRepo {
  /** Inserts missing rows and corrects changed names: safe to run on every start. */
  async upsertGeography(db: Knex, regions: Region[], departements: Departement[]): Promise<void> {
    await db.transaction(async (trx) => {
      await trx('regions')
        .insert(regions.map((r) => ({ code: r.code, name: r.name, zone: r.zone })))
        .onConflict('code')
        .merge(['name', 'zone']);
      await trx('departements')
        .insert(departements.map((d) => ({ code: d.code, name: d.name, region_code: d.regionCode, zone: d.zone })))
        .onConflict('code')
        .merge(['name', 'region_code', 'zone']);
    });
  }

  async regions(db: Knex): Promise<RegionRow[]> {
    return sortFr(await db('regions').select('code', 'name', 'zone'), (r: RegionRow) => r.name);
  }

  async departements(db: Knex): Promise<DepartementRow[]> {
    return db('departements').select('code', 'name', 'region_code', 'zone').orderBy('code');
  }

  async region(db: Knex, code: string): Promise<RegionRow | undefined> {
    return db('regions').where({ code }).first('code', 'name', 'zone');
  }

  /** The territory rows (EPCI, départements) of some poles, for their populations. */
  async poleTerritories(db: Knex, poleIds: number[]): Promise<{ pole_id: number; kind: string; code: string }[]> {
    if (!poleIds.length) return [];
    const rows: { pole_id: number | string; kind: string; code: string }[] = await db('pole_territories')
      .whereIn('pole_id', poleIds)
      .select('pole_id', 'kind', 'code');
    return rows.map((r) => ({ pole_id: Number(r.pole_id), kind: r.kind, code: r.code }));
  }
}
