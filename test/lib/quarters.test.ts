import { expect } from 'chai';
import { DateTime } from 'luxon';
import { FixedClock, ZONE } from '../../server/lib/clock.ts';
import {
  addQuarters,
  deadline,
  indicatorApplies,
  isClosed,
  lastClosedQuarter,
  opensAt,
  quarterLastDay,
  quarterOf,
  reportingQuarters,
  sameQuarterLastYear,
  previousQuarter,
} from '../../server/lib/quarters.ts';

describe('quarter arithmetic (Europe/Paris, frozen clock)', () => {
  it('knows which quarter a moment is in, in Paris time', () => {
    // 31 March 23:30 UTC is already 1 April in Paris (summer time).
    expect(quarterOf(DateTime.fromISO('2026-03-31T23:30:00Z'))).to.deep.equal({ year: 2026, quarter: 2 });
    expect(quarterOf(DateTime.fromISO('2026-03-31T21:30:00Z'))).to.deep.equal({ year: 2026, quarter: 1 });
  });

  it('opens a quarter for entry when it ends, with a deadline N days later', () => {
    const q = { year: 2026, quarter: 3 };
    expect(opensAt(q).toISO()).to.equal('2026-10-01T00:00:00.000+02:00');
    expect(deadline(q, 30).toISO()).to.equal('2026-10-30T23:59:59.999+01:00'); // winter time by then
    const clock = new FixedClock('2026-09-30T23:59:59');
    expect(isClosed(q, clock.now())).to.equal(false);
    clock.advance({ seconds: 1 });
    expect(isClosed(q, clock.now())).to.equal(true);
  });

  it('finds the last closed quarter and steps across years', () => {
    expect(lastClosedQuarter(new FixedClock('2026-11-26T10:00:00').now())).to.deep.equal({ year: 2026, quarter: 3 });
    expect(lastClosedQuarter(new FixedClock('2026-01-01T00:00:00').now())).to.deep.equal({ year: 2025, quarter: 4 });
    expect(previousQuarter({ year: 2026, quarter: 1 })).to.deep.equal({ year: 2025, quarter: 4 });
    expect(addQuarters({ year: 2025, quarter: 3 }, 6)).to.deep.equal({ year: 2027, quarter: 1 });
    expect(sameQuarterLastYear({ year: 2026, quarter: 2 })).to.deep.equal({ year: 2025, quarter: 2 });
    expect(quarterLastDay({ year: 2024, quarter: 1 })).to.equal('2024-03-31');
    expect(quarterLastDay({ year: 2026, quarter: 4 })).to.equal('2026-12-31');
  });

  it('lists the quarters a pole reports: from its first, to the last closed or its archive date', () => {
    const now = DateTime.fromISO('2026-11-26T10:00:00', { zone: ZONE });
    const pole = { first_report_year: 2025, first_report_quarter: 4, archived_on: null };
    expect(reportingQuarters(pole, now).map((q) => `${q.year}-T${q.quarter}`)).to.deep.equal(['2025-T4', '2026-T1', '2026-T2', '2026-T3']);
    expect(reportingQuarters({ ...pole, archived_on: '2026-05-15' }, now).map((q) => `${q.year}-T${q.quarter}`)).to.deep.equal([
      '2025-T4',
      '2026-T1',
      '2026-T2',
    ]);
    expect(reportingQuarters({ ...pole, first_report_year: 2027 }, now)).to.deep.equal([]);
  });

  it('applies an indicator only between its first and last quarters', () => {
    const ind = { first_year: 2025, first_quarter: 2, last_year: 2026, last_quarter: 1 };
    expect(indicatorApplies(ind, { year: 2025, quarter: 1 })).to.equal(false);
    expect(indicatorApplies(ind, { year: 2025, quarter: 2 })).to.equal(true);
    expect(indicatorApplies(ind, { year: 2026, quarter: 1 })).to.equal(true);
    expect(indicatorApplies(ind, { year: 2026, quarter: 2 })).to.equal(false);
    expect(
      indicatorApplies({ first_year: null, first_quarter: null, last_year: null, last_quarter: null }, { year: 1999, quarter: 1 }),
    ).to.equal(true);
  });
});
