import type { Knex } from 'knex';
import type { SummaryPeriod } from '../exports/summary.types.ts';
import { NotFound } from '../http/errors.ts';
import { periodKey } from '../publications/publication-period.ts';
import type { Publication, PublicationsRepo } from '../publications/publications.repo.ts';
import { SECRET } from './confidentiality.ts';
import { protectLinked } from './linked-tables.ts';
import { linkedTableOf, openDataCsv, openDataRows, type OpenRow } from './opendata-table.ts';

export interface OpenDataItem {
  key: string;
  kind: SummaryPeriod['kind'];
  version: number;
  publishedAt: string;
  href: string;
  rows: number;
  secrets: number;
}

/** Open data: the latest version of every publication, national and regional figures, confidentiality applied. */
export class OpenDataService {
  constructor(
    private readonly db: Knex,
    private readonly repos: { publications: PublicationsRepo },
  ) {}

  /**
   * Every table on offer with its rows. The tables are protected together (a year and its quarters are
   * linked), so a file never depends on which other file one downloads.
   */
  private async tables(): Promise<{ pub: Publication; rows: OpenRow[] }[]> {
    const pubs = withCompleteYears(await this.repos.publications.latestOfEach(this.db));
    const states = protectLinked(pubs.map(linkedTableOf));
    return pubs.map((pub) => ({ pub, rows: openDataRows(pub, states.get(periodKey(pub.period))) }));
  }

  /** The files on offer: one per published period (its latest version), newest period first. */
  async list(): Promise<OpenDataItem[]> {
    return (await this.tables()).map(({ pub, rows }) => {
      const key = periodKey(pub.period);
      return {
        key,
        kind: pub.period.kind,
        version: pub.version,
        publishedAt: pub.publishedAt,
        href: `/donnees-ouvertes/${key}.csv`,
        rows: rows.length,
        secrets: rows.filter((r) => r.valeur === SECRET).length,
      };
    });
  }

  /** The CSV of a period's latest version; NotFound when nothing was published for it. */
  async file(period: SummaryPeriod): Promise<{ filename: string; body: string }> {
    const key = periodKey(period);
    const table = (await this.tables()).find((t) => periodKey(t.pub.period) === key);
    if (!table) throw new NotFound();
    return { filename: `ptce-impact-donnees-ouvertes-${key}-v${table.pub.version}.csv`, body: openDataCsv(table.rows) };
  }
}

/**
 * A year is on offer only once its four quarters are published too: otherwise the year minus the quarters
 * on offer gives the missing quarter's figures, whose own secrets were never computed.
 */
export function withCompleteYears(pubs: Publication[]): Publication[] {
  const quarters = new Set(pubs.filter((p) => p.period.kind === 'quarter').map((p) => periodKey(p.period)));
  return pubs.filter(
    (p) =>
      p.period.kind === 'quarter' ||
      [1, 2, 3, 4].every((q) => quarters.has(periodKey({ kind: 'quarter', year: p.period.year, quarter: q }))),
  );
}
