import { expect } from 'chai';
import { summaryPrintModel } from '../../server/exports/summary-files.ts';
import { formatNumber } from '../../server/lib/format.ts';
import { handBuiltSummary } from '../publications/summaries.ts';

describe('exports: the print page’s figures', () => {
  it('writes counts in French (1 234 sur 1 500), completeness and contributors alike', () => {
    const summary = handBuiltSummary([
      [
        { contributors: 1200, value: 5 },
        { contributors: 34, value: 1 },
      ],
    ]);
    summary.national[0].reported = 1234;
    summary.national[0].expected = 1500;
    const model = summaryPrintModel(summary);
    expect(model.national[0].completeness).to.equal(`${formatNumber(1234)} sur ${formatNumber(1500)}`);
    expect(model.national[0].completeness).to.not.contain('1234');
    expect(model.national[0].contributors).to.equal(formatNumber(1234));
    expect(model.regions[0].rows[0].contributors).to.equal(formatNumber(1200));
  });
});

describe('exports: the print page’s empty figures', () => {
  it('says « pas encore de donnée validée » (or « aucune donnée déclarée » on the wider base), never « non disponible »', () => {
    const summary = handBuiltSummary([[{ contributors: 0, value: null }]]);
    summary.regions[0].value = null;
    summary.regions[0].reported = 0;
    expect(summaryPrintModel(summary).regions[0].rows[0].value).to.equal('pas encore de donnée validée');
    expect(summaryPrintModel({ ...summary, base: 'validated_or_submitted' }).regions[0].rows[0].value).to.equal('aucune donnée déclarée');
  });
});
