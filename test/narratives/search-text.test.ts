// The narratives' search, pure: words folded (case, accents, ligatures), every word required, the matches
// cut out of the original text exactly (its own case and accents), merged where they overlap.
import { expect } from 'chai';
import { foldText, matchesAll, paragraphs, pieces, searchTerms } from '../../server/narratives/search-text.ts';

const marked = (line: string, q: string) =>
  pieces(line, searchTerms(q))
    .map((p) => (p.mark ? `[${p.text}]` : p.text))
    .join('');

describe('narratives search text', () => {
  it('folds case, accents and ligatures', () => {
    expect(foldText('ÉCONOMIE Cœur Straße l’été')).to.equal("economie coeur strasse l'ete");
    expect(searchTerms('  Économie   economie ÉCONOMIE ')).to.deep.equal(['economie']);
    expect(searchTerms('')).to.deep.equal([]);
  });

  it('requires every word, in one text or another', () => {
    expect(matchesAll(['Forum de l’économie', 'Trésorerie'], searchTerms('economie tresorerie'))).to.equal(true);
    expect(matchesAll(['Forum de l’économie', ''], searchTerms('economie tresorerie'))).to.equal(false);
  });

  it('marks the original characters, whatever their case, accents or ligature', () => {
    expect(marked('Forum de l’ÉCONOMIE et de l’économie', 'economie')).to.equal('Forum de l’[ÉCONOMIE] et de l’[économie]');
    expect(marked('Un cœur vaillant', 'coeur')).to.equal('Un [cœur] vaillant');
    expect(marked('Un cœur vaillant', 'o')).to.equal('Un c[œ]ur vaillant');
    expect(marked('abcabc', 'abc bca')).to.equal('[abcabc]');
    expect(marked('rien ici', 'mot')).to.equal('rien ici');
    // Characters beyond the basic plane keep their place.
    expect(marked('😀 économie 😀', 'ECONOMIE')).to.equal('😀 [économie] 😀');
  });

  it('keeps line breaks as paragraphs, blank lines dropped', () => {
    expect(paragraphs('Un\r\n\n  Deux  \n', []).map((p) => p.map((x) => x.text).join(''))).to.deep.equal(['Un', 'Deux']);
  });
});
