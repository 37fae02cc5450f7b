// Hand-built national summaries for publication and open data tests (no aggregates needed).
import type { NationalSummary, SummaryFigure } from '../../server/exports/summary.types.ts';
import { writeTimestamp } from '../../server/db/dialect.ts';
import type { Services } from '../../server/services.ts';

export interface RegionSpec {
  contributors: number;
  value: number | null;
}

const REGIONS: [string, string][] = [
  ['11', 'Île-de-France'],
  ['24', 'Centre-Val de Loire'],
  ['27', 'Bourgogne-Franche-Comté'],
  ['28', 'Normandie'],
  ['32', 'Hauts-de-France'],
  ['44', 'Grand Est'],
  ['52', 'Pays de la Loire'],
  ['53', 'Bretagne'],
  ['75', 'Nouvelle-Aquitaine'],
  ['76', 'Occitanie'],
  ['84', 'Auvergne-Rhône-Alpes'],
  ['93', 'Provence-Alpes-Côte d’Azur'],
];

/**
 * A summary with one indicator per entry of `spec` (IND_1, IND_2, … all flows), each over the same regions;
 * the national figure is the exact sum of the regions' (as the aggregates make it for flows and stocks).
 */
export function handBuiltSummary(spec: RegionSpec[][]): NationalSummary {
  const regionCount = spec[0]?.length ?? 0;
  const regions = REGIONS.slice(0, regionCount);
  const indicators = spec.map((_, i) => ({
    code: `IND_${i + 1}`,
    label: `Indicateur ${i + 1}`,
    definition: `Définition ${i + 1}`,
    unit: 'nombre',
    decimals: 1,
    kind: 'flow' as const,
    headline: i === 0,
  }));
  const fig = (indicator: string, area: string, areaName: string, value: number | null, contributors: number): SummaryFigure => ({
    indicator,
    area,
    areaName,
    value,
    contributors,
    reported: contributors,
    expected: contributors + 1,
    computedAt: '2026-11-26T08:00:00.000Z',
  });
  const national: SummaryFigure[] = [];
  const regional: SummaryFigure[] = [];
  spec.forEach((cells, i) => {
    const code = indicators[i].code;
    const withValue = cells.filter((c) => c.value !== null);
    const sumTenths = withValue.reduce((s, c) => s + Math.round(c.value! * 10), 0);
    national.push(
      fig(
        code,
        'FR',
        'France',
        withValue.length ? sumTenths / 10 : null,
        cells.reduce((s, c) => s + (c.value === null ? 0 : c.contributors), 0),
      ),
    );
    cells.forEach((c, j) => regional.push(fig(code, regions[j][0], regions[j][1], c.value, c.value === null ? 0 : c.contributors)));
  });
  return {
    period: { kind: 'quarter', year: 2026, quarter: 3 },
    periodLabel: '2026-T3',
    base: 'validated',
    computedAt: '2026-11-26T08:00:00.000Z',
    indicators,
    national,
    regions: regional,
    completeness: regions.map(([area, areaName]) => ({ area, areaName, reported: 3, expected: 4, rate: 0.75 })),
  };
}

/** Stores `versions` versions of a 2026-T3 publication directly (the access matrix reads them without aggregates). */
export async function seedPublication(s: Services, authorId: number, versions = 1): Promise<void> {
  for (let v = 1; v <= versions; v++) {
    const summary = handBuiltSummary([
      [
        { contributors: 4, value: 2 * v },
        { contributors: 1, value: 1 },
        { contributors: 5, value: 3 },
      ],
    ]);
    await s.db.transaction((trx) =>
      s.repos.publications.insertNext(trx, {
        period: summary.period,
        summary,
        reason: v > 1 ? `Correction ${v}` : '',
        authorId,
        publishedAt: writeTimestamp(s.clock.now()),
      }),
    );
  }
}
