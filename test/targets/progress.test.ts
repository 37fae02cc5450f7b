// Progress against targets on worked examples: the one rule every page reads (server/aggregates/progress.ts).
import { expect } from 'chai';
import { areaProgress, progress } from '../../server/aggregates/progress.ts';
import { targetWindow } from '../../server/targets/target-rules.ts';

const S = 10_000; // values are scaled × 10 000

describe('targets: progress on worked examples', () => {
  it('a flow on track: 8,5 ETP of 12 after three quarters is 71 %, within 10 % of the 9 expected', () => {
    const p = progress({ kind: 'flow', direction: 'up', target: 12 * S, actual: 8.5 * S, elapsed: 3, span: 4 });
    expect(p.share).to.be.closeTo(0.708, 0.001);
    expect(p.reached).to.equal(false);
    expect(p.trajectory).to.deep.equal({ expected: 9 * S, status: 'on_track', gap: -0.5 * S });
  });

  it('a flow ahead, then behind, of its trajectory, beyond the 10 % margin', () => {
    expect(progress({ kind: 'flow', direction: 'up', target: 12 * S, actual: 4 * S, elapsed: 1, span: 4 }).trajectory!.status).to.equal(
      'ahead',
    );
    expect(progress({ kind: 'flow', direction: 'up', target: 12 * S, actual: 2 * S, elapsed: 2, span: 4 }).trajectory!.status).to.equal(
      'behind',
    );
  });

  it('a stock behind its year-end level has no trajectory, and is reached once at or above it', () => {
    const behind = progress({ kind: 'stock', direction: 'up', target: 50 * S, actual: 40 * S, elapsed: 2, span: 4 });
    expect({ share: behind.share, reached: behind.reached, trajectory: behind.trajectory }).to.deep.equal({
      share: 0.8,
      reached: false,
      trajectory: null,
    });
    expect(progress({ kind: 'stock', direction: 'up', target: 50 * S, actual: 50 * S, elapsed: 2, span: 4 }).reached).to.equal(true);
  });

  it('a descending indicator: lower is better, « % atteint » is target ÷ actual, the trajectory a ceiling', () => {
    const above = progress({ kind: 'flow', direction: 'down', target: 100 * S, actual: 60 * S, elapsed: 2, span: 4 });
    // 60 where 50 were allowed by now: behind; under the year's ceiling so far, but judged only at the year's end.
    expect(above.trajectory!.status).to.equal('behind');
    expect(above.reached).to.equal(false);
    expect(progress({ kind: 'flow', direction: 'down', target: 100 * S, actual: 90 * S, elapsed: 4, span: 4 }).reached).to.equal(true);
    const stock = progress({ kind: 'stock', direction: 'down', target: 20 * S, actual: 25 * S, elapsed: 4, span: 4 });
    expect(stock.share).to.equal(0.8);
    expect(stock.reached).to.equal(false);
    const ahead = progress({ kind: 'flow', direction: 'down', target: 100 * S, actual: 30 * S, elapsed: 2, span: 4 });
    expect(ahead.trajectory!.status).to.equal('ahead');
  });

  it('nothing counted yet: no share, not reached, no trajectory (never a 0 %)', () => {
    expect(progress({ kind: 'flow', direction: 'up', target: 12 * S, actual: null, elapsed: 3, span: 4 })).to.deep.equal({
      share: null,
      reached: false,
      trajectory: null,
    });
  });

  it('an area sums the targets and the actuals of the same poles; a pole without a target is never a 0', () => {
    const area = areaProgress(
      'flow',
      'up',
      [
        { poleId: 1, target: 10 * S, actual: 6 * S },
        { poleId: 2, target: 20 * S, actual: 9 * S },
        { poleId: 3, target: 5 * S, actual: null },
      ],
      39,
      2,
      4,
    );
    expect({
      withTarget: area.withTarget,
      poles: area.poles,
      target: area.target,
      actual: area.actual,
      withoutActual: area.withoutActual,
    }).to.deep.equal({
      withTarget: 3,
      poles: 39,
      target: 35 * S,
      actual: 15 * S,
      withoutActual: 1,
    });
    expect(area.progress!.trajectory!.expected).to.equal(17.5 * S);
    // Rates and scores: the share of poles meeting their target.
    const scores = areaProgress(
      'score',
      'up',
      [
        { poleId: 1, target: 3 * S, actual: 3.5 * S },
        { poleId: 2, target: 3 * S, actual: 2 * S },
      ],
      2,
      4,
      4,
    );
    expect({ meeting: scores.meeting, target: scores.target }).to.deep.equal({ meeting: 1, target: null });
  });

  it('compares with the year to date at the last consolidated quarter, or the whole year once ended', () => {
    const idx = (y: number, q: number) => y * 4 + q - 1;
    expect(targetWindow(2026, idx(2026, 3))).to.deep.equal({ end: idx(2026, 3), elapsed: 3 });
    expect(targetWindow(2025, idx(2026, 3))).to.deep.equal({ end: idx(2025, 4), elapsed: 4 });
    expect(targetWindow(2027, idx(2026, 3))).to.equal(null);
    expect(targetWindow(2026, null)).to.equal(null);
  });
});
