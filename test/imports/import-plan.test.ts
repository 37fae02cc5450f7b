import { expect } from 'chai';
import { locate, overlay, planChanges } from '../../server/imports/import-plan.ts';
import type { ImportRow } from '../../server/imports/import-rows.ts';
import type { EntryIndicator } from '../../server/reporting/entry-rules.ts';
import type { SavePlan } from '../../server/reporting/reporting.service.ts';
import type { ValueRow } from '../../server/reporting/reporting.repo.ts';

const IND: EntryIndicator[] = [
  { id: 1, code: 'EMP_CREES', label: 'Emplois créés', kind: 'flow', unit: 'etp', decimals: 1, min: 0, max: null, categories: [] },
  {
    id: 2,
    code: 'MEMBRES',
    label: 'Membres',
    kind: 'stock',
    unit: 'nombre',
    decimals: 0,
    min: 0,
    max: null,
    categories: [
      { code: 'ess', label: 'ESS' },
      { code: 'non_ess', label: 'Hors ESS' },
    ],
  },
];
const COLUMNS = { code: 'A', categorie: 'B', valeur: 'F', non_disponible: 'G', raison: 'H', commentaire: 'I' };
let n = 1;
const row = (code: string, o: Partial<ImportRow> = {}): ImportRow => ({
  line: ++n,
  pole: '',
  year: 0,
  quarter: 0,
  code,
  category: '',
  value: '',
  na: false,
  reason: '',
  comment: '',
  ...o,
});
const run = (stored: Record<string, string>, rows: ImportRow[]) =>
  overlay(stored, rows, IND, new Set(['PCT_MEMBRES_ESS']), COLUMNS, 'code');

describe('import: the file over the stored quarter', () => {
  it('keeps what the file leaves empty and replaces what it gives', () => {
    const { body, problems } = run({ 'v.EMP_CREES': '2', 'c.EMP_CREES': 'ancien', highlights: 'Faits' }, [
      row('EMP_CREES'),
      row('MEMBRES', { value: '7' }),
    ]);
    expect(problems).to.deep.equal([]);
    expect(body).to.deep.equal({ 'v.EMP_CREES': '2', 'c.EMP_CREES': 'ancien', highlights: 'Faits', 'v.MEMBRES': '7' });
  });

  it('turns « non disponible » on and off like the form’s checkbox', () => {
    const on = run({ 'v.MEMBRES': '5', 'v.MEMBRES.ess': '2', 'v.MEMBRES.non_ess': '3' }, [
      row('MEMBRES', { na: true, reason: 'Registre en cours' }),
    ]);
    expect(on.body).to.deep.equal({ 'na.MEMBRES': '1', 'nr.MEMBRES': 'Registre en cours' });
    const off = run({ 'na.EMP_CREES': '1', 'nr.EMP_CREES': 'pas mesuré' }, [row('EMP_CREES', { value: '1,5', comment: 'Mesuré' })]);
    expect(off.body).to.deep.equal({ 'v.EMP_CREES': '1,5', 'c.EMP_CREES': 'Mesuré' });
  });

  it('keeps a value given beside « oui », for the rules to refuse it', () => {
    const { body } = run({}, [row('MEMBRES', { category: 'ess', value: '2' }), row('MEMBRES', { na: true, reason: 'x' })]);
    expect(body).to.deep.equal({ 'na.MEMBRES': '1', 'nr.MEMBRES': 'x', 'v.MEMBRES.ess': '2' });
  });

  it('computes the total from the categories when the file gives parts but no total', () => {
    const { body } = run({ 'v.MEMBRES': '5', 'v.MEMBRES.ess': '2', 'v.MEMBRES.non_ess': '3' }, [
      row('MEMBRES'),
      row('MEMBRES', { category: 'ess', value: '4' }),
    ]);
    expect(body).to.deep.equal({ 'v.MEMBRES.ess': '4', 'v.MEMBRES.non_ess': '3' });
  });

  it('names unknown codes and categories, computed indicators, duplicates, and cells meant for the total', () => {
    const rows = [
      row('INCONNU', { value: '1' }),
      row('PCT_MEMBRES_ESS', { value: '1' }),
      row('MEMBRES', { category: 'xx', value: '1' }),
      row('EMP_CREES', { category: 'ess', value: '1' }),
      row('EMP_CREES', { value: '1' }),
      row('EMP_CREES', { value: '2' }),
      row('MEMBRES', { category: 'ess', value: '1', comment: 'ici' }),
    ];
    const { body, problems } = run({}, rows);
    expect(problems.map((p) => `${p.line} ${p.letter} ${p.message}`)).to.deep.equal([
      `${rows[0].line} A Code d’indicateur inconnu ou non applicable à ce trimestre : « INCONNU ».`,
      `${rows[1].line} A « PCT_MEMBRES_ESS » est calculé automatiquement à partir de ses composantes : ne le saisissez pas.`,
      `${rows[5].line} A Ligne en double : cet indicateur et cette catégorie sont déjà renseignés ligne ${rows[4].line}.`,
      `${rows[2].line} B Catégorie inconnue pour MEMBRES : « xx » (catégories possibles : ess, non_ess).`,
      `${rows[3].line} B EMP_CREES n’a pas de catégories : laissez la colonne « categorie » vide.`,
      `${rows[6].line} I « Non disponible », la raison et le commentaire se renseignent sur la ligne du total (catégorie vide).`,
    ]);
    expect(body['v.EMP_CREES']).to.equal('1');
  });

  it('leads each rule’s message back to the line and column it comes from', () => {
    const rows = [row('EMP_CREES', { value: 'x' }), row('MEMBRES', { value: '4' }), row('MEMBRES', { category: 'ess', value: '9' })];
    const problems = locate(
      {
        'v.EMP_CREES': 'Saisissez un nombre.',
        'v.MEMBRES.ess': 'Trop grand.',
        'c.MEMBRES': 'Expliquez.',
        'nr.AUTRE': 'Raison ?',
        highlights: 'Trop long.',
      },
      rows,
      COLUMNS,
    );
    expect(problems).to.deep.equal([
      { line: rows[0].line, column: 'valeur', letter: 'F', message: 'Saisissez un nombre.' },
      { line: rows[2].line, column: 'valeur', letter: 'F', message: 'Trop grand.' },
      { line: rows[1].line, column: 'commentaire', letter: 'I', message: 'Expliquez.' },
      { line: null, column: null, letter: null, message: 'Valeur déjà enregistrée (AUTRE) : Raison ?' },
      { line: null, column: null, letter: null, message: 'Valeur déjà enregistrée (Faits marquants du trimestre) : Trop long.' },
    ]);
  });

  it('lists what a plan changes, the status last, and nothing for an unchanged quarter', () => {
    const stored = (indicator_id: number, category: string, value_scaled: number | null, o: Partial<ValueRow> = {}): ValueRow => ({
      id: indicator_id * 10,
      pole_id: 1,
      indicator_id,
      category,
      year: 2026,
      quarter: 3,
      value_scaled,
      not_available: false,
      na_reason: '',
      comment: '',
      carried_over: false,
      updated_by: 1,
      updated_at: '',
      ...o,
    });
    const codes = new Map([
      [1, 'EMP_CREES'],
      [2, 'MEMBRES'],
    ]);
    const plan = {
      existing: { status: 'draft' },
      status: 'validated',
      current: [stored(1, '', 15000), stored(2, '', 50000), stored(2, 'ess', 20000)],
      keyOf: (v: ValueRow) => (v.category ? `${codes.get(v.indicator_id)}.${v.category}` : codes.get(v.indicator_id)!),
      lines: [
        {
          indicatorId: 1,
          code: 'EMP_CREES',
          category: '',
          value: 25000,
          notAvailable: false,
          naReason: '',
          comment: '',
          carriedOver: false,
        },
        {
          indicatorId: 2,
          code: 'MEMBRES',
          category: '',
          value: 50000,
          notAvailable: false,
          naReason: '',
          comment: 'Nouveau',
          carriedOver: false,
        },
      ],
    } as unknown as SavePlan;
    expect(
      planChanges(plan, IND, 'Pôle · 2026-T3').map((c) => `${c.label}: ${c.old} → ${c.new}${c.note ? ` (${c.note})` : ''}`),
    ).to.deep.equal([
      'Emplois créés: 1,5 → 2,5',
      'Membres: 5 → 5 (commentaire ou raison)',
      'Membres — ESS: 2 → —',
      'Statut du trimestre: Brouillon → Validé',
    ]);
    const same = {
      ...plan,
      status: 'draft',
      lines: [plan.lines[0]].map((l) => ({ ...l, value: 15000 })),
      current: [plan.current[0]],
    } as SavePlan;
    expect(planChanges(same, IND, '')).to.deep.equal([]);
  });
});
