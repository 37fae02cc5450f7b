import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import type { CurrentUser } from '../http/current-user.ts';
import type { UsersRepo } from '../users/users.repo.ts';
import { writeTimestamp } from '../db/dialect.ts';
import type { PasswordHasher } from './passwords.ts';
import type { LoginThrottle } from './login-throttle.ts';

export type SignInResult =
  | { ok: true; user: CurrentUser; generation: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfter: number };

export interface AuthServiceDeps {
  db: Knex;
  users: UsersRepo;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  clock: Clock;
}

/** Sign-in and the loading of the signed-in user on each request. */
export class AuthService {
  private readonly db: Knex;
  private readonly users: UsersRepo;
  private readonly hasher: PasswordHasher;
  private readonly throttle: LoginThrottle;
  private readonly clock: Clock;

  constructor(deps: AuthServiceDeps) {
    ({ db: this.db, users: this.users, hasher: this.hasher, throttle: this.throttle, clock: this.clock } = deps);
  }

  /** Same answer and similar timing for an unknown email, a wrong password or a disabled account. */
  async signIn(email: string, password: string, ip: string): Promise<SignInResult> {
    const account = email.trim().toLowerCase();
    const wait = await this.throttle.retryAfter(account, ip);
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfter: wait };
    const row = await this.users.findByEmail(this.db, account);
    const valid =
      row && row.password_hash && row.active
        ? await this.hasher.verify(password, row.password_hash)
        : await this.hasher.verifyAgainstNothing(password);
    if (!row || !valid) {
      await this.throttle.recordFailure(account, ip);
      return { ok: false, reason: 'invalid' };
    }
    await this.throttle.recordSuccess(account);
    const rehash = this.hasher.needsRehash(row.password_hash!) ? await this.hasher.hash(password) : undefined;
    await this.users.recordSignIn(this.db, row.id, writeTimestamp(this.clock.now()), rehash);
    const user = (await this.load(row.id, row.session_generation))!;
    return { ok: true, user, generation: row.session_generation };
  }

  /** The user behind a session, or null when the account is gone, disabled or its sessions were ended. */
  async load(userId: number, generation: number | undefined): Promise<CurrentUser | null> {
    const row = await this.users.findById(this.db, userId);
    if (!row || !row.active || row.session_generation !== generation) return null;
    const [poleIds, regionCodes] = await Promise.all([
      row.role === 'manager' ? this.users.poleIds(this.db, row.id) : Promise.resolve([]),
      row.role === 'funder' ? this.users.regionCodes(this.db, row.id) : Promise.resolve([]),
    ]);
    return { id: row.id, email: row.email, displayName: row.display_name, role: row.role, poleIds, regionCodes };
  }
}
