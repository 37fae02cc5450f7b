import { dropTemplates } from './test-db.ts';

// Mocha root hooks: clean up the per-run template databases.
export const mochaHooks = {
  async afterAll() {
    await dropTemplates();
  },
};
