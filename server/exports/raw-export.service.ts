import type { Knex } from 'knex';
import { t, tDynamic } from '../i18n/messages.ts';
import type { IndicatorsRepo } from '../indicators/indicators.repo.ts';
import type { Clock } from '../lib/clock.ts';
import { SCALE } from '../lib/decimal.ts';
import { isoParis } from '../lib/format.ts';
import { quarterLabel } from '../lib/quarters.ts';
import type { CsvCell } from './csv.ts';
import { ExportsRepo, type RawFilter } from './exports.repo.ts';
import { resolveRawFilter, type Parsed, type RawFormat, type RawQuery } from './exports.schema.ts';

/** The raw export's columns, in order. */
export const RAW_HEADER = [
  'pole',
  'pole_nom',
  'region_code',
  'region',
  'indicateur',
  'categorie',
  'trimestre',
  'statut',
  'valeur',
  'non_disponible',
  'unite',
  'modifie_le',
];

/** Staff's raw values export: every entered value matching a filter, one CSV record each, streamed. */
export class RawExportService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: { indicators: IndicatorsRepo },
    private readonly repo = new ExportsRepo(),
  ) {}

  /** What the filter form offers: every region, pole and indicator (retired ones too: their values exist). */
  async choices() {
    const [regions, poles, indicators] = await Promise.all([
      this.repo.regions(this.db),
      this.repo.poles(this.db),
      this.repos.indicators.list(this.db),
    ]);
    return { regions, poles, indicators };
  }

  /** The filter's codes and slugs checked against the database. */
  async resolve(raw: RawQuery): Promise<Parsed<RawFilter>> {
    const { regions, poles, indicators } = await this.choices();
    return resolveRawFilter(raw, {
      regions: regions.map((r) => r.code),
      poles: new Map(poles.map((p) => [p.slug, p.id])),
      indicators: new Map(indicators.map((i) => [i.code, i.id])),
    });
  }

  /** The header, then one record per value, read in batches as the consumer pulls them. */
  async *records(filter: RawFilter, batchSize?: number): AsyncGenerator<CsvCell[]> {
    yield RAW_HEADER;
    const statusLabels = new Map<string, string>();
    const statusLabel = (s: string) => {
      let label = statusLabels.get(s);
      if (label === undefined) statusLabels.set(s, (label = tDynamic('status', s)));
      return label;
    };
    for await (const r of this.repo.rawRows(this.db, filter, batchSize)) {
      const scaled = r.value_scaled === null ? null : Number(r.value_scaled);
      yield [
        r.pole_slug,
        r.pole_name,
        r.region_code,
        r.region_name,
        r.indicator_code,
        r.category,
        quarterLabel(r),
        statusLabel(r.status),
        scaled === null ? null : { value: scaled / SCALE, decimals: Math.max(Number(r.decimals), decimalsOf(scaled)) },
        r.not_available === true || Number(r.not_available) === 1 ? t('exports.yes') : t('exports.no'),
        tDynamic('unit', r.unit),
        isoParis(r.updated_at),
      ];
    }
  }

  /** « ptce-valeurs-brutes-2026-11-26.csv » (the day of the export), « …-excel.csv » for Excel (France). */
  filename(format: RawFormat): string {
    return `ptce-valeurs-brutes-${this.clock.now().toISODate()}${format === 'csv-excel' ? '-excel' : ''}.csv`;
  }
}

/** Decimals a scaled value really has (a raw export never rounds what was entered). */
function decimalsOf(scaled: number): number {
  let frac = Math.abs(scaled) % SCALE;
  if (frac === 0) return 0;
  let digits = 4;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return digits;
}
