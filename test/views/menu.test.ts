import { expect } from 'chai';
import { menuFor, menuHelper } from '../../server/views/menu.ts';

describe('the main menu (built once, per role)', () => {
  it('lists each role its entries, in order', () => {
    expect(menuFor('manager', undefined).map((i) => i.href)).to.deep.equal(['/', '/tableau-de-bord', '/mon-pole', '/profil']);
    expect(menuFor('funder', undefined).map((i) => i.href)).to.deep.equal(['/', '/tableau-de-bord', '/publications', '/exports', '/profil']);
    expect(menuFor('staff', undefined).map((i) => i.href)).to.deep.equal([
      '/', '/tableau-de-bord', '/publications', '/admin/poles', '/admin/trimestres', '/admin/completude', '/admin/utilisateurs',
      '/admin/indicateurs', '/admin/import', '/admin/exports', '/admin/taches', '/admin/envois', '/admin/journal', '/profil',
    ]);
  });

  it('marks the page’s entry as current, and only it', () => {
    const items = menuFor('funder', 'exports');
    expect(items.filter((i) => i.current).map((i) => i.href)).to.deep.equal(['/exports']);
    expect(menuFor('staff', 'profile').find((i) => i.current)?.label).to.equal('Mon profil');
  });

  it('is empty for a visitor who is not signed in', () => {
    expect(menuHelper(undefined, 'home')).to.deep.equal([]);
  });
});
