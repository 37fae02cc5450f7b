import { expect } from 'chai';
import { up } from '../../migrations/20261202100000_rebuild_for_paired_ratios.ts';
import { createTestDb, onPostgres, type TestDb } from '../support/test-db.ts';

describe(`the migration that recomputes aggregates stored under the old ratio rule (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let tdb: TestDb;
  beforeEach(async () => {
    tdb = await createTestDb();
  });
  afterEach(() => tdb.destroy());

  it('marks a full rebuild (a dirty key without a pole) where aggregates exist', async () => {
    await tdb.db('aggregate_state').update({ generation: 3 });
    await up(tdb.db);
    const dirty = await tdb.db('aggregate_dirty').select('pole_id', 'indicator_id', 'year', 'quarter', 'reason');
    expect(dirty).to.deep.equal([{ pole_id: null, indicator_id: null, year: null, quarter: null, reason: 'rules' }]);
  });

  it('does nothing on an installation without aggregates yet (they are built at start)', async () => {
    await up(tdb.db);
    expect(await tdb.db('aggregate_dirty').select('id')).to.deep.equal([]);
  });
});
