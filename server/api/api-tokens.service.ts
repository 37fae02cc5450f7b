import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { NotFound, ValidationError } from '../http/errors.ts';
import { writeTimestamp } from '../db/dialect.ts';
import { t } from '../i18n/messages.ts';
import type { ApiTokenRow, ApiTokensRepo } from './api-tokens.repo.ts';

/** Tokens start with this prefix, so that a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'ptce_';
const TOKEN_SHAPE = /^ptce_[A-Za-z0-9_-]{43}$/;
/** Active tokens one account may hold. */
export const MAX_ACTIVE_TOKENS = 20;

export const hashApiToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new token: the prefix and 32 random bytes, base64url (43 characters). */
export function newApiToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export interface TokenAuth {
  user: CurrentUser;
  tokenId: number;
}

/** Personal API tokens: created on the profile page (shown once), listed, revoked; every change audited. */
export class ApiTokensService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: { apiTokens: ApiTokensRepo; audit: AuditRepo },
    private readonly loadUser: (userId: number, generation: number) => Promise<CurrentUser | null>,
  ) {}

  list(user: CurrentUser): Promise<ApiTokenRow[]> {
    return this.repos.apiTokens.listFor(this.db, user.id);
  }

  /** Creates a token for the user; returns it in clear, the only time it is ever seen. */
  async create(user: CurrentUser, name: string, requestId: string | null): Promise<{ id: number; token: string }> {
    if ((await this.repos.apiTokens.countActive(this.db, user.id)) >= MAX_ACTIVE_TOKENS) {
      throw new ValidationError({ token_name: t('apiTokens.error.tooMany', { max: MAX_ACTIVE_TOKENS }) });
    }
    const token = newApiToken();
    const now = writeTimestamp(this.clock.now());
    const id = await this.db.transaction(async (trx) => {
      const id = await this.repos.apiTokens.insert(trx, { userId: user.id, name, tokenHash: hashApiToken(token), createdAt: now });
      await this.repos.audit.record(trx, {
        actorId: user.id,
        action: 'api_token.create',
        entity: 'api_token',
        entityId: id,
        before: null,
        after: { name, userId: user.id },
        requestId,
      });
      return id;
    });
    return { id, token };
  }

  /** Revokes one of the user's own tokens (another's answers 404); `revoked` is false when it already was. */
  async revoke(user: CurrentUser, id: number, requestId: string | null): Promise<{ name: string; revoked: boolean }> {
    const row = await this.repos.apiTokens.findOwn(this.db, user.id, id);
    if (!row) throw new NotFound();
    const now = writeTimestamp(this.clock.now());
    const revoked = await this.db.transaction(async (trx) => {
      if (!(await this.repos.apiTokens.revoke(trx, id, now))) return false;
      await this.repos.audit.record(trx, {
        actorId: user.id,
        action: 'api_token.revoke',
        entity: 'api_token',
        entityId: id,
        before: { name: row.name, revokedAt: null },
        after: { name: row.name, revokedAt: now },
        requestId,
      });
      return true;
    });
    return { name: row.name, revoked };
  }

  /**
   * The user behind a bearer token: the token must be well formed, known, not revoked, and its account
   * active. Records the use at most once a minute.
   */
  async authenticate(raw: string): Promise<TokenAuth | null> {
    if (!TOKEN_SHAPE.test(raw)) return null;
    const owner = await this.repos.apiTokens.findUsable(this.db, hashApiToken(raw));
    if (!owner) return null;
    const user = await this.loadUser(owner.userId, owner.sessionGeneration);
    if (!user) return null;
    const now = this.clock.now();
    const notBefore = writeTimestamp(now.minus({ minutes: 1 }));
    if (owner.lastUsedAt === null || owner.lastUsedAt < notBefore) {
      await this.repos.apiTokens.touch(this.db, owner.tokenId, writeTimestamp(now), notBefore);
    }
    return { user, tokenId: owner.tokenId };
  }
}
