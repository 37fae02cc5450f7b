import { expect } from 'chai';
import { contextWords, passwordProblem } from '../../server/users/password-rules.ts';

describe('password context words for accounts', () => {
  const words = contextWords({
    email: 'j.dupont@banque-territoires.fr',
    displayName: 'Jeanne Dupont',
    poleNames: ['Pôle Sud Aveyron'],
    regionNames: ['Provence-Alpes-Côte d’Azur'],
  });

  const refused: [string, string][] = [
    ['Dupont-2026!', 'a word of the name'],
    ['jeannedupont', 'the whole name'],
    ['Aveyron2026!', 'a word of a pole name'],
    ['PoleSudAveyron', 'a whole pole name'],
    ['Provence2026', 'a word of a region name'],
    ['banque-territoires', 'the organisation in the address'],
  ];
  for (const [password, why] of refused) {
    it(`refuses ${JSON.stringify(password)} (${why}) in French`, () => {
      expect(passwordProblem(password, words)).to.equal(
        'Ce mot de passe est trop courant ou trop proche de votre nom, de votre pôle ou de votre région.',
      );
    });
  }

  it('accepts a passphrase that merely contains a context word among others', () => {
    expect(passwordProblem('le causse de l’Aveyron en hiver', words)).to.equal(null);
  });

  it('keeps the policy’s length limits, in French', () => {
    expect(passwordProblem('court', words)).to.equal('Le mot de passe doit contenir au moins 12 caractères.');
    expect(passwordProblem('x'.repeat(129), words)).to.equal('Le mot de passe doit contenir au plus 128 caractères.');
  });
});
