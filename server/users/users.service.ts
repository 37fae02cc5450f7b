import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import type { PasswordHasher } from '../auth/passwords.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import { isUniqueViolation, writeTimestamp } from '../db/dialect.ts';
import { ValidationError } from '../http/errors.ts';
import type { Role } from '../http/current-user.ts';
import type { UsersRepo } from './users.repo.ts';

interface Repos {
  audit: AuditRepo;
  users: UsersRepo;
}

export interface Actor {
  userId: number | null;
  requestId?: string | null;
}

export interface NewUser {
  email: string;
  displayName: string;
  role: Role;
  /** Managers only. */
  poleIds: number[];
  /** Funders only; empty = national scope. */
  regionCodes: string[];
  /** An initial password; without it an invitation link is issued. */
  password?: string;
}

export const TOKEN_TTL_MINUTES = 60;

/** SHA-256 of a link token: only the hash is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Accounts: creation, invitations, resets, roles and scopes, deactivation. Every change audited. */
export class UsersService {
  constructor(
    readonly db: Knex,
    readonly clock: Clock,
    readonly repos: Repos,
    readonly hasher: PasswordHasher,
  ) {}

  /** Creates an account. Returns its id and, without an initial password, the one-time invitation token. */
  async createUser(input: NewUser, actor: Actor): Promise<{ id: number; invitationToken: string | null }> {
    const now = writeTimestamp(this.clock.now());
    const hash = input.password ? await this.hasher.hash(input.password) : null;
    const token = input.password ? null : randomBytes(16).toString('base64url');
    const poleIds = input.role === 'manager' ? [...new Set(input.poleIds)] : [];
    const regionCodes = input.role === 'funder' ? [...new Set(input.regionCodes)] : [];
    try {
      const id = await this.db.transaction(async (trx) => {
        const id = await this.repos.users.insert(trx, {
          email: input.email.trim(),
          display_name: input.displayName.trim(),
          password_hash: hash,
          role: input.role,
          active: true,
          created_at: now,
          updated_at: now,
        });
        await this.repos.users.setPoles(trx, id, poleIds);
        await this.repos.users.setRegions(trx, id, regionCodes);
        if (token) {
          await trx('user_tokens').insert({
            user_id: id,
            purpose: 'invitation',
            token_hash: hashToken(token),
            expires_at: writeTimestamp(this.clock.now().plus({ minutes: TOKEN_TTL_MINUTES })),
            created_by: actor.userId,
            created_at: now,
          });
        }
        await this.repos.audit.record(trx, {
          actorId: actor.userId,
          action: 'user.create',
          entity: 'user',
          entityId: id,
          before: null,
          after: { email: input.email.trim(), display_name: input.displayName.trim(), role: input.role, active: true, poleIds, regionCodes },
          requestId: actor.requestId,
        });
        return id;
      });
      return { id, invitationToken: token };
    } catch (err) {
      if (isUniqueViolation(err)) throw new ValidationError({ email: 'Un compte existe déjà avec cette adresse électronique.' });
      throw err;
    }
  }
}
