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
    await db('users').where({ id }).update({ last_sign_in_at: at, ...(newHash ? { password_hash: newHash } : {}) });
  }

  /** Changes the password and ends every session (the caller re-attaches the current one). */
  async setPassword(db: Knex, id: number, hash: string, at: string): Promise<number> {
    await db('users').where({ id }).update({
      password_hash: hash,
      session_generation: db.raw('session_generation + 1'),
      version: db.raw('version + 1'),
      updated_at: at,
    });
    const row = await db('users').where({ id }).first('session_generation');
    return Number(row.session_generation);
  }

  async count(db: Knex): Promise<number> {
    const row = await db('users').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}
