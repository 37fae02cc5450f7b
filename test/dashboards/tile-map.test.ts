import { expect } from 'chai';
import { classBreaks, CLASSES, MAP_REGIONS, shadeOf, tileMap, type MapClass } from '../../server/dashboards/tile-map.ts';
import { formatScaled } from '../../server/lib/format.ts';

/** Values in ETP as the map receives them: scaled × 10 000. */
const etp = (xs: number[]) => xs.map((x) => x * 10_000);
const asEtp = (classes: MapClass[]) => classes.map((c) => ({ from: c.from / 10_000, to: c.to / 10_000, count: c.count }));

/** How the map used to shade: CLASSES intervals of equal width between the smallest and largest value. */
function equalIntervalCounts(values: number[]): number[] {
  const min = Math.min(...values);
  const width = (Math.max(...values) - min) / CLASSES;
  const counts: number[] = Array.from({ length: CLASSES }, () => 0);
  for (const v of values) counts[width ? Math.min(CLASSES - 1, Math.floor((v - min) / width)) : CLASSES - 1]++;
  return counts;
}

const oneToTwelve = Array.from({ length: 12 }, (_, i) => i + 1);

describe('tile map: quantile classes', () => {
  const cases: { name: string; values: number[]; classes: { from: number; to: number; count: number }[] }[] = [
    {
      name: 'an even spread over the 13 metropolitan regions: 3, 2, 3, 2, 3 regions',
      values: [...oneToTwelve, 13],
      classes: [
        { from: 1, to: 3, count: 3 },
        { from: 4, to: 5, count: 2 },
        { from: 6, to: 8, count: 3 },
        { from: 9, to: 10, count: 2 },
        { from: 11, to: 13, count: 3 },
      ],
    },
    {
      name: 'one outlier only stretches the top class',
      values: [100, ...oneToTwelve],
      classes: [
        { from: 1, to: 3, count: 3 },
        { from: 4, to: 5, count: 2 },
        { from: 6, to: 8, count: 3 },
        { from: 9, to: 10, count: 2 },
        { from: 11, to: 100, count: 3 },
      ],
    },
    {
      name: 'a large tie stays in one class; fewer distinct values than classes give fewer classes',
      values: [2, 2, 2, 2, 2, 2, 2, 2, 5, 7],
      classes: [
        { from: 2, to: 2, count: 8 },
        { from: 5, to: 7, count: 2 },
      ],
    },
    {
      name: 'two distinct values, tied: two classes',
      values: [9, 4, 9, 4, 9],
      classes: [
        { from: 4, to: 4, count: 2 },
        { from: 9, to: 9, count: 3 },
      ],
    },
    { name: 'every region equal: one class', values: [3, 3, 3], classes: [{ from: 3, to: 3, count: 3 }] },
    { name: 'one region: one class', values: [42], classes: [{ from: 42, to: 42, count: 1 }] },
    { name: 'no value: no class', values: [], classes: [] },
  ];
  for (const c of cases)
    it(c.name, () => {
      const classes = classBreaks(etp(c.values));
      expect(asEtp(classes)).to.deep.equal(c.classes);
      // Every value in exactly one class, classes in order and not overlapping.
      expect(classes.reduce((n, x) => n + x.count, 0)).to.equal(c.values.length);
      for (let i = 1; i < classes.length; i++) expect(classes[i].from).to.be.greaterThan(classes[i - 1].to);
      expect(classes.length).to.be.at.most(CLASSES);
    });

  it('shows what equal intervals did with one outlier: 12 of 13 regions in the lightest class', () => {
    const values = etp([...oneToTwelve, 100]);
    expect(equalIntervalCounts(values)).to.deep.equal([12, 0, 0, 0, 1]);
    expect(classBreaks(values).map((c) => c.count)).to.deep.equal([3, 2, 3, 2, 3]);
  });

  it('never splits equal values across two classes', () => {
    const values = etp([1, 2, 3, 4, 5, 5, 5, 5, 6, 7, 8, 9, 10]);
    const classes = classBreaks(values);
    for (const v of new Set(values))
      expect(
        classes.filter((c) => c.from <= v && v <= c.to),
        String(v),
      ).to.have.length(1);
  });

  it('spreads fewer classes over light to dark shades; a single class keeps the darkest', () => {
    expect([1, 2, 3, 4, 5].map((i) => shadeOf(i, 5))).to.deep.equal(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect([1, 2].map((i) => shadeOf(i, 2))).to.deep.equal(['c1', 'c5']);
    expect([1, 2, 3].map((i) => shadeOf(i, 3))).to.deep.equal(['c1', 'c3', 'c5']);
    expect(shadeOf(1, 1)).to.equal('c5');
  });

  it('shades the squares and writes each class’s real range in fr-FR numbers, the unit once', () => {
    const metro = MAP_REGIONS.filter((m) => !m.overseas);
    const values = [3, 7.5, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14.25];
    const map = tileMap(
      metro.map((m, i) => ({
        code: m.code,
        name: m.short,
        scaled: i < values.length ? values[i] * 10_000 : null,
        value: i < values.length ? `${values[i]}` : null,
      })),
      (v) => formatScaled(v, 1),
      '\u00a0ETP',
    );
    expect(map.legend.map((l) => `de ${l.from} à ${l.to}${l.unit} (${l.count})`)).to.deep.equal([
      'de 3,0 à 4,0\u00a0ETP (2)',
      'de 5,0 à 7,5\u00a0ETP (3)',
      'de 8,0 à 9,0\u00a0ETP (2)',
      'de 10,0 à 12,0\u00a0ETP (3)',
      'de 13,0 à 14,3\u00a0ETP (2)',
    ]);
    expect(map.quantiles).to.equal(true);
    const shade = (code: string) => [...map.metro, ...map.overseas].find((x) => x.code === code)!.shade;
    expect(shade(metro[0].code)).to.equal('c1'); // 3
    expect(shade(metro[11].code)).to.equal('c5'); // 14.25
    expect(shade(metro[12].code)).to.equal('none'); // in scope, no figure
    expect(shade(MAP_REGIONS.find((m) => m.overseas)!.code)).to.equal('out');
    expect(map.anyWithoutData).to.equal(true);
  });

  it('has no class, no quantile note and only « pas de donnée » squares without any value', () => {
    const map = tileMap([{ code: '11', name: 'Île-de-France', scaled: null, value: null }], String, '');
    expect(map.legend).to.deep.equal([]);
    expect(map.quantiles).to.equal(false);
    expect(map.metro.find((x) => x.code === '11')!.shade).to.equal('none');
  });
});
