import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import type { PasswordHasher } from '../auth/passwords.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import { fieldChange } from '../audit/audit.repo.ts';
import { nowTimestamp } from '../db/dialect.ts';
import { StaleVersion, TooManyRequests, ValidationError } from '../http/errors.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { t } from '../i18n/messages.ts';
import type { UserRow } from './users.repo.ts';
import type { TokenPurpose, TokenRow } from './tokens.repo.ts';
import { hashToken, type Repos } from './users.service.ts';
import { contextWords, passwordProblem } from './password-rules.ts';
import { isTokenShaped } from './users.schema.ts';
// The rows handlers show, named here so that a handler imports services, never repos.
export type { TokenPurpose } from './tokens.repo.ts';

/** What a link is worth: usable, never issued, or already used / expired / for a disabled account. */
export type LinkState = { state: 'valid'; token: TokenRow; user: UserRow } | { state: 'unknown' } | { state: 'spent' };

class LinkSpent extends Error {}

export interface AccountServiceDeps {
  db: Knex;
  clock: Clock;
  repos: Repos;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
}

/** A person's own account: invitation and reset links, display name, password. Every change audited. */
export class AccountService {
  private readonly db: Knex;
  private readonly clock: Clock;
  private readonly repos: Repos;
  private readonly hasher: PasswordHasher;
  private readonly throttle: LoginThrottle;

  constructor(deps: AccountServiceDeps) {
    ({ db: this.db, clock: this.clock, repos: this.repos, hasher: this.hasher, throttle: this.throttle } = deps);
  }

  /** The poles and regions of an account, by name. */
  async scopeNames(userId: number): Promise<{ poleNames: string[]; regionNames: string[] }> {
    const [poles, regions] = await Promise.all([
      this.repos.users.poleNamesFor(this.db, { id: userId }),
      this.repos.users.regionNamesFor(this.db, { id: userId }),
    ]);
    return { poleNames: poles.get(userId) ?? [], regionNames: regions.get(userId) ?? [] };
  }

  private async contextOf(user: { id: number; email: string; display_name: string }): Promise<string[]> {
    return contextWords({ email: user.email, displayName: user.display_name, ...(await this.scopeNames(user.id)) });
  }

  /** Looks a link up by the SHA-256 of its token (the token itself is never stored). */
  async checkLink(purpose: TokenPurpose, raw: string | undefined): Promise<LinkState> {
    if (!isTokenShaped(raw)) return { state: 'unknown' };
    const token = await this.repos.tokens.findByHash(this.db, hashToken(raw));
    if (!token || token.purpose !== purpose) return { state: 'unknown' };
    const user = await this.repos.users.findById(this.db, token.user_id);
    if (!user) return { state: 'unknown' };
    if (token.used_at || token.expires_at <= nowTimestamp(this.clock) || !user.active) return { state: 'spent' };
    return { state: 'valid', token, user };
  }

  /**
   * Sets a password through a link: marks the link used, ends every session of the user and expires their
   * other links, in one transaction. Throws ValidationError for a refused password; returns the link's state.
   */
  async useLink(purpose: TokenPurpose, raw: string | undefined, password: string, requestId: string | null): Promise<LinkState['state']> {
    const link = await this.checkLink(purpose, raw);
    if (link.state !== 'valid') return link.state;
    const { user, token } = link;
    const problem = passwordProblem(password, await this.contextOf(user));
    if (problem) throw new ValidationError({ password: problem });
    const hash = await this.hasher.hash(password);
    const now = nowTimestamp(this.clock);
    try {
      await this.db.transaction(async (trx) => {
        // The conditional update is the single-use guarantee: of two concurrent submits only one consumes the link.
        if (!(await this.repos.tokens.consume(trx, token.id, now))) throw new LinkSpent();
        const generation = await this.repos.users.setPassword(trx, user.id, hash, now);
        await this.repos.tokens.expireUnused(trx, user.id, now);
        await this.repos.audit.record(trx, {
          actorId: user.id,
          action: purpose === 'invitation' ? 'user.invitation_accept' : 'user.password_reset',
          entity: 'user',
          entityId: user.id,
          before: { hasPassword: user.password_hash !== null, sessionGeneration: user.session_generation },
          after: { hasPassword: true, sessionGeneration: generation, tokenId: token.id },
          requestId,
        });
      });
    } catch (err) {
      if (err instanceof LinkSpent) return 'spent';
      throw err;
    }
    return 'valid';
  }

  /** The signed-in user's account row (for its version) and scope names. */
  async profile(user: CurrentUser) {
    const [row, names] = await Promise.all([this.repos.users.findById(this.db, user.id), this.scopeNames(user.id)]);
    return { row: row!, ...names };
  }

  /** Changes one's display name if the account did not change since `version`. Returns false when nothing changed. */
  async updateDisplayName(user: CurrentUser, version: number, displayName: string, requestId: string | null): Promise<boolean> {
    const row = (await this.repos.users.findById(this.db, user.id))!;
    if (row.display_name === displayName) {
      if (version !== row.version) throw new StaleVersion();
      return false;
    }
    await this.db.transaction(async (trx) => {
      if (!(await this.repos.users.update(trx, user.id, version, { display_name: displayName }, nowTimestamp(this.clock))))
        throw new StaleVersion();
      const actor = { userId: user.id, requestId };
      await this.repos.audit.record(
        trx,
        fieldChange(actor, 'user.profile_update', 'user', user.id, 'display_name', row.display_name, displayName),
      );
    });
    return true;
  }

  /**
   * Changes one's password after checking the current one (throttled like a sign-in, since it is one).
   * Ends every session of the user and revokes its API tokens (whoever knew the old password may have
   * made one), and returns the new session generation, for the caller to keep its own.
   */
  async changePassword(user: CurrentUser, current: string, next: string, ctx: { ip: string; requestId: string | null }): Promise<number> {
    const account = user.email.trim().toLowerCase();
    const wait = await this.throttle.retryAfter(account, ctx.ip);
    if (wait > 0) throw new TooManyRequests(wait);
    const row = (await this.repos.users.findById(this.db, user.id))!;
    const valid = row.password_hash ? await this.hasher.verify(current, row.password_hash) : false;
    if (!valid) {
      await this.throttle.recordFailure(account, ctx.ip);
      throw new ValidationError({ current_password: t('account.error.currentWrong') });
    }
    await this.throttle.recordSuccess(account);
    const problem = next === current ? t('account.error.sameAsCurrent') : passwordProblem(next, await this.contextOf(row));
    if (problem) throw new ValidationError({ new_password: problem });
    const hash = await this.hasher.hash(next);
    return this.db.transaction(async (trx) => {
      const generation = await this.repos.users.setPassword(trx, user.id, hash, nowTimestamp(this.clock));
      const revokedApiTokens = await this.repos.apiTokens.revokeAllOf(trx, user.id, nowTimestamp(this.clock));
      await this.repos.audit.record(trx, {
        actorId: user.id,
        action: 'user.password_change',
        entity: 'user',
        entityId: user.id,
        before: { hasPassword: true, sessionGeneration: row.session_generation },
        after: { hasPassword: true, sessionGeneration: generation, revokedApiTokens },
        requestId: ctx.requestId,
      });
      return generation;
    });
  }
}
