import { expect } from 'chai';
import { checkEntry, field, type EntryContext, type EntryIndicator } from '../../server/reporting/entry-rules.ts';

const S = 10_000; // scale of stored decimals
const ind = (code: string, kind: EntryIndicator['kind'], o: Partial<EntryIndicator> = {}): EntryIndicator => ({
  id: code.length,
  code,
  label: code,
  kind,
  unit: 'nombre',
  decimals: 0,
  min: 0,
  max: 10_000 * S,
  categories: [],
  ...o,
});
const EMP = ind('EMP_CREES', 'flow', { id: 1, unit: 'etp', decimals: 1 });
const ETP = ind('EMP_ETP_FIN', 'stock', { id: 2, unit: 'etp', decimals: 1 });
const MAT = ind('MATURITE_COOP', 'score', { id: 3, min: 1 * S, max: 4 * S });
const PROPRES = ind('RESSOURCES_PROPRES', 'flow', { id: 4, unit: 'euros' });
const TOTALES = ind('RESSOURCES_TOTALES', 'flow', { id: 5, unit: 'euros' });
const MEMBRES = ind('MEMBRES', 'stock', {
  id: 6,
  categories: [
    { code: 'ess', label: 'ESS' },
    { code: 'non_ess', label: 'Hors ESS' },
    { code: 'autre', label: 'Autre' },
  ],
});

function ctx(o: Partial<EntryContext> = {}): EntryContext {
  return {
    indicators: [EMP, ETP, MAT, PROPRES, TOTALES, MEMBRES],
    ratios: [
      {
        label: 'Taux d’autofinancement',
        numerator: { code: 'RESSOURCES_PROPRES', category: '' },
        denominator: { code: 'RESSOURCES_TOTALES', category: '' },
      },
    ],
    previous: new Map(),
    maxPastFlow: new Map(),
    pastQuarters: 0,
    register: null,
    stored: new Map(),
    ...o,
  };
}

const valueOf = (r: ReturnType<typeof checkEntry>, code: string, category = '') =>
  r.ok ? r.lines.find((l) => l.code === code && l.category === category)?.value : undefined;

describe('entry rules: numbers the French way', () => {
  const cases: [string, string, number | string][] = [
    ['12,5', 'EMP_CREES', 12.5 * S],
    ['12.5', 'EMP_CREES', 12.5 * S],
    ['1 234', 'EMP_CREES', 1234 * S],
    ['1\u00a0234,5', 'EMP_CREES', 1234.5 * S],
    ['1\u202f234', 'EMP_CREES', 1234 * S],
    [' 7 ', 'EMP_CREES', 7 * S],
    ['12,55', 'EMP_CREES', 'Saisissez au plus 1 décimale.'],
    ['abc', 'EMP_CREES', 'Saisissez un nombre, par exemple 12,5 ou 1 234.'],
    ['12,5,1', 'EMP_CREES', 'Saisissez un nombre, par exemple 12,5 ou 1 234.'],
    ['1e3', 'EMP_CREES', 'Saisissez un nombre, par exemple 12,5 ou 1 234.'],
    ['-1', 'EMP_CREES', 'La valeur doit être comprise entre 0,0 et 10\u202f000,0.'],
    ['10 000,1', 'EMP_CREES', 'La valeur doit être comprise entre 0,0 et 10\u202f000,0.'],
    ['3', 'MATURITE_COOP', 3 * S],
    ['5', 'MATURITE_COOP', 'La valeur doit être comprise entre 1 et 4.'],
    ['2,5', 'MATURITE_COOP', 'Saisissez un nombre entier.'],
    ['1500', 'RESSOURCES_PROPRES', 1500 * S],
    ['99999999999999', 'RESSOURCES_PROPRES', 'Ce nombre est trop grand.'],
  ];
  for (const [raw, code, expected] of cases) {
    it(`${code} ← ${JSON.stringify(raw)} → ${typeof expected === 'number' ? expected / S : expected}`, () => {
      const r = checkEntry({ [field.value(code)]: raw }, ctx(), false);
      if (typeof expected === 'number') expect(valueOf(r, code)).to.equal(expected);
      else expect(r.ok ? null : r.errors[field.value(code)]).to.equal(expected);
    });
  }
});

describe('entry rules: the form as a whole', () => {
  it('accepts a partial draft and stores only what was typed', () => {
    const r = checkEntry({ [field.value('EMP_CREES')]: '2' }, ctx(), false);
    expect(r.ok && r.lines.map((l) => l.code)).to.deep.equal(['EMP_CREES']);
  });

  it('requires every indicator, a value or « non disponible », to submit', () => {
    const r = checkEntry({ [field.value('EMP_CREES')]: '2' }, ctx(), true);
    expect(r.ok).to.equal(false);
    if (!r.ok) {
      expect(r.errors[field.value('EMP_ETP_FIN')]).to.equal('Saisissez une valeur, ou cochez « non disponible » avec sa raison.');
      expect(r.errors[field.value('EMP_CREES')]).to.equal(undefined);
    }
  });

  it('asks a reason for « non disponible » (a draft waits for it), refuses it with a value, and stores it as not reported', () => {
    let r = checkEntry({ [field.na('EMP_CREES')]: '1' }, ctx(), false);
    expect(r.ok, 'a draft saves without the reason').to.equal(true);
    expect(r.warnings[field.naReason('EMP_CREES')]).to.equal('Indiquez pourquoi cette valeur n’est pas disponible.');
    r = checkEntry({ [field.na('EMP_CREES')]: '1' }, ctx(), true);
    expect(!r.ok && r.errors[field.naReason('EMP_CREES')]).to.equal('Indiquez pourquoi cette valeur n’est pas disponible.');
    r = checkEntry({ [field.na('EMP_CREES')]: '1', [field.value('EMP_CREES')]: '3' }, ctx(), false);
    expect(!r.ok && r.errors[field.value('EMP_CREES')]).to.equal('Effacez la valeur ou décochez « non disponible ».');
    r = checkEntry({ [field.na('EMP_CREES')]: '1', [field.naReason('EMP_CREES')]: 'Bilan en cours' }, ctx(), false);
    expect(r.ok && r.lines[0]).to.include({ value: null, notAvailable: true, naReason: 'Bilan en cours' });
  });

  it('keeps a numerator at most its denominator (a warning on a draft, an error on submit)', () => {
    const body = { [field.value('RESSOURCES_PROPRES')]: '2000', [field.value('RESSOURCES_TOTALES')]: '1500' };
    let r = checkEntry(body, ctx(), false);
    expect(r.ok && r.warnings[field.value('RESSOURCES_PROPRES')]).to.match(/^Ne peut pas dépasser 1\u202f500 \(/);
    expect(valueOf(r, 'RESSOURCES_PROPRES'), 'the typed value is kept in the draft').to.equal(2000 * S);
    r = checkEntry(body, ctx(), true);
    expect(!r.ok && r.errors[field.value('RESSOURCES_PROPRES')]).to.match(/^Ne peut pas dépasser 1\u202f500 \(/);
  });

  it('accepts the unit typed after the number, and says « sans centimes » for a euro amount', () => {
    let r = checkEntry({ [field.value('RESSOURCES_PROPRES')]: '1 234 €', [field.value('EMP_CREES')]: '2,5 ETP' }, ctx(), false);
    expect(valueOf(r, 'RESSOURCES_PROPRES')).to.equal(1234 * S);
    expect(valueOf(r, 'EMP_CREES')).to.equal(2.5 * S);
    r = checkEntry({ [field.value('RESSOURCES_PROPRES')]: '1 234,5 €' }, ctx(), false);
    expect(!r.ok && r.errors[field.value('RESSOURCES_PROPRES')]).to.equal('Saisissez un montant en euros, sans centimes.');
    r = checkEntry({ [field.value('RESSOURCES_PROPRES')]: '€' }, ctx(), false);
    expect(!r.ok && r.errors[field.value('RESSOURCES_PROPRES')]).to.equal('Saisissez un nombre, par exemple 12,5 ou 1 234.');
    r = checkEntry({ [field.value('EMP_CREES')]: '3 €' }, ctx(), false);
    expect(!r.ok && r.errors[field.value('EMP_CREES')], 'another unit than the indicator’s').to.equal(
      'Saisissez un nombre, par exemple 12,5 ou 1 234.',
    );
  });

  it('refuses a draft only for what cannot be stored, and then says every other problem too', () => {
    const previous = new Map([['EMP_ETP_FIN', 100 * S]]);
    const body = { [field.value('EMP_CREES')]: 'abc', [field.value('EMP_ETP_FIN')]: '200' };
    const r = checkEntry(body, ctx({ previous, pastQuarters: 4 }), false);
    expect(r.ok).to.equal(false);
    expect(!r.ok && Object.keys(r.errors)).to.deep.equal([field.value('EMP_CREES')]);
    expect(r.warnings[field.comment('EMP_ETP_FIN')]).to.match(/^Variation importante/);
  });

  it('makes the parts of MEMBRES add up to the total, or computes the total from them', () => {
    const v = (total: string, ess: string, nonEss: string, autre: string) => ({
      [field.value('MEMBRES')]: total,
      [field.value('MEMBRES', 'ess')]: ess,
      [field.value('MEMBRES', 'non_ess')]: nonEss,
      [field.value('MEMBRES', 'autre')]: autre,
    });
    let r = checkEntry(v('10', '4', '3', '2'), ctx(), true);
    expect(!r.ok && r.errors[field.value('MEMBRES')]).to.equal('Le total (10) doit être égal à la somme des catégories (9).');
    r = checkEntry(v('10', '4', '3', '2'), ctx(), false);
    expect(r.ok && r.warnings[field.value('MEMBRES')], 'a draft keeps both').to.equal(
      'Le total (10) doit être égal à la somme des catégories (9).',
    );
    expect(valueOf(r, 'MEMBRES')).to.equal(10 * S);
    r = checkEntry(v('', '4', '3', '2'), ctx(), false);
    expect(valueOf(r, 'MEMBRES')).to.equal(9 * S);
    expect(valueOf(r, 'MEMBRES', 'ess')).to.equal(4 * S);
    r = checkEntry(v('9', '4', '', '2'), ctx(), true);
    expect(!r.ok && r.errors[field.value('MEMBRES', 'non_ess')]).to.equal('Renseignez toutes les catégories, ou aucune.');
    r = checkEntry(v('', '4', '', '2'), ctx(), false);
    expect(r.ok && r.warnings[field.value('MEMBRES', 'non_ess')]).to.equal('Renseignez toutes les catégories, ou aucune.');
    expect([valueOf(r, 'MEMBRES'), valueOf(r, 'MEMBRES', 'ess'), valueOf(r, 'MEMBRES', 'autre')], 'the typed parts are kept').to.deep.equal(
      [undefined, 4 * S, 2 * S],
    );
  });

  it('needs a comment when MEMBRES differs from the member register', () => {
    const register = new Map([
      ['MEMBRES', 9],
      ['MEMBRES.ess', 4],
      ['MEMBRES.non_ess', 3],
      ['MEMBRES.autre', 2],
    ]);
    const body = { [field.value('MEMBRES', 'ess')]: '5', [field.value('MEMBRES', 'non_ess')]: '3', [field.value('MEMBRES', 'autre')]: '2' };
    let r = checkEntry(body, ctx({ register }), true);
    expect(!r.ok && r.errors[field.comment('MEMBRES')]).to.match(/^Différent du registre des membres \(9 membres/);
    r = checkEntry(body, ctx({ register }), false);
    expect(r.ok && r.warnings[field.comment('MEMBRES')]).to.match(/^Différent du registre des membres \(9 membres/);
    r = checkEntry({ ...body, [field.comment('MEMBRES')]: 'Une adhésion pas encore saisie au registre' }, ctx({ register }), false);
    expect(r.ok && r.warnings).to.deep.equal({});
    r = checkEntry({ ...body, [field.value('MEMBRES', 'ess')]: '4' }, ctx({ register }), false);
    expect(r.ok && r.warnings).to.deep.equal({});
  });

  it('asks for a comment on a stock moving more than 50 % once 4 quarters exist', () => {
    const previous = new Map([['EMP_ETP_FIN', 100 * S]]);
    const body = { [field.value('EMP_ETP_FIN')]: '151' };
    const asks = (b: Record<string, string>, pastQuarters: number) =>
      checkEntry(b, ctx({ previous, pastQuarters }), false).warnings[field.comment('EMP_ETP_FIN')];
    expect(asks(body, 3), 'only 3 past quarters').to.equal(undefined);
    expect(asks(body, 4)).to.equal('Variation importante (+51 % par rapport au trimestre précédent) : expliquez-la en commentaire.');
    expect(checkEntry(body, ctx({ previous, pastQuarters: 4 }), false).ok, 'a draft saves with the warning').to.equal(true);
    const r = checkEntry(body, ctx({ previous, pastQuarters: 4 }), true);
    expect(!r.ok && r.errors[field.comment('EMP_ETP_FIN')]).to.match(/^Variation importante \(\+51 %/);
    expect(asks({ [field.value('EMP_ETP_FIN')]: '150' }, 4), 'exactly +50 %').to.equal(undefined);
    expect(asks({ [field.value('EMP_ETP_FIN')]: '49' }, 4), '−51 %, with the minus sign').to.match(/^Variation importante \(\u221251 %/);
    expect(asks({ ...body, [field.comment('EMP_ETP_FIN')]: 'Reprise d’une entreprise' }, 4)).to.equal(undefined);
  });

  it('asks for a comment on a flow above three times its largest past quarter', () => {
    const maxPastFlow = new Map([['EMP_CREES', 4 * S]]);
    const at12 = checkEntry({ [field.value('EMP_CREES')]: '12' }, ctx({ maxPastFlow, pastQuarters: 5 }), true);
    expect(at12.ok ? {} : at12.errors, 'exactly three times').to.not.have.property(field.comment('EMP_CREES'));
    expect(
      checkEntry({ [field.value('EMP_CREES')]: '12,1' }, ctx({ maxPastFlow, pastQuarters: 5 }), false).warnings[field.comment('EMP_CREES')],
    ).to.match(/plus de trois fois supérieure/);
    const r = checkEntry({ [field.value('EMP_CREES')]: '12,1' }, ctx({ maxPastFlow, pastQuarters: 5 }), true);
    expect(!r.ok && r.errors[field.comment('EMP_CREES')]).to.match(
      /plus de trois fois supérieure au plus haut des trimestres passés \(4,0\)/,
    );
  });

  it('keeps a stock carried over from the previous quarter marked until confirmed, and refuses to submit it unconfirmed', () => {
    const previous = new Map([['EMP_ETP_FIN', 80 * S]]);
    let r = checkEntry({ [field.value('EMP_ETP_FIN')]: '80' }, ctx({ previous }), false);
    expect(r.ok && r.lines[0].carriedOver).to.equal(true);
    const all = {
      [field.value('EMP_CREES')]: '1',
      [field.value('EMP_ETP_FIN')]: '80',
      [field.value('MATURITE_COOP')]: '2',
      [field.value('RESSOURCES_PROPRES')]: '1',
      [field.value('RESSOURCES_TOTALES')]: '2',
      [field.value('MEMBRES', 'ess')]: '1',
      [field.value('MEMBRES', 'non_ess')]: '1',
      [field.value('MEMBRES', 'autre')]: '1',
    };
    r = checkEntry(all, ctx({ previous }), true);
    expect(!r.ok && r.errors[field.confirm('EMP_ETP_FIN')]).to.equal(
      'Confirmez la valeur reportée du trimestre précédent, ou corrigez-la.',
    );
    r = checkEntry({ ...all, [field.confirm('EMP_ETP_FIN')]: '1' }, ctx({ previous }), true);
    expect(r.ok).to.equal(true);
    r = checkEntry({ ...all, [field.value('EMP_ETP_FIN')]: '81' }, ctx({ previous }), true);
    expect(r.ok, 'a changed value is no longer carried over').to.equal(true);
  });
});
