import type { Knex } from 'knex';
import { fieldChange, type AuditRepo } from '../audit/audit.repo.ts';
import type { AggregatesRepo } from '../aggregates/aggregates.repo.ts';
import { likeOperator, nowTimestamp } from '../db/dialect.ts';
import { StaleVersion, ValidationError } from '../http/errors.ts';
import type { Clock } from '../lib/clock.ts';
import { isAllDigits, slugify } from '../lib/slug.ts';
import { t, tn } from '../i18n/messages.ts';
import { officialEpcis } from '../reference/geography.ts';
import type { ReferenceRepo } from '../reference/reference.repo.ts';
import type { CurrentUser } from '../http/current-user.ts';
import type { MemberRow, MembersRepo } from './members.repo.ts';
import type { PoleRow, PolesRepo, PolesWriteRepo, PoleWrite, TerritoryRow } from './poles.repo.ts';
import { compositionRule, type MemberForm, type PoleForm } from './poles.schema.ts';
import type { Actor } from '../lib/actor.ts';
import { leaving, leavingRanges, mayApply, poleWindow, WindowNeedsConfirmation, type Leaving } from './reporting-window.ts';
import { leavingAudit, memberRow, pickPole, sameFields, sortTerritories } from './poles.fields.ts';
// The rows handlers show, named here so that a handler imports services, never repos.
export type { PoleRow } from './poles.repo.ts';
export type { MemberRow } from './members.repo.ts';

interface Repos {
  aggregates: AggregatesRepo;
  audit: AuditRepo;
  poles: PolesRepo;
  polesWrite: PolesWriteRepo;
  members: MembersRepo;
  reference: ReferenceRepo;
}

/** Splits '200000172, 243100518' (commas, spaces, new lines) into codes. */
export function parseEpciCodes(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
}

/** Poles and their member registers: the domain rules, every write audited in its transaction. */
export class PolesService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly repos: Repos,
  ) {}

  today(): string {
    return this.clock.now().toISODate()!;
  }

  /** A pole by id, or undefined. */
  findById(id: number): Promise<PoleRow | undefined> {
    return this.repos.poles.findById(this.db, id);
  }

  /** The pole named in a URL, if the user may see it (the route guard's lookup). */
  findInScope(user: CurrentUser, slug: string) {
    return this.repos.poles.findInScope(this.db, user, slug);
  }

  /** The region named in a URL, if the user may see it (the route guard's lookup). */
  findRegionInScope(user: CurrentUser, code: string) {
    return this.repos.poles.findRegionInScope(this.db, user, code);
  }

  /** The pole's territory (EPCI and départements), as stored. */
  territories(pole: PoleRow): Promise<TerritoryRow[]> {
    return this.repos.polesWrite.territories(this.db, pole.id);
  }

  /** One member of the pole's register, or undefined (another pole's member is not found). */
  findMember(pole: PoleRow, memberId: number): Promise<MemberRow | undefined> {
    return this.repos.members.find(this.db, pole.id, memberId);
  }

  /** Checks the cross-field rules (région/département, territory codes, unique slug) and builds the row. */
  private async resolve(form: PoleForm, exceptId?: number): Promise<{ row: PoleWrite; territories: TerritoryRow[] }> {
    const errors: Record<string, string> = {};
    const [regions, departements] = await Promise.all([this.repos.reference.regions(this.db), this.repos.reference.departements(this.db)]);
    const depByCode = new Map(departements.map((d) => [d.code, d]));
    if (!regions.some((r) => r.code === form.region_code)) errors.region_code = t('poles.error.regionList');
    const mainDep = depByCode.get(form.departement_code);
    if (!mainDep) errors.departement_code = t('poles.error.departementList');
    else if (!errors.region_code && mainDep.region_code !== form.region_code) {
      errors.departement_code = t('poles.error.departementRegion');
    }
    const territories: TerritoryRow[] = [];
    const epcis = officialEpcis();
    const unknown: string[] = [];
    for (const code of parseEpciCodes(form.territory_epci)) {
      const e = epcis.get(code);
      if (!e) unknown.push(code);
      else territories.push({ kind: 'epci', code: e.code, name: e.name });
    }
    if (unknown.length) {
      errors.territory_epci = tn('poles.error.epciUnknown', unknown.length, { codes: unknown.slice(0, 5).join(', ') });
    }
    for (const code of new Set(form.territory_departements)) {
      const d = depByCode.get(code);
      if (!d) errors.territory_departements = t('poles.error.departementsList');
      else territories.push({ kind: 'departement', code: d.code, name: d.name });
    }
    const slug = form.slug || slugify(form.name);
    if (!slug) errors.slug = t('poles.error.slugMissing');
    else if (isAllDigits(slug)) errors.slug = t('poles.slug.allDigits');
    else if (await this.repos.polesWrite.slugTaken(this.db, slug, exceptId)) {
      errors.slug = t('poles.error.slugTaken');
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    return {
      row: {
        name: form.name,
        slug,
        region_code: form.region_code,
        departement_code: form.departement_code,
        creation_year: form.creation_year,
        first_report_year: form.first_report.year,
        first_report_quarter: form.first_report.quarter,
        archived_on: null,
        legal_form: form.legal_form,
        description: form.description,
        contact_email: form.contact_email,
        website: form.website,
        founding_wave: form.founding_wave,
      },
      territories,
    };
  }

  /** Creates a pole with its territory. Returns its slug. */
  async create(form: PoleForm, actor: Actor): Promise<string> {
    const { row, territories } = await this.resolve(form);
    const now = nowTimestamp(this.clock);
    await this.db.transaction(async (trx) => {
      const id = await this.repos.polesWrite.insert(trx, row, now);
      await this.repos.polesWrite.setTerritories(trx, id, territories);
      await this.repos.audit.record(trx, {
        actorId: actor.userId,
        action: 'pole.create',
        entity: 'pole',
        entityId: id,
        before: null,
        after: { ...row, territories },
        requestId: actor.requestId,
      });
    });
    return row.slug;
  }

  /**
   * Updates a pole if nobody changed it since `version`; throws StaleVersion otherwise. Returns the slug.
   * A later first quarter that takes validated values out of the figures needs `confirmed` = their count.
   */
  async update(pole: PoleRow, version: number, form: PoleForm, actor: Actor, confirmed: number | null = null): Promise<string> {
    const { row, territories } = await this.resolve(form, pole.id);
    const { archived_on: _keep, ...changes } = row;
    const beforeTerritories = await this.repos.polesWrite.territories(this.db, pole.id);
    if (sameFields(pole, changes) && JSON.stringify(sortTerritories(beforeTerritories)) === JSON.stringify(sortTerritories(territories))) {
      if (version !== pole.version) throw new StaleVersion();
      return row.slug;
    }
    await this.db.transaction(async (trx) => {
      if (!(await this.repos.polesWrite.update(trx, pole.id, version, changes, nowTimestamp(this.clock)))) throw new StaleVersion();
      const left = await this.valuesLeaving(trx, pole, { ...pole, ...changes }, confirmed);
      await this.repos.polesWrite.setTerritories(trx, pole.id, territories);
      // A pole that moves region or changes its reporting window moves every figure it contributes to.
      if (
        changes.region_code !== pole.region_code ||
        changes.first_report_year !== pole.first_report_year ||
        changes.first_report_quarter !== pole.first_report_quarter
      ) {
        await this.repos.aggregates.markDirty(
          trx,
          [{ pole_id: pole.id, indicator_id: null, year: null, quarter: null, reason: 'pole' }],
          nowTimestamp(this.clock),
        );
      }
      await this.repos.audit.record(trx, {
        actorId: actor.userId,
        action: 'pole.update',
        entity: 'pole',
        entityId: pole.id,
        before: { ...pickPole(pole), territories: sortTerritories(beforeTerritories) },
        after: { ...pickPole({ ...pole, ...changes }), territories: sortTerritories(territories), ...leavingAudit(left) },
        requestId: actor.requestId,
      });
    });
    return row.slug;
  }

  /** Archives (a date) or un-archives (null) a pole; archiving before validated quarters needs `confirmed`. */
  async setArchived(pole: PoleRow, version: number, archivedOn: string | null, actor: Actor, confirmed: number | null = null) {
    await this.db.transaction(async (trx) => {
      if (!(await this.repos.polesWrite.update(trx, pole.id, version, { archived_on: archivedOn }, nowTimestamp(this.clock)))) {
        throw new StaleVersion();
      }
      const left = await this.valuesLeaving(trx, pole, { ...pole, archived_on: archivedOn }, confirmed);
      await this.repos.aggregates.markDirty(
        trx,
        [{ pole_id: pole.id, indicator_id: null, year: null, quarter: null, reason: 'archive' }],
        nowTimestamp(this.clock),
      );
      const action = archivedOn ? 'pole.archive' : 'pole.unarchive';
      const entry = fieldChange(actor, action, 'pole', pole.id, 'archived_on', pole.archived_on, archivedOn);
      await this.repos.audit.record(trx, { ...entry, after: { ...(entry.after as object), ...leavingAudit(left) } });
    });
  }

  /**
   * The validated values a window change takes out of the figures, counted in the transaction after its
   * first write (so a validation cannot slip in between); unconfirmed, it throws and nothing is written.
   */
  private async valuesLeaving(trx: Knex.Transaction, before: PoleRow, after: PoleRow, confirmed: number | null): Promise<Leaving> {
    const ranges = leavingRanges(poleWindow(before), poleWindow(after));
    const c = await this.repos.polesWrite.countValidatedOutside(trx, before.id, ranges);
    const left = leaving(c.count, c.min, c.max);
    if (!mayApply(left, confirmed)) throw new WindowNeedsConfirmation(left);
    return left;
  }

  async addMember(pole: PoleRow, form: MemberForm, actor: Actor): Promise<number> {
    const row = memberRow(form);
    return this.db.transaction(async (trx) => {
      const id = await this.repos.members.insert(trx, pole.id, row);
      await this.repos.audit.record(trx, {
        actorId: actor.userId,
        action: 'member.create',
        entity: 'pole_member',
        entityId: id,
        before: null,
        after: { pole_id: pole.id, ...row },
        requestId: actor.requestId,
      });
      return id;
    });
  }

  async updateMember(pole: PoleRow, member: MemberRow, version: number, form: MemberForm, actor: Actor): Promise<void> {
    const row = memberRow(form);
    // Nothing changed: no new version (a colleague's open form would get a needless 409) and no audit row.
    if (sameFields(member, row)) {
      if (version !== member.version) throw new StaleVersion();
      return;
    }
    await this.db.transaction(async (trx) => {
      if (!(await this.repos.members.update(trx, pole.id, member.id, version, row))) throw new StaleVersion();
      const { id: _id, version: _v, pole_id: _p, ...before } = member;
      await this.repos.audit.record(trx, {
        actorId: actor.userId,
        action: 'member.update',
        entity: 'pole_member',
        entityId: member.id,
        before: { pole_id: pole.id, ...before },
        after: { pole_id: pole.id, ...row },
        requestId: actor.requestId,
      });
    });
  }

  /** Everything the pole page shows: the pole, its region, territory, members and the décret 2015-431 check. */
  async details(pole: PoleRow) {
    const today = this.today();
    const [region, territories, members, current] = await Promise.all([
      this.repos.reference.region(this.db, pole.region_code),
      this.repos.polesWrite.territories(this.db, pole.id),
      this.repos.members.list(this.db, pole.id),
      this.repos.members.currentCategories(this.db, pole.id, today),
    ]);
    const departement = (await this.repos.reference.departements(this.db)).find((d) => d.code === pole.departement_code);
    const epcis = officialEpcis();
    const epciTerritories = territories.filter((x) => x.kind === 'epci');
    return {
      pole,
      region,
      population: epciTerritories.length ? epciTerritories.reduce((sum, x) => sum + (epcis.get(x.code)?.population ?? 0), 0) : null,
      departement,
      territories,
      members: members.map((m) => ({ ...m, current: m.joined_on <= today && (!m.left_on || m.left_on > today) })),
      composition: compositionRule(current),
    };
  }

  async search(filter: { q?: string; region?: string; archived?: 'actifs' | 'archives' | 'tous' }) {
    return this.repos.polesWrite.search(this.db, filter, likeOperator(this.db));
  }
}
