import { expect } from 'chai';
import { parseForm } from '../../server/http/form.ts';
import {
  componentValue,
  crossFieldIssues,
  indicatorFormSchema,
  listQuerySchema,
  sameComponent,
} from '../../server/indicators/indicators.schema.ts';
import { snapshot, type CatalogueItem } from '../../server/indicators/indicators.service.ts';
import { formOptions, indicatorToValues, listRow } from '../../server/indicators/indicators.view.ts';
import type { IndicatorRow } from '../../server/indicators/indicators.repo.ts';

const valid = {
  code: 'CIRCUITS_COURTS',
  label_fr: ' Producteurs ',
  label_en: 'Producers',
  unit: 'tonnes',
  decimals: '2',
  min: '',
  max: '',
  kind: 'flow',
  objectives: 'O3',
  direction: 'down',
  first_quarter: '',
  last_quarter: '',
  display_order: '10',
};
const parse = (o: Record<string, unknown>, mode: 'new' | 'edit' = 'new') => parseForm(indicatorFormSchema(mode), { ...valid, ...o });

describe('indicator form schema', () => {
  it('reads French decimals, quarters, objectives and the active checkbox', () => {
    const r = parse({
      min: '-1\u00a0234,5',
      max: '1\u202f234 567,25',
      first_quarter: '2024-t1',
      last_quarter: '2026-Q3',
      objectives: ['O6', 'O1'],
      active: '1',
      version: '3',
    });
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.data).to.deep.include({
      code: 'CIRCUITS_COURTS',
      label_fr: 'Producteurs',
      definition_fr: '',
      decimals: 2,
      direction: 'down',
      active: true,
      version: 3,
      min: { scaled: -12_345_000, decimals: 1 },
      max: { scaled: 12_345_672_500, decimals: 2 },
      first_quarter: { year: 2024, quarter: 1 },
      last_quarter: { year: 2026, quarter: 3 },
      objectives: ['O6', 'O1'],
    });
  });

  it('treats an unticked checkbox as inactive, empty bounds and quarters as none, and an unreadable version as none', () => {
    const r = parse({ version: 'x' });
    expect(r.ok && r.data).to.deep.include({
      active: false,
      min: null,
      max: null,
      first_quarter: null,
      last_quarter: null,
      version: undefined,
    });
  });

  it('ignores the code when editing', () => {
    const r = parse({ code: 'n’importe quoi' }, 'edit');
    expect(r.ok && r.data.code).to.equal('');
  });

  it('reports a field that fails on its own without a spurious rule between fields', () => {
    const r = parse({ decimals: 'deux', min: '1,5', max: 'beaucoup' });
    expect(r.ok ? {} : r.errors).to.deep.equal({
      decimals: 'Le nombre de décimales est un entier de 0 à 4.',
      max: 'Saisissez un nombre, par exemple « 12,5 » ou « 1 234 ».',
    });
    const k = parse({ kind: 'jauge', numerator: 'MEMBRES' });
    expect(k.ok ? {} : k.errors).to.deep.equal({ kind: 'Choisissez une nature de la liste.' });
  });

  it('shows the rules between fields together with missing and repeated fields', () => {
    const r = parseForm(indicatorFormSchema('new'), {
      code: ['A', 'B'],
      kind: 'ratio',
      min: '3',
      unit: 'nombre',
      decimals: '0',
      direction: 'up',
      objectives: 'O1',
      display_order: '1',
    });
    expect(r.ok ? {} : r.errors).to.deep.equal({
      code: 'Valeur invalide.',
      label_fr: 'Saisissez le libellé en français.',
      label_en: 'Saisissez le libellé en anglais.',
      min: 'Un ratio n’a pas de bornes : laissez ce champ vide.',
      numerator: 'Choisissez le numérateur du ratio.',
      denominator: 'Choisissez le dénominateur du ratio.',
    });
  });

  it('reads ratio components as an indicator code and an optional category', () => {
    const r = parse({ kind: 'ratio', numerator: 'MEMBRES:ess', denominator: 'MEMBRES' });
    expect(r.ok && [r.data.numerator, r.data.denominator]).to.deep.equal([
      { code: 'MEMBRES', category: 'ess' },
      { code: 'MEMBRES', category: null },
    ]);
    const bad = parse({ kind: 'ratio', numerator: 'membres', denominator: 'MEMBRES:' });
    expect(bad.ok ? {} : bad.errors).to.deep.equal({
      numerator: 'Choisissez un indicateur de la liste.',
      denominator: 'Choisissez un indicateur de la liste.',
    });
  });
});

describe('rules between indicator fields', () => {
  const base = {
    decimals: 1,
    min: null,
    max: null,
    kind: 'flow' as const,
    numerator: null,
    denominator: null,
    first_quarter: null,
    last_quarter: null,
  };
  const b = (scaled: number, decimals: number) => ({ scaled, decimals });
  const cases: [string, Partial<Parameters<typeof crossFieldIssues>[0]>, { field: string; message: string }[]][] = [
    ['a plain flow', {}, []],
    ['min equal to max', { min: b(10_000, 0), max: b(10_000, 0) }, []],
    [
      'min above max',
      { min: b(20_000, 0), max: b(10_000, 0) },
      [{ field: 'max', message: 'Le maximum doit être supérieur ou égal au minimum.' }],
    ],
    ['more decimals than declared', { min: b(2_500, 2) }, [{ field: 'min', message: 'Au plus 1 décimale pour cet indicateur.' }]],
    [
      'decimals on an integer indicator',
      { decimals: 0, max: b(5_000, 1) },
      [{ field: 'max', message: 'Saisissez un nombre entier : cet indicateur n’a pas de décimale.' }],
    ],
    ['two declared decimals', { decimals: 2, min: b(2_550, 3) }, [{ field: 'min', message: 'Au plus 2 décimales pour cet indicateur.' }]],
    [
      'components on a stock',
      { kind: 'stock', denominator: { code: 'A', category: null } },
      [{ field: 'denominator', message: 'Seul un ratio a un numérateur et un dénominateur : laissez ce champ vide.' }],
    ],
    ['a complete ratio', { kind: 'ratio', numerator: { code: 'A', category: 'x' }, denominator: { code: 'A', category: null } }, []],
    [
      'a ratio without components',
      { kind: 'ratio' },
      [
        { field: 'numerator', message: 'Choisissez le numérateur du ratio.' },
        { field: 'denominator', message: 'Choisissez le dénominateur du ratio.' },
      ],
    ],
    [
      'a ratio over itself',
      { kind: 'ratio', numerator: { code: 'A', category: null }, denominator: { code: 'A', category: null } },
      [{ field: 'denominator', message: 'Le dénominateur doit être différent du numérateur.' }],
    ],
    [
      'a ratio with a bound',
      { kind: 'ratio', max: b(1, 0), numerator: { code: 'A', category: null }, denominator: { code: 'B', category: null } },
      [{ field: 'max', message: 'Un ratio n’a pas de bornes : laissez ce champ vide.' }],
    ],
    ['quarters in order', { first_quarter: { year: 2024, quarter: 4 }, last_quarter: { year: 2025, quarter: 1 } }, []],
    ['one quarter', { first_quarter: { year: 2024, quarter: 4 }, last_quarter: { year: 2024, quarter: 4 } }, []],
    [
      'quarters reversed',
      { first_quarter: { year: 2025, quarter: 1 }, last_quarter: { year: 2024, quarter: 4 } },
      [{ field: 'last_quarter', message: 'Le dernier trimestre doit être égal ou postérieur au premier.' }],
    ],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => expect(crossFieldIssues({ ...base, ...input })).to.deep.equal(expected));
  }

  it('compares components by code and category', () => {
    expect(sameComponent({ code: 'A', category: null }, { code: 'A', category: 'x' })).to.equal(false);
    expect(componentValue({ code: 'MEMBRES', category: 'ess' })).to.equal('MEMBRES:ess');
    expect(componentValue(null)).to.equal('');
  });

  it('refuses repeated list filters', () => {
    expect(listQuerySchema.safeParse({ etat: ['tous', 'actifs'] }).success).to.equal(false);
    expect(listQuerySchema.safeParse({ etat: 'actifs', objectif: '' }).success).to.equal(true);
  });
});

describe('indicator pages (view model)', () => {
  const row: IndicatorRow = {
    id: 7,
    code: 'PCT_X',
    label_fr: 'Part',
    label_en: 'Share',
    definition_fr: 'Déf.',
    definition_en: 'Def.',
    unit: 'pourcent',
    decimals: 1,
    min_scaled: null,
    max_scaled: null,
    kind: 'ratio',
    numerator_id: 3,
    numerator_category: 'ess',
    denominator_id: 3,
    denominator_category: null,
    objectives: 'O2,O5',
    direction: 'up',
    first_year: 2024,
    first_quarter: 2,
    last_year: null,
    last_quarter: null,
    active: true,
    display_order: 70,
    version: 4,
    created_at: '',
    updated_at: '',
  };
  const item: CatalogueItem = {
    indicator: row,
    categories: [],
    numerator: { code: 'MEMBRES', category: 'ess', categoryLabel: 'Entreprises de l’ESS' },
    denominator: { code: 'MEMBRES', category: null, categoryLabel: null },
  };

  it('shows what the edit form posts back unchanged', () => {
    const values = indicatorToValues(item);
    const r = parseForm(indicatorFormSchema('edit'), values);
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.data).to.deep.include({
      kind: 'ratio',
      numerator: { code: 'MEMBRES', category: 'ess' },
      first_quarter: { year: 2024, quarter: 2 },
      version: 4,
      active: true,
    });
    const options = formOptions(values, []);
    expect(options.objectiveOptions.filter((o) => o.checked).map((o) => o.value)).to.deep.equal(['O2', 'O5']);
    expect(options.kindOptions.find((o) => o.selected)?.label).to.equal('ratio');
    expect(options.activeChecked).to.equal(true);
  });

  it('labels a catalogue row in French', () => {
    expect(listRow(item)).to.deep.include({
      kindLabel: 'ratio',
      unitLabel: 'pourcentage',
      first: '2024-T2',
      last: '',
      hasBounds: false,
      numerator: 'MEMBRES — Entreprises de l’ESS',
      denominator: 'MEMBRES',
      objectives: ['O2', 'O5'],
    });
  });

  it('audits the writable columns only, in a fixed order', () => {
    const keys = Object.keys(snapshot({ ...row, display_order: 1 }));
    expect(keys).to.not.include.members(['id', 'version', 'created_at', 'updated_at']);
    expect(keys[0]).to.equal('code');
    const later: IndicatorRow = { ...row, version: 9, updated_at: 'later' };
    expect(JSON.stringify(snapshot(row))).to.equal(JSON.stringify(snapshot(later)));
  });
});
