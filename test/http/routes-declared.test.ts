import { expect } from 'chai';
import { createTestApp, type TestContext } from '../support/test-app.ts';

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { access?: unknown } }[] };
}

describe('route declarations', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp();
  });
  after(() => ctx.close());

  it('every route found in the router starts with its declared access guard', () => {
    const stack = (ctx.app as unknown as { router: { stack: Layer[] } }).router.stack;
    const found = stack.filter((l) => l.route);
    const undeclared = found
      .filter((l) => !l.route!.stack[0]?.handle.access)
      .map((l) => `${Object.keys(l.route!.methods).join(',')} ${l.route!.path}`);
    expect(undeclared, 'routes registered outside the route table').to.deep.equal([]);
    expect(found.length, 'routes declared / routes found').to.equal(ctx.app.declaredRoutes.length);
    expect(found.length).to.be.greaterThan(30);
  });

  it('would catch a route added behind the table’s back', async () => {
    const extra = await createTestApp();
    try {
      // Registered after the 404 handler, but still a route layer the walk must see.
      extra.app.get('/porte-derobee', (_req, res) => {
        res.send('ouvert');
      });
      const stack = (extra.app as unknown as { router: { stack: Layer[] } }).router.stack;
      const undeclared = stack.filter((l) => l.route && !l.route.stack[0]?.handle.access);
      expect(undeclared.map((l) => l.route!.path)).to.deep.equal(['/porte-derobee']);
    } finally {
      await extra.close();
    }
  });
});
