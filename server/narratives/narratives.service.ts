import type { Knex } from 'knex';
import { BASE_STATUSES, type Base } from '../aggregates/aggregates.repo.ts';
import type { ClosureService } from '../aggregates/closure.service.ts';
import { periodText } from '../dashboards/figures.ts';
import type { ScopedRegion } from '../http/access.ts';
import type { CurrentUser } from '../http/current-user.ts';
import { t, tn } from '../i18n/messages.ts';
import { fromIndex, quarterIndex, quarterLabel, sameQuarter } from '../lib/quarters.ts';
import type { ReportStatus } from '../reporting/reporting.repo.ts';
import type { SummaryNarrative } from '../exports/summary.types.ts';
import type { NarrativesRepo } from './narratives.repo.ts';
import type { NarrativesQuery } from './narratives.schema.ts';
import { MAX_QUERY, matchesAll, paragraphs, searchTerms } from './search-text.ts';

/** How far back the quarter select goes. */
const QUARTER_CHOICES = 24;

export interface NarrativesServiceDeps {
  db: Knex;
  /** Which quarters are consolidated: the page opens on the latest, as the region's dashboard does. */
  closure: Pick<ClosureService, 'of' | 'lastClosed'>;
  repo: NarrativesRepo;
}

/** The statuses whose narratives a user reads: staff also the submitted reports, everyone else the validated ones. */
export function statusesFor(user: CurrentUser): ReportStatus[] {
  return user.role === 'staff' ? ['validated', 'submitted'] : ['validated'];
}

/** The poles' « faits marquants » and « difficultés »: a region's page, and the rows of a scope's export. */
export class NarrativesService {
  constructor(private readonly deps: NarrativesServiceDeps) {}

  /** A region's page for one quarter (the dashboard's default one unless asked), searched by word if `q` says so. */
  async regionPage(user: CurrentUser, region: ScopedRegion, query: NarrativesQuery) {
    const closure = await this.deps.closure.of({ regionCodes: [region.code] });
    const latest = closure.latestConsolidated('validated') ?? closure.latestWithData('validated');
    const fallback = latest === null ? this.deps.closure.lastClosed() : fromIndex(latest);
    const quarter = query.quarter ?? fallback;
    const staff = user.role === 'staff';
    const reports = await this.deps.repo.ofQuarter(this.deps.db, user, {
      quarter,
      statuses: statusesFor(user),
      regionCode: region.code,
      activeOnly: true,
    });
    const terms = searchTerms(query.q);
    const shown = terms.length ? reports.filter((r) => matchesAll([r.highlights, r.difficulties], terms)) : reports;
    const label = quarterLabel(quarter);
    const choices = closure.withData(staff ? 'validated_or_submitted' : 'validated').slice(0, QUARTER_CHOICES);
    for (const q of [quarter, fallback]) if (!choices.includes(quarterIndex(q))) choices.push(quarterIndex(q));
    choices.sort((a, b) => b - a);
    return {
      title: t('narratives.title', { region: region.name }),
      lead: t(staff ? 'narratives.lead.staff' : 'narratives.lead.funder'),
      region,
      quarter: label,
      q: query.q,
      typed: query.typed,
      errors: {
        trimestre: query.errors.trimestre ? t('narratives.error.quarter', { value: query.typed.trimestre, quarter: label }) : undefined,
        q: query.errors.q ? t('narratives.error.q', { max: MAX_QUERY, length: query.typed.q.length }) : undefined,
      },
      quarterOptions: choices.map((i) => ({
        value: quarterLabel(fromIndex(i)),
        label: periodText(quarterLabel(fromIndex(i)), closure.quarterProvisional(i)),
        selected: sameQuarter(fromIndex(i), quarter),
      })),
      count: countText(shown.length, label, query.q),
      rows: shown.map((r) => ({
        id: r.poleSlug,
        name: r.poleName,
        href: `/poles/${r.poleSlug}`,
        statusCode: r.status,
        highlights: paragraphs(r.highlights, terms),
        difficulties: paragraphs(r.difficulties, terms),
      })),
      showStatus: staff,
    };
  }

  /**
   * The narratives of a scope's poles for the quarter ending an export's period (`endIndex`), in the base's
   * statuses (a funder's base is validated), as the export writes them: archived poles kept, as its figures keep them.
   */
  async forExport(
    db: Knex,
    user: CurrentUser,
    endIndex: number,
    base: Base,
  ): Promise<{ narrativesQuarter: string; narratives: SummaryNarrative[] }> {
    const quarter = fromIndex(endIndex);
    const rows = await this.deps.repo.ofQuarter(db, user, { quarter, statuses: BASE_STATUSES[base] as ReportStatus[] });
    const narratives = rows.map((r) => ({
      pole: r.poleSlug,
      poleName: r.poleName,
      region: r.regionCode,
      regionName: r.regionName,
      status: r.status,
      highlights: r.highlights,
      difficulties: r.difficulties,
    }));
    return { narrativesQuarter: quarterLabel(quarter), narratives };
  }
}

/** « 3 pôles ont écrit … », « 1 pôle mentionne « mot » … », « Aucun pôle … ». */
function countText(n: number, quarter: string, q: string): string {
  if (q) return n === 0 ? t('narratives.found.none', { q, quarter }) : tn('narratives.found', n, { q, quarter });
  return n === 0 ? t('narratives.none', { quarter }) : tn('narratives.count', n, { quarter });
}
