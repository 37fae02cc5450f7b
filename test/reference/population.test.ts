// Populations from @etalab/decoupage-administratif: regions, départements and EPCI as sums of their
// current communes (one vintage for all), a pole's territory as the union of its communes, the vintage said.
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { buildPopulations, officialPopulations, POPULATION_VINTAGES } from '../../server/reference/population.ts';

const require = createRequire(import.meta.url);
const communes = require('@etalab/decoupage-administratif/data/communes.json') as {
  code: string;
  type: string;
  region: string;
  departement: string;
  population?: number;
}[];

/** An independent recomputation: the current communes matching a test, summed. */
const sumOf = (keep: (c: (typeof communes)[number]) => boolean) =>
  communes.filter((c) => c.type === 'commune-actuelle' && keep(c)).reduce((n, c) => n + (c.population ?? 0), 0);

describe('populations (INSEE, via @etalab/decoupage-administratif)', () => {
  const p = officialPopulations();

  it('a worked example on a small list: a region is the sum of its communes, an arrondissement is not counted twice', () => {
    const small = buildPopulations({
      communes: [
        { code: '31555', type: 'commune-actuelle', zone: 'metro', departement: '31', region: '76', population: 500 },
        { code: '31069', type: 'commune-actuelle', zone: 'metro', departement: '31', region: '76', population: 30 },
        { code: '09122', type: 'commune-actuelle', zone: 'metro', departement: '09', region: '76', population: 7 },
        { code: '13201', type: 'arrondissement-municipal', zone: 'metro', departement: '13', region: '93', population: 40 },
        { code: '13055', type: 'commune-actuelle', zone: 'metro', departement: '13', region: '93', population: 100 },
        { code: '97501', type: 'commune-actuelle', zone: 'com', departement: '975', region: '975', population: 9 },
      ],
      epcis: [
        { code: 'E1', membres: [{ code: '31555' }] },
        { code: 'E2', membres: [{ code: '31069' }, { code: '09122' }] },
      ],
      regionZones: new Map([
        ['76', 'metro'],
        ['93', 'metro'],
        ['975', 'com'],
      ]),
      packageVersion: '6.0.0',
    });
    expect(small.region('76')).to.equal(537);
    expect(small.region('93')).to.equal(100);
    expect(small.departement('31')).to.equal(530);
    expect(small.epci('E2')).to.equal(37);
    // France: the regions the nation's figures cover (metropolitan and overseas regions), not the COM.
    expect(small.france()).to.equal(637);
    // A pole over two EPCI: their sum; an EPCI inside a département listed too: its communes once.
    expect(
      small.territory([
        { kind: 'epci', code: 'E1' },
        { kind: 'epci', code: 'E2' },
      ]),
    ).to.deep.equal({ population: 537, missing: [] });
    expect(
      small.territory([
        { kind: 'epci', code: 'E1' },
        { kind: 'departement', code: '31' },
      ]),
    ).to.deep.equal({ population: 530, missing: [] });
  });

  it('regions: Occitanie and Nouvelle-Aquitaine are the sums of their current communes', () => {
    expect(p.region('76'))
      .to.equal(6_124_653)
      .and.equal(sumOf((c) => c.region === '76'));
    expect(p.region('75'))
      .to.equal(6_150_451)
      .and.equal(sumOf((c) => c.region === '75'));
    // Mayotte: its communes are in the package (population of its 2017 census), so the region has one.
    expect(p.region('06'))
      .to.equal(256_518)
      .and.equal(sumOf((c) => c.departement === '976'));
    expect(p.region('99')).to.equal(undefined);
  });

  it('France is the sum of the 18 regions (metropolitan and overseas), without the overseas collectivities', () => {
    const regions = ['01', '02', '03', '04', '06', '11', '24', '27', '28', '32', '44', '52', '53', '75', '76', '84', '93', '94'];
    expect(p.france()).to.equal(regions.reduce((n, code) => n + p.region(code)!, 0));
    expect(p.france()).to.equal(68_350_798);
    expect(p.region('987')).to.be.greaterThan(0); // Polynésie française: in the package, not in France's figures
  });

  it('départements and EPCI: sums of their communes (Paris counted once, not with its arrondissements)', () => {
    expect(p.departement('31'))
      .to.equal(1_471_468)
      .and.equal(sumOf((c) => c.departement === '31'));
    expect(p.departement('75')).to.equal(2_103_778);
    expect(p.epci('243100518')).to.equal(841_524); // Toulouse Métropole, 37 communes
    expect(p.epci('243100633')).to.equal(84_219); // CA du Sicoval
  });

  it('a pole’s territory: two EPCI give their sum; an EPCI and its département count each commune once', () => {
    const two = p.territory([
      { kind: 'epci', code: '243100518' },
      { kind: 'epci', code: '243100633' },
    ]);
    expect(two).to.deep.equal({ population: 841_524 + 84_219, missing: [] });
    const overlap = p.territory([
      { kind: 'epci', code: '243100518' },
      { kind: 'departement', code: '31' },
    ]);
    expect(overlap.population).to.equal(1_471_468);
  });

  it('a territory row with no population (another kind, an unknown code) is left out and named', () => {
    const t = p.territory([
      { kind: 'departement', code: '09' },
      { kind: 'commune', code: '31555' },
      { kind: 'epci', code: '000000000' },
    ]);
    expect(t.population).to.equal(p.departement('09'));
    expect(t.missing).to.deep.equal([
      { kind: 'commune', code: '31555' },
      { kind: 'epci', code: '000000000' },
    ]);
  });

  it('states its vintage, and knows the installed package’s', () => {
    const version = (require('@etalab/decoupage-administratif/package.json') as { version: string }).version;
    expect(POPULATION_VINTAGES).to.have.property(version);
    expect(p.vintage).to.equal(
      `population municipale, millésime 2023 (INSEE, via @etalab/decoupage-administratif ${version}) ; Mayotte : recensement de 2017`,
    );
    expect(() => buildPopulations({ communes: [], epcis: [], regionZones: new Map(), packageVersion: '99.0.0' })).to.throw(
      /vintage unknown/,
    );
  });

  it('is read once', () => {
    expect(officialPopulations()).to.equal(p);
  });
});
