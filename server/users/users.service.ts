import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { ApiTokensRepo } from '../api/api-tokens.repo.ts';
import type { DateTime } from 'luxon';
import type { Clock } from '../lib/clock.ts';
import type { PasswordHasher } from '../auth/passwords.ts';
import { fieldChange, type AuditRepo } from '../audit/audit.repo.ts';
import type { PolesRepo } from '../poles/poles.repo.ts';
import type { ReferenceRepo } from '../reference/reference.repo.ts';
import { isUniqueViolation, nowTimestamp, writeTimestamp } from '../db/dialect.ts';
import { StaleVersion, ValidationError } from '../http/errors.ts';
import type { Role } from '../http/current-user.ts';
import { t } from '../i18n/messages.ts';
import type { UserFilter, UserRow, UsersRepo } from './users.repo.ts';
import type { TokenPurpose, TokensRepo } from './tokens.repo.ts';
import { contextWords, passwordProblem } from './password-rules.ts';
import type { Actor } from '../lib/actor.ts';
// The rows handlers show, named here so that a handler imports services, never repos.
export type { UserRow } from './users.repo.ts';

export interface Repos {
  audit: AuditRepo;
  users: UsersRepo;
  tokens: TokensRepo;
  poles: PolesRepo;
  reference: ReferenceRepo;
  apiTokens: ApiTokensRepo;
}

/** What staff set on an account: who, which role, which scope. */
export interface UserInput {
  email: string;
  displayName: string;
  role: Role;
  /** Managers only. */
  poleIds: number[];
  /** Funders only; empty = national scope. */
  regionCodes: string[];
}

export interface NewUser extends UserInput {
  /** An initial password; without it (or empty) an invitation link is issued. */
  password?: string;
}

export const TOKEN_TTL_MINUTES = 60;

/** SHA-256 of a link token: only the hash is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A 128-bit random link token, URL-safe. */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

const sorted = <T>(list: T[]) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Accounts as staff manage them: creation, invitations, resets, roles and scopes, deactivation. Every change audited. */
export class UsersService {
  constructor(
    readonly db: Knex,
    readonly clock: Clock,
    readonly repos: Repos,
    readonly hasher: PasswordHasher,
  ) {}

  /** One account, or undefined. */
  find(id: number): Promise<UserRow | undefined> {
    return this.repos.users.findById(this.db, id);
  }

  /** The poles and regions an account is scoped to. */
  async scopeOf(user: UserRow): Promise<{ poleIds: number[]; regionCodes: string[] }> {
    const [poleIds, regionCodes] = await Promise.all([
      this.repos.users.poleIds(this.db, user.id),
      this.repos.users.regionCodes(this.db, user.id),
    ]);
    return { poleIds, regionCodes };
  }

  /** Checks the scope rules and the email's uniqueness; returns the field errors and the scope's names (password context). */
  private async check(input: UserInput, exceptId?: number) {
    const errors: Record<string, string> = {};
    const poleIds = sorted([...new Set(input.poleIds)]);
    const regionCodes = sorted([...new Set(input.regionCodes)]);
    if (input.role === 'manager' && poleIds.length === 0) errors.pole_ids = t('users.error.managerNeedsPole');
    if (input.role !== 'manager' && poleIds.length) errors.pole_ids = t('users.error.polesOnlyForManagers');
    if (input.role !== 'funder' && regionCodes.length) errors.region_codes = t('users.error.regionsOnlyForFunders');
    const poles = await Promise.all(poleIds.map((id) => this.repos.poles.findById(this.db, id)));
    if (poles.some((p) => !p)) errors.pole_ids ??= t('users.error.unknownPole');
    const regions = new Map((await this.repos.reference.regions(this.db)).map((r) => [r.code, r.name]));
    if (regionCodes.some((c) => !regions.has(c))) errors.region_codes ??= t('users.error.unknownRegion');
    if (await this.repos.users.emailTaken(this.db, input.email, exceptId)) errors.email = t('users.error.emailTaken');
    return {
      errors,
      poleIds,
      regionCodes,
      poleNames: poles.flatMap((p) => (p ? [p.name] : [])),
      regionNames: regionCodes.flatMap((c) => regions.get(c) ?? []),
    };
  }

  /** Creates an account. Returns its id and, without an initial password, the one-time invitation token. */
  async createUser(input: NewUser, actor: Actor): Promise<{ id: number; invitationToken: string | null; expiresAt: DateTime | null }> {
    const email = input.email.trim();
    const displayName = input.displayName.trim();
    const checked = await this.check({ ...input, email });
    const errors = { ...checked.errors };
    if (input.password) {
      const problem = passwordProblem(
        input.password,
        contextWords({ email, displayName, poleNames: checked.poleNames, regionNames: checked.regionNames }),
      );
      if (problem) errors.password = problem;
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    // Hashing is slow: done before the transaction, which stays short.
    const hash = input.password ? await this.hasher.hash(input.password) : null;
    const token = input.password ? null : newToken();
    const poleIds = input.role === 'manager' ? checked.poleIds : [];
    const regionCodes = input.role === 'funder' ? checked.regionCodes : [];
    const now = nowTimestamp(this.clock);
    const expiresAt = token ? this.clock.now().plus({ minutes: TOKEN_TTL_MINUTES }) : null;
    try {
      const id = await this.db.transaction(async (trx) => {
        const id = await this.repos.users.insert(trx, {
          email,
          display_name: displayName,
          password_hash: hash,
          role: input.role,
          active: true,
          created_at: now,
          updated_at: now,
        });
        await this.repos.users.setPoles(trx, id, poleIds);
        await this.repos.users.setRegions(trx, id, regionCodes);
        if (token && expiresAt) {
          await this.storeLink(trx, { userId: id, purpose: 'invitation', token, expiresAt }, actor, now);
        }
        await this.repos.audit.record(trx, {
          actorId: actor.userId,
          action: 'user.create',
          entity: 'user',
          entityId: id,
          before: null,
          after: {
            email,
            display_name: displayName,
            role: input.role,
            active: true,
            poleIds,
            regionCodes,
            invitation: expiresAt ? { expiresAt: writeTimestamp(expiresAt) } : null,
          },
          requestId: actor.requestId,
        });
        return id;
      });
      return { id, invitationToken: token, expiresAt };
    } catch (err) {
      // Two staff members creating the same address at once: the unique index decides.
      if (isUniqueViolation(err)) throw new ValidationError({ email: t('users.error.emailTaken') });
      throw err;
    }
  }

  /** Updates identity, role and scope if nobody changed the account since `version`. Returns false when nothing changed. */
  async updateUser(user: UserRow, version: number, input: UserInput, actor: Actor): Promise<boolean> {
    const email = input.email.trim();
    const checked = await this.check({ ...input, email }, user.id);
    const errors = { ...checked.errors };
    // The last staff member demoting themself would lock everyone out of these pages.
    if (actor.userId === user.id && input.role !== user.role) errors.role = t('users.error.ownRole');
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const before = await this.snapshot(user);
    const after = {
      email,
      display_name: input.displayName.trim(),
      role: input.role,
      poleIds: input.role === 'manager' ? checked.poleIds : [],
      regionCodes: input.role === 'funder' ? checked.regionCodes : [],
    };
    if (JSON.stringify(before) === JSON.stringify(after)) {
      if (version !== user.version) throw new StaleVersion();
      return false;
    }
    try {
      await this.db.transaction(async (trx) => {
        const changes = { email: after.email, display_name: after.display_name, role: after.role };
        if (!(await this.repos.users.update(trx, user.id, version, changes, nowTimestamp(this.clock)))) throw new StaleVersion();
        await this.repos.users.setPoles(trx, user.id, after.poleIds);
        await this.repos.users.setRegions(trx, user.id, after.regionCodes);
        await this.repos.audit.record(trx, {
          actorId: actor.userId,
          action: 'user.update',
          entity: 'user',
          entityId: user.id,
          before,
          after,
          requestId: actor.requestId,
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ValidationError({ email: t('users.error.emailTaken') });
      throw err;
    }
    return true;
  }

  /** The audited fields of an account as stored. */
  private async snapshot(user: UserRow) {
    const [poleIds, regionCodes] = await Promise.all([
      this.repos.users.poleIds(this.db, user.id),
      this.repos.users.regionCodes(this.db, user.id),
    ]);
    return {
      email: user.email,
      display_name: user.display_name,
      role: user.role,
      poleIds: sorted(poleIds),
      regionCodes: sorted(regionCodes),
    };
  }

  /** Deactivates (ending every session and pending link) or reactivates an account. Returns false when it already was so. */
  async setActive(user: UserRow, version: number, active: boolean, actor: Actor): Promise<boolean> {
    if (!active && actor.userId === user.id) throw new ValidationError({ _form: t('users.error.ownDeactivation') });
    if (user.active === active) {
      if (version !== user.version) throw new StaleVersion();
      return false;
    }
    const now = nowTimestamp(this.clock);
    await this.db.transaction(async (trx) => {
      if (!(await this.repos.users.setActive(trx, user.id, version, active, now))) throw new StaleVersion();
      if (!active) await this.repos.tokens.expireUnused(trx, user.id, now);
      const action = active ? 'user.reactivate' : 'user.deactivate';
      await this.repos.audit.record(trx, fieldChange(actor, action, 'user', user.id, 'active', user.active, active));
    });
    return true;
  }

  /** Issues a one-hour, single-use reset link, expiring the user's earlier unused links. The token is returned once, never stored. */
  async issueResetLink(user: UserRow, actor: Actor): Promise<{ token: string; expiresAt: DateTime }> {
    if (!user.active) throw new ValidationError({ _form: t('users.error.resetInactive') });
    const token = newToken();
    const expiresAt = this.clock.now().plus({ minutes: TOKEN_TTL_MINUTES });
    const now = nowTimestamp(this.clock);
    await this.db.transaction(async (trx) => {
      const expired = await this.repos.tokens.expireUnused(trx, user.id, now);
      const tokenId = await this.storeLink(trx, { userId: user.id, purpose: 'reset', token, expiresAt }, actor, now);
      await this.repos.audit.record(trx, {
        actorId: actor.userId,
        action: 'user.reset_link',
        entity: 'user',
        entityId: user.id,
        before: null,
        after: { tokenId, purpose: 'reset', expiresAt: writeTimestamp(expiresAt), earlierLinksExpired: expired },
        requestId: actor.requestId,
      });
    });
    return { token, expiresAt };
  }

  /** Stores a new invitation or reset link as its hash (the token itself is never stored). Returns the link's id. */
  private storeLink(
    trx: Knex.Transaction,
    link: { userId: number; purpose: TokenPurpose; token: string; expiresAt: DateTime },
    actor: Actor,
    now: string,
  ): Promise<number> {
    return this.repos.tokens.insert(trx, {
      userId: link.userId,
      purpose: link.purpose,
      tokenHash: hashToken(link.token),
      expiresAt: writeTimestamp(link.expiresAt),
      createdBy: actor.userId,
      createdAt: now,
    });
  }

  /** The staff list: accounts with the names of their poles or regions. */
  async search(filter: UserFilter) {
    const [users, poles, regions] = await Promise.all([
      this.repos.users.search(this.db, filter),
      this.repos.users.poleNamesFor(this.db, filter),
      this.repos.users.regionNamesFor(this.db, filter),
    ]);
    return users.map((u) => ({ ...u, poleNames: poles.get(u.id) ?? [], regionNames: regions.get(u.id) ?? [] }));
  }
}
