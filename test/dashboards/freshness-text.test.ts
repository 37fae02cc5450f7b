import { expect } from 'chai';
import { freshnessText, type FreshnessFacts } from '../../server/dashboards/freshness-text.ts';

const run = { startedAt: '2026-12-02T13:00:00.000Z', finishedAt: '2026-12-02T13:05:00.000Z' };
const none = { count: 0, regions: [], everywhere: 0 };
const facts = (o: Partial<FreshnessFacts>): FreshnessFacts => ({
  lastRun: run,
  refreshedAt: '2026-12-02T13:00:00.000Z',
  computedAts: ['2026-12-02T13:00:00.000Z'],
  pending: none,
  namePlaces: true,
  ...o,
});

describe('freshness text', () => {
  it('gives when the last successful run finished, in Paris time, when no figure shown is older than it', () => {
    expect(freshnessText(facts({})).computed).to.equal('Chiffres mis à jour le 2 décembre 2026 à 14:05.');
    // Summer time: UTC + 2.
    const summer = { startedAt: '2026-07-15T08:00:00.000Z', finishedAt: '2026-07-15T08:01:00.000Z' };
    expect(freshnessText(facts({ lastRun: summer, computedAts: [summer.startedAt] })).computed).to.equal(
      'Chiffres mis à jour le 15 juillet 2026 à 10:01.',
    );
  });

  it('names the oldest figure shown when it was computed before that run (a refresh rewrites only what changed)', () => {
    const computedAts = ['2026-12-02T13:00:00.000Z', '2026-11-30T08:30:00.000Z', '2026-12-01T09:00:00.000Z'];
    expect(freshnessText(facts({ computedAts })).computed).to.equal(
      'Chiffres mis à jour le 2 décembre 2026 à 14:05 ; le plus ancien chiffre affiché date du 30 novembre 2026 à 09:30.',
    );
  });

  it('says when nothing on the page was computed, or nothing ever; falls back on the aggregates’ state without a recorded run', () => {
    expect(freshnessText(facts({ computedAts: [] })).computed).to.equal(
      'Chiffres mis à jour le 2 décembre 2026 à 14:05 ; aucun chiffre calculé pour cette sélection.',
    );
    expect(freshnessText(facts({ lastRun: null, refreshedAt: null, computedAts: [] })).computed).to.equal(
      'Les chiffres n’ont encore jamais été calculés.',
    );
    expect(freshnessText(facts({ lastRun: null })).computed).to.equal('Chiffres mis à jour le 2 décembre 2026 à 14:00.');
  });

  it('counts the pending changes with real plurals and fr-FR numbers, and names the regions they would show in', () => {
    expect(freshnessText(facts({})).pending).to.equal('Aucune modification en attente du prochain calcul.');
    const one = { count: 1, regions: [{ code: '76', name: 'Occitanie', count: 1 }], everywhere: 0 };
    expect(freshnessText(facts({ pending: one })).pending).to.equal('1 modification en attente du prochain calcul (Occitanie).');
    const many = {
      count: 1203,
      regions: [
        { code: '76', name: 'Occitanie', count: 1200 },
        { code: '53', name: 'Bretagne', count: 3 },
      ],
      everywhere: 0,
    };
    expect(freshnessText(facts({ pending: many })).pending.replace(/\u202f/g, ' ')).to.equal(
      '1 203 modifications en attente du prochain calcul (Occitanie, Bretagne).',
    );
    // On a pole's own page the pole is the only place: no name.
    expect(freshnessText(facts({ pending: many, namePlaces: false })).pending.replace(/\u202f/g, ' ')).to.equal(
      '1 203 modifications en attente du prochain calcul.',
    );
    // A change of no one pole (a definition) moves every region.
    expect(freshnessText(facts({ pending: { ...one, count: 2, everywhere: 1 } })).pending).to.equal(
      '2 modifications en attente du prochain calcul (toutes les régions).',
    );
  });
});
