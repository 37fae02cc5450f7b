import type { Knex } from 'knex';
import type { CurrentUser } from '../http/current-user.ts';
import { isAllDigits } from '../lib/slug.ts';
import { compareFr, sortFr } from '../lib/french-order.ts';

export interface PoleRow {
  id: number;
  name: string;
  slug: string;
  region_code: string;
  departement_code: string;
  creation_year: number;
  first_report_year: number;
  first_report_quarter: number;
  archived_on: string | null;
  legal_form: string;
  description: string;
  contact_email: string;
  website: string;
  founding_wave: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A pole as the pages and jobs that follow its reporting calendar read it (name, link, first and last quarter). */
export type PoleCalendarRow = Pick<PoleRow, 'id' | 'name' | 'slug' | 'first_report_year' | 'first_report_quarter' | 'archived_on'>;

/** A pole's calendar with its region, as the reminder jobs and the completeness page read it. */
export interface PoleCalendarRegionRow extends PoleCalendarRow {
  region_code: string;
  region_name: string;
}

/** Poles (`p`) with their region (`g`), selecting a PoleCalendarRegionRow, by region name then pole name. */
export function poleCalendarsByRegion(db: Knex): Knex.QueryBuilder {
  return db('poles as p')
    .join('regions as g', 'g.code', 'p.region_code')
    .select(
      'p.id',
      'p.name',
      'p.slug',
      'p.region_code',
      'g.name as region_name',
      'p.first_report_year',
      'p.first_report_quarter',
      'p.archived_on',
    )
    .orderBy([{ column: 'g.name' }, { column: 'p.name' }]);
}

/** Restricts a query on `poles` (aliased `alias`) to what the user may see, in SQL. */
export function scopePoles(q: Knex.QueryBuilder, user: CurrentUser, alias = 'poles'): Knex.QueryBuilder {
  if (user.role === 'staff') return q;
  if (user.role === 'manager') return q.whereIn(`${alias}.id`, user.poleIds.length ? user.poleIds : [-1]);
  if (user.regionCodes.length === 0) return q; // national funder
  return q.whereIn(`${alias}.region_code`, user.regionCodes);
}

/** Restricts a query on `regions` to the user's regions (managers: the regions of their poles). */
export function scopeRegions(db: Knex, q: Knex.QueryBuilder, user: CurrentUser, alias = 'regions'): Knex.QueryBuilder {
  if (user.role === 'staff') return q;
  if (user.role === 'funder') return user.regionCodes.length ? q.whereIn(`${alias}.code`, user.regionCodes) : q;
  return q.whereIn(
    `${alias}.code`,
    db('poles')
      .whereIn('id', user.poleIds.length ? user.poleIds : [-1])
      .select('region_code'),
  );
}

/** The core SQL about poles: lookups and scope checks. */
export class PolesRepo {
  async findBySlug(db: Knex, slug: string): Promise<PoleRow | undefined> {
    return db('poles').where({ slug }).first();
  }

  async findById(db: Knex, id: number): Promise<PoleRow | undefined> {
    return db('poles').where({ id }).first();
  }

  /**
   * The pole named by `slug`, if the user may see it; undefined otherwise. Only ever by slug: the route
   * guard resolves a URL's pole here and hands this very row to the handler (an all-digit slug once
   * matched another pole's id).
   */
  async findInScope(db: Knex, user: CurrentUser, slug: string): Promise<PoleRow | undefined> {
    return scopePoles(db('poles').where('poles.slug', slug).select('poles.*').first(), user);
  }

  /** The region with this INSEE code, if the user may see it. */
  async findRegionInScope(db: Knex, user: CurrentUser, code: string): Promise<{ code: string; name: string } | undefined> {
    return scopeRegions(db, db('regions').where('regions.code', code).select('regions.code', 'regions.name').first(), user);
  }

  /** Poles the user may see, with their region's name, for cards and lists. */
  async listInScope(db: Knex, user: CurrentUser): Promise<(PoleRow & { region_name: string })[]> {
    const q = db('poles')
      .join('regions', 'regions.code', 'poles.region_code')
      .select('poles.*', 'regions.name as region_name')
      .orderBy([{ column: 'regions.name' }, { column: 'poles.name' }]);
    const rows: (PoleRow & { region_name: string })[] = await scopePoles(q, user);
    return sortFr(
      rows,
      (r) => r.region_name,
      (r) => r.name,
    );
  }

  /** Slugs made only of digits (refused since; see lib/slug.ts). */
  async allDigitSlugs(db: Knex): Promise<string[]> {
    const rows: { slug: string }[] = await db('poles').select('slug').orderBy('slug');
    return rows.map((r) => r.slug).filter(isAllDigits);
  }

  async count(db: Knex): Promise<number> {
    const row = await db('poles').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}

export interface TerritoryRow {
  kind: 'epci' | 'departement';
  code: string;
  name: string;
}

export type PoleWrite = Omit<PoleRow, 'id' | 'version' | 'created_at' | 'updated_at'>;

/** Writes on poles and their territories (always inside a service transaction). */
export class PolesWriteRepo {
  /** Values of the pole's validated reports in the quarter index ranges (inclusive): count and bounds. */
  async countValidatedOutside(db: Knex, poleId: number, ranges: [number, number][]) {
    if (!ranges.length) return { count: 0, min: null, max: null };
    const index = '(v.year * 4 + v.quarter - 1)';
    const row = await db('quarter_values as v')
      .join('quarter_reports as r', function () {
        this.on('r.pole_id', 'v.pole_id').andOn('r.year', 'v.year').andOn('r.quarter', 'v.quarter');
      })
      .where({ 'v.pole_id': poleId, 'r.status': 'validated' })
      .where((q) => {
        for (const [from, to] of ranges) q.orWhereRaw(`${index} between ? and ?`, [from, to]);
      })
      .first(db.raw('count(*) as n'), db.raw(`min${index} as lo`), db.raw(`max${index} as hi`));
    const n = Number(row?.n ?? 0);
    return { count: n, min: n ? Number(row.lo) : null, max: n ? Number(row.hi) : null };
  }

  async insert(trx: Knex.Transaction, row: PoleWrite, now: string): Promise<number> {
    const [inserted] = await trx('poles')
      .insert({ ...row, version: 1, created_at: now, updated_at: now })
      .returning('id');
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  /** Optimistic concurrency: returns false when the row's version moved on since the form was loaded. */
  async update(trx: Knex.Transaction, id: number, version: number, row: Partial<PoleWrite>, now: string): Promise<boolean> {
    const n = await trx('poles')
      .where({ id, version })
      .update({ ...row, version: version + 1, updated_at: now });
    return n === 1;
  }

  async territories(db: Knex, poleId: number): Promise<TerritoryRow[]> {
    const rows: TerritoryRow[] = await db('pole_territories')
      .where({ pole_id: poleId })
      .select('kind', 'code', 'name')
      .orderBy('kind', 'desc');
    // EPCI before communes (kind descending), each by name the French way.
    return [...rows].sort((a, b) => (a.kind === b.kind ? compareFr(a.name, b.name) : a.kind < b.kind ? 1 : -1));
  }

  async setTerritories(trx: Knex.Transaction, poleId: number, rows: TerritoryRow[]): Promise<void> {
    await trx('pole_territories').where({ pole_id: poleId }).delete();
    if (rows.length) await trx('pole_territories').insert(rows.map((r) => ({ ...r, pole_id: poleId })));
  }

  async slugTaken(db: Knex, slug: string, exceptId?: number): Promise<boolean> {
    const q = db('poles').where({ slug }).first('id');
    if (exceptId !== undefined) q.whereNot('id', exceptId);
    return Boolean(await q);
  }

  /** Staff list: search in name, filter by region and by archived state. */
  async search(
    db: Knex,
    filter: { q?: string; region?: string; archived?: 'actifs' | 'archives' | 'tous' },
    like: string,
  ): Promise<(PoleRow & { region_name: string; member_count: number })[]> {
    const q = db('poles')
      .join('regions', 'regions.code', 'poles.region_code')
      .select('poles.*', 'regions.name as region_name')
      .select(
        db('pole_members').count('*').whereRaw('pole_members.pole_id = poles.id').whereNull('pole_members.left_on').as('member_count'),
      )
      .orderBy('poles.name');
    // An explicit ESCAPE: SQLite has no default escape character for LIKE.
    if (filter.q) q.whereRaw(`poles.name ${like} ? ESCAPE '\\'`, [`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
    if (filter.region) q.where('poles.region_code', filter.region);
    if (filter.archived === 'archives') q.whereNotNull('poles.archived_on');
    else if (filter.archived !== 'tous') q.whereNull('poles.archived_on');
    const rows = await q;
    return sortFr(
      rows.map((r: PoleRow & { region_name: string; member_count: unknown }) => ({ ...r, member_count: Number(r.member_count) })),
      (r) => r.name,
    );
  }
}
