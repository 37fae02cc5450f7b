import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface ApiTokenRow {
  id: number;
  user_id: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** The owner of a usable token, with what loading the user needs. */
export interface TokenOwner {
  tokenId: number;
  userId: number;
  sessionGeneration: number;
  lastUsedAt: string | null;
}

const PUBLIC_COLUMNS = ['id', 'user_id', 'name', 'created_at', 'last_used_at', 'revoked_at'];
const toRow = (r: Record<string, unknown>): ApiTokenRow => ({
  ...(r as unknown as ApiTokenRow),
  id: Number(r.id),
  user_id: Number(r.user_id),
});

/**
 * The only SQL about personal API tokens. Only the SHA-256 of a token is stored or looked up; timestamps
 * are ISO UTC strings of one shape (writeTimestamp), so comparing them as text compares instants.
 */
export class ApiTokensRepo {
  async insert(trx: Db, row: { userId: number; name: string; tokenHash: string; createdAt: string }): Promise<number> {
    const [inserted] = await trx('api_tokens')
      .insert({ user_id: row.userId, name: row.name, token_hash: row.tokenHash, created_at: row.createdAt })
      .returning('id');
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  /** A user's tokens, newest first (never their hashes). */
  async listFor(db: Db, userId: number): Promise<ApiTokenRow[]> {
    const rows = await db('api_tokens').where({ user_id: userId }).select(PUBLIC_COLUMNS).orderBy('id', 'desc');
    return rows.map(toRow);
  }

  async countActive(db: Db, userId: number): Promise<number> {
    const row = await db('api_tokens').where({ user_id: userId }).whereNull('revoked_at').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  /** One of this user's tokens (another user's token is not found). */
  async findOwn(db: Db, userId: number, id: number): Promise<ApiTokenRow | undefined> {
    const row = await db('api_tokens').where({ id, user_id: userId }).select(PUBLIC_COLUMNS).first();
    return row ? toRow(row) : undefined;
  }

  /** Revokes every usable token of a user (a password change); returns how many. */
  async revokeAllOf(trx: Db, userId: number, now: string): Promise<number> {
    return trx('api_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: now });
  }

  /** Revokes a token if it is still usable; false when it already was revoked. */
  async revoke(trx: Db, id: number, now: string): Promise<boolean> {
    return (await trx('api_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: now })) === 1;
  }

  /** The owner of a token that is not revoked, whose account is active; undefined otherwise. */
  async findUsable(db: Db, tokenHash: string): Promise<TokenOwner | undefined> {
    const row = await db('api_tokens as t')
      .join('users as u', 'u.id', 't.user_id')
      .where('t.token_hash', tokenHash)
      .whereNull('t.revoked_at')
      .where('u.active', true)
      .select('t.id', 't.user_id', 't.last_used_at', 'u.session_generation')
      .first();
    if (!row) return undefined;
    return {
      tokenId: Number(row.id),
      userId: Number(row.user_id),
      sessionGeneration: Number(row.session_generation),
      lastUsedAt: row.last_used_at ?? null,
    };
  }

  /** Records a use, unless one was recorded after `notBefore` (at most one write a minute per token). */
  async touch(db: Db, id: number, now: string, notBefore: string): Promise<void> {
    await db('api_tokens')
      .where({ id })
      .where((w) => w.whereNull('last_used_at').orWhere('last_used_at', '<', notBefore))
      .update({ last_used_at: now });
  }
}
