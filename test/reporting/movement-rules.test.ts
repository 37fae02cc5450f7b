import { expect } from 'chai';
import {
  checkEntry,
  field,
  isCarriedOver,
  unusualMovements,
  type EntryContext,
  type EntryIndicator,
} from '../../server/reporting/entry-rules.ts';
import { reviewFlags } from '../../server/reporting/review-flags.ts';

const S = 10_000;
const ind = (code: string, kind: EntryIndicator['kind'], o: Partial<EntryIndicator> = {}): EntryIndicator => ({
  id: code.length,
  code,
  label: code,
  kind,
  unit: 'nombre',
  decimals: 0,
  min: 0,
  max: 100_000 * S,
  categories: [],
  ...o,
});
const EMP = ind('EMP_CREES', 'flow', { id: 1, decimals: 1 });
const ETP = ind('EMP_ETP_FIN', 'stock', { id: 2, decimals: 1 });
const MEMBRES = ind('MEMBRES', 'stock', {
  id: 6,
  categories: [
    { code: 'ess', label: 'ESS' },
    { code: 'autre', label: 'Autre' },
  ],
});

const history = (o: Partial<EntryContext> = {}): EntryContext => ({
  indicators: [EMP, ETP, MEMBRES],
  ratios: [],
  previous: new Map([
    ['EMP_ETP_FIN', 10 * S],
    ['MEMBRES', 8 * S],
  ]),
  maxPastFlow: new Map([['EMP_CREES', 2 * S]]),
  pastQuarters: 4,
  register: null,
  stored: new Map(),
  ...o,
});
const values = (entries: [string, number][]) => (k: string) => new Map(entries).get(k);

describe('unusual movements: one rule for the entry form and the review page', () => {
  it('flags a stock moving by more than 50 %, not at exactly 50 %, and one leaving zero', () => {
    expect(unusualMovements(ETP, values([['EMP_ETP_FIN', 15 * S]]), false, history())).to.deep.equal([]);
    expect(unusualMovements(ETP, values([['EMP_ETP_FIN', 4 * S]]), false, history())).to.deep.equal([
      'Variation importante (\u221260 % par rapport au trimestre précédent)',
    ]);
    expect(unusualMovements(ETP, values([['EMP_ETP_FIN', 16 * S]]), false, history())).to.deep.equal([
      'Variation importante (+60 % par rapport au trimestre précédent)',
    ]);
    const fromZero = history({ previous: new Map([['EMP_ETP_FIN', 0]]) });
    expect(unusualMovements(ETP, values([['EMP_ETP_FIN', 1 * S]]), false, fromZero)).to.deep.equal([
      'Variation importante depuis zéro au trimestre précédent',
    ]);
    expect(unusualMovements(ETP, values([['EMP_ETP_FIN', 0]]), false, fromZero)).to.deep.equal([]);
  });

  it('flags a flow above three times its largest past quarter', () => {
    expect(unusualMovements(EMP, values([['EMP_CREES', 6 * S]]), false, history())).to.deep.equal([]);
    expect(unusualMovements(EMP, values([['EMP_CREES', 6 * S + 1]]), false, history())).to.deep.equal([
      'Valeur plus de trois fois supérieure au plus haut des trimestres passés (2,0)',
    ]);
  });

  it('waits for four past quarters, and ignores a carried-over stock', () => {
    expect(unusualMovements(EMP, values([['EMP_CREES', 100 * S]]), false, history({ pastQuarters: 3 }))).to.deep.equal([]);
    expect(unusualMovements(ETP, values([['EMP_ETP_FIN', 100 * S]]), true, history())).to.deep.equal([]);
    expect(isCarriedOver(ETP, 10 * S, history(), true)).to.equal(true);
    expect(isCarriedOver(ETP, 10 * S, history(), false)).to.equal(false);
    expect(isCarriedOver(EMP, 10 * S, history({ previous: new Map([['EMP_CREES', 10 * S]]) }), true)).to.equal(false);
    // MEMBRES comes from the register: never « reporté ».
    expect(isCarriedOver(MEMBRES, 8 * S, history({ register: new Map([['MEMBRES', 8]]) }), true)).to.equal(false);
  });

  it('compares MEMBRES, total and each category, with the register, whatever the history', () => {
    const h = history({
      pastQuarters: 0,
      register: new Map([
        ['MEMBRES', 8],
        ['MEMBRES.ess', 5],
        ['MEMBRES.autre', 3],
      ]),
    });
    expect(
      unusualMovements(
        MEMBRES,
        values([
          ['MEMBRES', 8 * S],
          ['MEMBRES.ess', 5 * S],
          ['MEMBRES.autre', 3 * S],
        ]),
        false,
        h,
      ),
    ).to.deep.equal([]);
    expect(
      unusualMovements(
        MEMBRES,
        values([
          ['MEMBRES', 8 * S],
          ['MEMBRES.ess', 4 * S],
          ['MEMBRES.autre', 4 * S],
        ]),
        false,
        h,
      ),
    ).to.deep.equal(['Différent du registre des membres (8 membres en fin de trimestre)']);
    expect(unusualMovements(MEMBRES, values([['MEMBRES', 8 * S]]), false, h), 'categories not given').to.deep.equal([]);
  });

  it('gives the form and the review the same alerts for the same values', () => {
    const body = {
      [field.value('EMP_CREES')]: '7',
      [field.value('EMP_ETP_FIN')]: '20',
      [field.value('MEMBRES')]: '9',
      ...Object.fromEntries(['EMP_CREES', 'EMP_ETP_FIN', 'MEMBRES'].map((c) => [field.comment(c), 'expliqué'])),
    };
    const h = history({ register: new Map([['MEMBRES', 8]]) });
    const form = checkEntry(body, h, false);
    expect(form.ok).to.equal(true);
    const stored = new Map(
      form.ok
        ? form.lines.map((l) => [
            l.category ? `${l.code}.${l.category}` : l.code,
            { value: l.value, notAvailable: l.notAvailable, naReason: l.naReason, comment: l.comment, carriedOver: l.carriedOver },
          ])
        : [],
    );
    const review = reviewFlags({ ...h, stored }).map((f) => `${f.code}: ${f.message}`);
    expect(form.ok && form.flags)
      .to.deep.equal(review)
      .and.have.length(3);
  });
});
