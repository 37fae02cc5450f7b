import type { Knex } from 'knex';
import type { Role } from '../http/current-user.ts';
import { readBool } from '../db/dialect.ts';

export interface UserRow {
  id: number;
  email: string;
  display_name: string;
  password_hash: string | null;
  role: Role;
  active: boolean;
  last_sign_in_at: string | null;
  session_generation: number;
  version: number;
  created_at: string;
  updated_at: string;
}

function toUser(row: Record<string, unknown> | undefined): UserRow | undefined {
  if (!row) return undefined;
  return { ...(row as unknown as UserRow), active: readBool(row.active) };
}

export interface UserFilter {
  id?: number;
  q?: string;
  role?: Role;
  state?: 'actifs' | 'inactifs' | 'tous';
}

const french = new Intl.Collator('fr');

/** Names by user id, in French alphabetical order (the two databases' collations differ: « Île » sorts apart). */
function groupNames(pairs: [number, string][]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const [id, name] of pairs) out.set(id, [...(out.get(id) ?? []), name]);
  for (const names of out.values()) names.sort(french.compare);
  return out;
}

/** The only SQL about users, their poles and their regions. */
export class UsersRepo {
  async findById(db: Knex, id: number): Promise<UserRow | undefined> {
    return toUser(await db('users').where({ id }).first());
  }

  /** Case-insensitive on both databases, matching the lower(email) unique index. */
  async findByEmail(db: Knex, email: string): Promise<UserRow | undefined> {
    return toUser(await db('users').whereRaw('lower(email) = ?', [email.trim().toLowerCase()]).first());
  }

  async poleIds(db: Knex, userId: number): Promise<number[]> {
    const rows = await db('user_poles').where({ user_id: userId }).select('pole_id').orderBy('pole_id');
    return rows.map((r: { pole_id: number }) => Number(r.pole_id));
  }

  async regionCodes(db: Knex, userId: number): Promise<string[]> {
    const rows = await db('user_regions').where({ user_id: userId }).select('region_code').orderBy('region_code');
    return rows.map((r: { region_code: string }) => r.region_code);
  }

  async insert(db: Knex, row: Omit<UserRow, 'id' | 'version' | 'session_generation' | 'last_sign_in_at'>): Promise<number> {
    const [inserted] = await db('users').insert(row).returning('id');
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  async setPoles(db: Knex, userId: number, poleIds: number[]): Promise<void> {
    await db('user_poles').where({ user_id: userId }).delete();
    if (poleIds.length) await db('user_poles').insert(poleIds.map((pole_id) => ({ user_id: userId, pole_id })));
  }

  async setRegions(db: Knex, userId: number, regionCodes: string[]): Promise<void> {
    await db('user_regions').where({ user_id: userId }).delete();
    if (regionCodes.length) await db('user_regions').insert(regionCodes.map((region_code) => ({ user_id: userId, region_code })));
  }

  async recordSignIn(db: Knex, id: number, at: string, newHash?: string): Promise<void> {
    await db('users')
      .where({ id })
      .update({ last_sign_in_at: at, ...(newHash ? { password_hash: newHash } : {}) });
  }

  /** Changes the password and ends every session (the caller re-attaches the current one). */
  async setPassword(db: Knex, id: number, hash: string, at: string): Promise<number> {
    await db('users')
      .where({ id })
      .update({
        password_hash: hash,
        session_generation: db.raw('session_generation + 1'),
        version: db.raw('version + 1'),
        updated_at: at,
      });
    const row = await db('users').where({ id }).first('session_generation');
    return Number(row.session_generation);
  }

  /** Staff list: search in name and email (case-insensitive, % and _ taken literally), filter by role and state. */
  async search(db: Knex, filter: UserFilter): Promise<UserRow[]> {
    const rows = await this.filtered(db, filter).select('*');
    // Sorted here, not in SQL: the two databases order accents and case differently.
    return rows
      .map((r: Record<string, unknown>) => toUser(r)!)
      .sort((a: UserRow, b: UserRow) => french.compare(a.display_name, b.display_name) || a.id - b.id);
  }

  /** Names of the poles of every user the filter selects, by user id. */
  async poleNamesFor(db: Knex, filter: UserFilter): Promise<Map<number, string[]>> {
    const rows = await db('user_poles')
      .join('poles', 'poles.id', 'user_poles.pole_id')
      .whereIn('user_poles.user_id', this.filtered(db, filter).select('id'))
      .select('user_poles.user_id', 'poles.name');
    return groupNames(rows.map((r: { user_id: number; name: string }) => [Number(r.user_id), r.name]));
  }

  /** Names of the regions of every user the filter selects, by user id. */
  async regionNamesFor(db: Knex, filter: UserFilter): Promise<Map<number, string[]>> {
    const rows = await db('user_regions')
      .join('regions', 'regions.code', 'user_regions.region_code')
      .whereIn('user_regions.user_id', this.filtered(db, filter).select('id'))
      .select('user_regions.user_id', 'regions.name');
    return groupNames(rows.map((r: { user_id: number; name: string }) => [Number(r.user_id), r.name]));
  }

  private filtered(db: Knex, filter: UserFilter): Knex.QueryBuilder {
    const q = db('users');
    if (filter.id !== undefined) q.where('id', filter.id);
    if (filter.q) {
      const pattern = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // An explicit ESCAPE: SQLite has no default escape character, PostgreSQL's is the backslash.
      q.where((w) =>
        w.whereRaw("lower(display_name) like ? escape '\\'", [pattern]).orWhereRaw("lower(email) like ? escape '\\'", [pattern]),
      );
    }
    if (filter.role) q.where('role', filter.role);
    if (filter.state === 'actifs') q.where('active', true);
    else if (filter.state === 'inactifs') q.where('active', false);
    return q;
  }

  /** True when another account already uses this address, whatever its case. */
  async emailTaken(db: Knex, email: string, exceptId?: number): Promise<boolean> {
    const q = db('users').whereRaw('lower(email) = ?', [email.trim().toLowerCase()]).first('id');
    if (exceptId !== undefined) q.whereNot('id', exceptId);
    return Boolean(await q);
  }

  /** Optimistic concurrency: false when the row's version moved on since the form was loaded. */
  async update(
    trx: Knex.Transaction,
    id: number,
    version: number,
    changes: Partial<Pick<UserRow, 'email' | 'display_name' | 'role'>>,
    at: string,
  ): Promise<boolean> {
    const n = await trx('users')
      .where({ id, version })
      .update({ ...changes, version: version + 1, updated_at: at });
    return n === 1;
  }

  /** (De)activates an account; deactivating also ends every session of that user. */
  async setActive(trx: Knex.Transaction, id: number, version: number, active: boolean, at: string): Promise<boolean> {
    const n = await trx('users')
      .where({ id, version })
      .update({
        active,
        version: version + 1,
        updated_at: at,
        ...(active ? {} : { session_generation: trx.raw('session_generation + 1') }),
      });
    return n === 1;
  }

  async count(db: Knex): Promise<number> {
    const row = await db('users').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}
