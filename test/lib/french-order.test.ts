// Names sorted the French way, where SQL would put « Île-de-France » after « Provence-Alpes-Côte d'Azur ».
import { expect } from 'chai';
import { compareFr, sortFr } from '../../server/lib/french-order.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-db.ts';

describe(`French order of names (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  before(async () => (ctx = await createTestApp()));
  after(() => ctx.close());

  it('puts accented initials with their letter, whatever the database', async () => {
    expect(sortFr(['Provence', 'Île-de-France', 'Hauts-de-France', 'Élan', 'Ecluse'], (s) => s)).to.deep.equal([
      'Ecluse',
      'Élan',
      'Hauts-de-France',
      'Île-de-France',
      'Provence',
    ]);
    expect(compareFr('pôle 9', 'pôle 10')).to.be.lessThan(0);
    const names = (await ctx.s.repos.reference.regions(ctx.s.db)).map((r) => r.name);
    expect(names.indexOf('Île-de-France')).to.equal(names.indexOf('Hauts-de-France') + 1);
    expect(names).to.deep.equal([...names].sort((a, b) => a.localeCompare(b, 'fr')));
  });
});
