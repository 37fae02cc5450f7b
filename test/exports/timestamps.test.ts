import { expect } from 'chai';
import { DateTime } from 'luxon';
import { isoParis } from '../../server/lib/format.ts';
import { periodName } from '../../server/exports/summary-files.ts';
import { handBuiltSummary } from '../publications/summaries.ts';

describe('exports: timestamps and periods as files write them', () => {
  it('writes a stored UTC time in Paris time with its offset, winter and summer, whatever its writing', () => {
    expect(isoParis('2026-12-02T16:47:00.000Z')).to.equal('2026-12-02T17:47:00+01:00');
    expect(isoParis('2026-12-02 16:47:00')).to.equal('2026-12-02T17:47:00+01:00');
    expect(isoParis('2026-07-15T08:00:00.000Z')).to.equal('2026-07-15T10:00:00+02:00');
    expect(isoParis('2026-07-15 08:00:00')).to.equal('2026-07-15T10:00:00+02:00');
    expect(isoParis(new Date('2026-07-15T08:00:00Z'))).to.equal('2026-07-15T10:00:00+02:00');
    expect(isoParis(DateTime.fromISO('2026-03-29T01:30:00Z'))).to.equal('2026-03-29T03:30:00+02:00');
    expect(isoParis(null)).to.equal('');
    expect(isoParis('')).to.equal('');
  });

  it('names the year still running as its year to date, a closed year and a quarter as they are', () => {
    const base = handBuiltSummary([[{ contributors: 1, value: 1 }]]);
    expect(periodName(base)).to.equal('2026-T3');
    const year = { ...base, period: { kind: 'year' as const, year: 2026 }, periodLabel: '2026' };
    expect(periodName(year)).to.equal('2026');
    expect(periodName({ ...year, ytdThrough: 3 })).to.equal('2026, cumul à fin T3');
  });
});
