import { expect } from 'chai';
import { createTestDb, onPostgres } from '../support/test-db.ts';
import { officialDepartements, officialRegions } from '../../server/reference/geography.ts';

describe(`migrations (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('run latest → rollback all → latest on an empty database', async () => {
    const t = await createTestDb({ empty: true });
    try {
      await t.db.migrate.latest();
      const [, applied] = (await t.db.migrate.list()) as [unknown[], unknown[]];
      expect(applied).to.have.length(0);
      expect(await t.db.schema.hasTable('audit_log')).to.equal(true);
      await t.db.migrate.rollback(undefined, true);
      for (const table of ['regions', 'poles', 'indicators', 'users', 'sessions', 'audit_log']) {
        expect(await t.db.schema.hasTable(table), table).to.equal(false);
      }
      await t.db.migrate.latest();
      expect(await t.db.schema.hasTable('pole_members')).to.equal(true);
    } finally {
      await t.destroy();
    }
  });

  it('loads exactly the 18 regions and 101 départements of the official geography', async () => {
    expect(officialRegions()).to.have.length(18);
    expect(officialDepartements()).to.have.length(101);
    const t = await createTestDb();
    try {
      const [{ n: regions }] = await t.db('regions').count({ n: '*' });
      const [{ n: deps }] = await t.db('departements').count({ n: '*' });
      expect(Number(regions)).to.equal(18);
      expect(Number(deps)).to.equal(101);
      expect(await t.db('regions').where({ code: '76' }).first()).to.include({ name: 'Occitanie', zone: 'metro' });
      expect(await t.db('departements').where({ code: '974' }).first()).to.include({ region_code: '04', zone: 'drom' });
    } finally {
      await t.destroy();
    }
  });

  it('refuses UPDATE and DELETE on audit_log', async () => {
    const t = await createTestDb();
    try {
      await t.db('audit_log').insert({ action: 'test', entity: 'x', entity_id: '1', created_at: '2026-01-01T00:00:00Z' });
      let updateError: unknown = null;
      await t
        .db('audit_log')
        .update({ action: 'changed' })
        .catch((e: unknown) => (updateError = e));
      expect(String(updateError)).to.match(/append-only/);
      let deleteError: unknown = null;
      await t
        .db('audit_log')
        .delete()
        .catch((e: unknown) => (deleteError = e));
      expect(String(deleteError)).to.match(/append-only/);
      const rows = await t.db('audit_log').select('action');
      expect(rows).to.deep.equal([{ action: 'test' }]);
    } finally {
      await t.destroy();
    }
  });

  it('makes email addresses unique whatever their case', async () => {
    const t = await createTestDb();
    try {
      const row = { display_name: 'A', role: 'staff', active: true, created_at: 'x', updated_at: 'x' };
      await t.db('users').insert({ ...row, email: 'Anne@Example.fr' });
      let error: unknown = null;
      await t
        .db('users')
        .insert({ ...row, email: 'anne@example.FR' })
        .catch((e: unknown) => (error = e));
      expect(error).to.not.equal(null);
    } finally {
      await t.destroy();
    }
  });

  it('enforces foreign keys (SQLite has them off unless told)', async () => {
    const t = await createTestDb();
    try {
      let error: unknown = null;
      await t
        .db('departements')
        .insert({ code: 'ZZ', name: 'Nulle part', region_code: '99', zone: 'metro' })
        .catch((e: unknown) => (error = e));
      expect(error).to.not.equal(null);
    } finally {
      await t.destroy();
    }
  });
});
