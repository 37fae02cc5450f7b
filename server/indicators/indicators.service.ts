import type { Knex } from 'knex';
import type { Clock } from '../lib/clock.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { AggregatesRepo } from '../aggregates/aggregates.repo.ts';
import { isUniqueViolation, nowTimestamp } from '../db/dialect.ts';
import { StaleVersion, ValidationError } from '../http/errors.ts';
import type { IndicatorCategoryRow, IndicatorRow, IndicatorsRepo, IndicatorWrite } from './indicators.repo.ts';
import type { Component, IndicatorForm } from './indicators.schema.ts';
import { t } from '../i18n/messages.ts';
import type { Actor } from '../lib/actor.ts';

interface Repos {
  aggregates: AggregatesRepo;
  audit: AuditRepo;
  indicators: IndicatorsRepo;
}

/** A ratio component as the list shows it: the indicator's code and, if any, the category. */
export interface ComponentView {
  code: string;
  category: string | null;
  categoryLabel: string | null;
}

export interface CatalogueItem {
  indicator: IndicatorRow;
  categories: IndicatorCategoryRow[];
  numerator: ComponentView | null;
  denominator: ComponentView | null;
}

// The audited columns, in a fixed order so that before and after compare as JSON.
const WRITE_COLUMNS = [
  'code',
  'label_fr',
  'label_en',
  'definition_fr',
  'definition_en',
  'unit',
  'decimals',
  'min_scaled',
  'max_scaled',
  'kind',
  'numerator_id',
  'numerator_category',
  'denominator_id',
  'denominator_category',
  'objectives',
  'direction',
  'first_year',
  'first_quarter',
  'last_year',
  'last_quarter',
  'active',
  'display_order',
] as const satisfies readonly (keyof IndicatorWrite)[];

// The columns that move stored figures: the kind, a ratio's components and the reporting window decide
// what is expected and counted. Labels, definitions, the unit and decimals (values are stored scaled, read
// at display), objectives, direction, bounds for new entries, `active` and the order change no aggregate.
const FIGURE_COLUMNS = [
  'kind',
  'numerator_id',
  'numerator_category',
  'denominator_id',
  'denominator_category',
  'first_year',
  'first_quarter',
  'last_year',
  'last_quarter',
] as const satisfies readonly (typeof WRITE_COLUMNS)[number][];

/** Whether an edit from `before` to `after` changes the indicator's figures (and so needs a refresh). */
export function movesFigures(before: IndicatorWrite, after: IndicatorWrite): boolean {
  return FIGURE_COLUMNS.some((k) => (before[k] ?? null) !== (after[k] ?? null));
}

/** The writable part of a row, in audit order. */
export function snapshot(row: IndicatorWrite): IndicatorWrite {
  return Object.fromEntries(WRITE_COLUMNS.map((k) => [k, row[k]])) as unknown as IndicatorWrite;
}

/** The indicator catalogue: listing, creation and edits, with the rules that protect entered values. */
export class IndicatorsService {
  constructor(
    readonly db: Knex,
    readonly clock: Clock,
    readonly repos: Repos,
  ) {}

  /** The display order a new indicator gets by default: after the last one. */
  async nextDisplayOrder(): Promise<number> {
    return (await this.repos.indicators.maxDisplayOrder(this.db)) + 10;
  }

  /** Every indicator matching the filter, in display order, with its categories and ratio components. */
  async catalogue(filter: { active?: boolean; objective?: string } = {}): Promise<CatalogueItem[]> {
    const [rows, all, categories] = await Promise.all([
      this.repos.indicators.list(this.db, filter),
      this.repos.indicators.list(this.db),
      this.repos.indicators.categories(this.db),
    ]);
    const byId = new Map(all.map((r) => [r.id, r]));
    const categoriesOf = (id: number) => categories.filter((c) => c.indicator_id === id);
    const view = (id: number | null, category: string | null): ComponentView | null => {
      const target = id === null ? undefined : byId.get(id);
      if (!target) return null;
      const label = category ? (categoriesOf(target.id).find((c) => c.code === category)?.label_fr ?? category) : null;
      return { code: target.code, category, categoryLabel: label };
    };
    return rows.map((indicator) => ({
      indicator,
      categories: categoriesOf(indicator.id),
      numerator: view(indicator.numerator_id, indicator.numerator_category),
      denominator: view(indicator.denominator_id, indicator.denominator_category),
    }));
  }

  /** What a ratio may use: flow and stock indicators (other than `exceptId`), each with its categories. */
  async componentChoices(exceptId?: number): Promise<{ indicator: IndicatorRow; categories: IndicatorCategoryRow[] }[]> {
    const [rows, categories] = await Promise.all([this.repos.indicators.list(this.db), this.repos.indicators.categories(this.db)]);
    return rows
      .filter((r) => (r.kind === 'flow' || r.kind === 'stock') && r.id !== exceptId)
      .map((indicator) => ({ indicator, categories: categories.filter((c) => c.indicator_id === indicator.id) }));
  }

  /** Creates an indicator, audited in the same transaction. Returns its id. */
  async create(form: IndicatorForm, actor: Actor): Promise<number> {
    const row = await this.resolve(this.db, form);
    try {
      return await this.db.transaction(async (trx) => {
        const id = await this.repos.indicators.insert(trx, row, nowTimestamp(this.clock));
        // A new ratio has figures at once (its components' values): the next refresh computes them.
        if (row.kind === 'ratio') await this.markIndicatorDirty(trx, id);
        await this.repos.audit.record(trx, {
          actorId: actor.userId,
          action: 'indicator.create',
          entity: 'indicator',
          entityId: id,
          before: null,
          after: snapshot(row),
          requestId: actor.requestId,
        });
        return id;
      });
    } catch (err) {
      // Two staff creating the same code at once: the unique index decides.
      if (isUniqueViolation(err)) throw new ValidationError({ code: t('indicators.error.codeTaken') });
      throw err;
    }
  }

  /**
   * Updates an indicator if nobody changed it since `version` (StaleVersion otherwise).
   * Returns false when the form changes nothing: then nothing is written, not even the version.
   */
  async update(existing: IndicatorRow, version: number, form: IndicatorForm, actor: Actor): Promise<boolean> {
    if (version !== existing.version) throw new StaleVersion();
    return this.db.transaction(async (trx) => {
      // The first statement is a write: it checks the version and holds the row while the rules are
      // checked, so values or ratios added meanwhile cannot slip between the check and the write.
      if (!(await this.repos.indicators.claim(trx, existing.id, version))) throw new StaleVersion();
      const row = await this.resolve(trx, form, existing);
      const before = snapshot(existing);
      const after = snapshot(row);
      if (JSON.stringify(before) === JSON.stringify(after)) return false;
      if (!(await this.repos.indicators.update(trx, existing.id, version, row, nowTimestamp(this.clock)))) throw new StaleVersion();
      if (movesFigures(before, after)) await this.markIndicatorDirty(trx, existing.id);
      await this.repos.audit.record(trx, {
        actorId: actor.userId,
        action: 'indicator.update',
        entity: 'indicator',
        entityId: existing.id,
        before,
        after,
        requestId: actor.requestId,
      });
      return true;
    });
  }

  /**
   * Marks every figure of the indicator (all poles, all quarters) for the next refresh, in the caller's
   * transaction; a key without a pole makes that refresh a rebuild, which is what a definition change needs.
   */
  private async markIndicatorDirty(trx: Knex.Transaction, indicatorId: number): Promise<void> {
    const key = { pole_id: null, indicator_id: indicatorId, year: null, quarter: null, reason: 'indicator' };
    await this.repos.aggregates.markDirty(trx, [key], nowTimestamp(this.clock));
  }

  /** Checks the rules that need the database and builds the row; throws ValidationError with French messages. */
  private async resolve(db: Knex, form: IndicatorForm, existing?: IndicatorRow): Promise<IndicatorWrite> {
    const repo = this.repos.indicators;
    const errors: Record<string, string> = {};
    const code = existing ? existing.code : form.code;
    if (!existing && (await repo.findByCode(db, code))) errors.code = t('indicators.error.codeTaken');
    let numeratorId: number | null = null;
    let denominatorId: number | null = null;
    if (form.kind === 'ratio') {
      numeratorId = await this.componentId(db, form.numerator, form.active, existing, 'numerator', errors);
      denominatorId = await this.componentId(db, form.denominator, form.active, existing, 'denominator', errors);
    }
    if (existing) {
      const kindChanged = form.kind !== existing.kind;
      const unitChanged = form.unit !== existing.unit;
      if ((kindChanged || unitChanged) && (await repo.hasValues(db, existing.id))) {
        if (kindChanged) errors.kind = t('indicators.error.kindLocked');
        if (unitChanged) errors.unit = t('indicators.error.unitLocked');
      }
      const deactivated = existing.active && !form.active;
      if (kindChanged || deactivated) {
        const ratios = (await repo.activeRatiosUsing(db, existing.id)).join(', ');
        if (ratios && kindChanged) errors.kind ??= t('indicators.error.ratioComponentKind', { ratios });
        if (ratios && deactivated) errors.active = t('indicators.error.ratioComponentActive', { ratios });
      }
      if (form.kind === 'ratio' && (await repo.categories(db, existing.id)).length) {
        errors.kind ??= t('indicators.error.ratioCategories');
      }
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const isRatio = form.kind === 'ratio';
    return {
      code,
      label_fr: form.label_fr,
      label_en: form.label_en,
      definition_fr: form.definition_fr,
      definition_en: form.definition_en,
      unit: form.unit,
      decimals: form.decimals,
      min_scaled: isRatio ? null : (form.min?.scaled ?? null),
      max_scaled: isRatio ? null : (form.max?.scaled ?? null),
      kind: form.kind,
      numerator_id: numeratorId,
      numerator_category: isRatio ? (form.numerator?.category ?? null) : null,
      denominator_id: denominatorId,
      denominator_category: isRatio ? (form.denominator?.category ?? null) : null,
      objectives: [...new Set(form.objectives)].sort().join(','),
      direction: form.direction,
      first_year: form.first_quarter?.year ?? null,
      first_quarter: form.first_quarter?.quarter ?? null,
      last_year: form.last_quarter?.year ?? null,
      last_quarter: form.last_quarter?.quarter ?? null,
      active: form.active,
      display_order: form.display_order,
    };
  }

  /** The id of a ratio component, or null with a message in `errors[field]`. */
  private async componentId(
    db: Knex,
    c: Component | null,
    ratioActive: boolean,
    self: IndicatorRow | undefined,
    field: 'numerator' | 'denominator',
    errors: Record<string, string>,
  ): Promise<number | null> {
    if (!c) return null; // the schema already asked for it
    const target = await this.repos.indicators.findByCode(db, c.code);
    let message: string | null = null;
    if (!target) message = t('indicators.error.pickIndicator');
    else if (self && target.id === self.id) message = t('indicators.error.selfComponent');
    else if (target.kind !== 'flow' && target.kind !== 'stock') message = t('indicators.error.componentKind');
    else if (c.category && !(await this.repos.indicators.categories(db, target.id)).some((x) => x.code === c.category)) {
      message = t('indicators.error.noCategory', { code: target.code, category: c.category });
    } else if (ratioActive && !target.active) message = t('indicators.error.inactiveComponent', { code: target.code });
    if (message) {
      errors[field] = message;
      return null;
    }
    return target!.id;
  }
}
