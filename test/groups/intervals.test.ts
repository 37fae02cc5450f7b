import { expect } from 'chai';
import { disjoint, planJoin, planLeave, type Interval } from '../../server/groups/intervals.ts';

const row = (id: number, group_id: number, from_index: number, to_index: number | null): Interval => ({
  id,
  group_id,
  from_index,
  to_index,
});

describe('pole groups: membership intervals (pure)', () => {
  const history = [row(1, 10, 100, 111), row(2, 20, 112, null)];

  it('places: a first membership, a change that closes the open one the quarter before, a same-quarter correction', () => {
    expect(planJoin([], 10, 100)).to.deep.equal({ kind: 'insert', close: null });
    expect(planJoin(history, 30, 120)).to.deep.equal({ kind: 'insert', close: { id: 2, toIndex: 119 } });
    expect(planJoin(history, 30, 112)).to.deep.equal({ kind: 'regroup', id: 2 });
    expect(planJoin([row(1, 10, 100, 111)], 20, 112)).to.deep.equal({ kind: 'insert', close: null });
  });

  it('refuses an overlap with a past or the open membership, and the group the pole is already in', () => {
    expect(planJoin(history, 30, 111)).to.deep.include({ kind: 'overlap' });
    expect(planJoin(history, 30, 105)).to.deep.include({ kind: 'overlap' });
    expect(planJoin([row(1, 10, 100, 111)], 20, 111)).to.deep.include({ kind: 'overlap' });
    expect(planJoin(history, 20, 130)).to.deep.equal({ kind: 'already', since: history[1] });
  });

  it('takes out: closes the quarter before, deletes a membership that never held a quarter, refuses before its start', () => {
    expect(planLeave(history, 120)).to.deep.equal({ kind: 'close', id: 2, toIndex: 119 });
    expect(planLeave(history, 112)).to.deep.include({ kind: 'delete', id: 2 });
    expect(planLeave(history, 111)).to.deep.include({ kind: 'beforeStart' });
    expect(planLeave([row(1, 10, 100, 111)], 120)).to.deep.equal({ kind: 'none' });
  });

  it('tells disjoint histories from overlapping ones', () => {
    expect(disjoint(history)).to.equal(true);
    expect(disjoint([row(1, 10, 100, 112), row(2, 20, 112, null)])).to.equal(false);
    expect(disjoint([row(1, 10, 100, null), row(2, 20, 112, null)])).to.equal(false);
  });
});
