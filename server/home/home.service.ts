import type { Knex } from 'knex';
import type { CurrentUser } from '../http/current-user.ts';
import type { IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { PolesRepo } from '../poles/poles.repo.ts';
import type { UsersRepo } from '../users/users.repo.ts';

/** What the landing pages read: the poles a user sees, and the staff's counts and recent activity. */
export class HomeService {
  constructor(
    private readonly db: Knex,
    private readonly repos: { poles: PolesRepo; users: UsersRepo; indicators: IndicatorsRepo },
  ) {}

  /** The poles in the user's scope, with their region's name. */
  polesInScope(user: CurrentUser) {
    return this.repos.poles.listInScope(this.db, user);
  }

  /** The staff home's figures: accounts and active indicators. */
  async staffSummary() {
    const [userCount, indicators] = await Promise.all([
      this.repos.users.count(this.db),
      this.repos.indicators.list(this.db, { activeOnly: true }),
    ]);
    return { userCount, indicatorCount: indicators.length };
  }
}
