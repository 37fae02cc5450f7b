import type { Knex } from 'knex';

export type TokenPurpose = 'invitation' | 'reset';

export interface TokenRow {
  id: number;
  user_id: number;
  purpose: TokenPurpose;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_by: number | null;
  created_at: string;
}

/**
 * The only SQL about invitation and reset links. Only the SHA-256 of a token is ever stored or looked up.
 * Timestamps are ISO UTC strings of one fixed shape (writeTimestamp), so comparing them as text is
 * comparing instants, on SQLite and PostgreSQL alike.
 */
export class TokensRepo {
  async insert(
    trx: Knex | Knex.Transaction,
    row: { userId: number; purpose: TokenPurpose; tokenHash: string; expiresAt: string; createdBy: number | null; createdAt: string },
  ): Promise<number> {
    const [inserted] = await trx('user_tokens')
      .insert({
        user_id: row.userId,
        purpose: row.purpose,
        token_hash: row.tokenHash,
        expires_at: row.expiresAt,
        created_by: row.createdBy,
        created_at: row.createdAt,
      })
      .returning('id');
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  async findByHash(db: Knex, tokenHash: string): Promise<TokenRow | undefined> {
    const row = await db('user_tokens').where({ token_hash: tokenHash }).first();
    return row ? { ...row, id: Number(row.id), user_id: Number(row.user_id) } : undefined;
  }

  /** Marks a token used if it still is usable; false when it was used or expired in the meantime (single use, even under a race). */
  async consume(trx: Knex.Transaction, id: number, now: string): Promise<boolean> {
    const n = await trx('user_tokens').where({ id }).whereNull('used_at').where('expires_at', '>', now).update({ used_at: now });
    return n === 1;
  }

  /** Expires every still-usable link of a user now (a newer link, a password set, a deactivation). */
  async expireUnused(trx: Knex.Transaction, userId: number, now: string): Promise<number> {
    return trx('user_tokens').where({ user_id: userId }).whereNull('used_at').where('expires_at', '>', now).update({ expires_at: now });
  }
}
