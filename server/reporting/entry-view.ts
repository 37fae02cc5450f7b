// Builds what the entry form template shows: indicators grouped by objective, each with its previous
// and last-year values, the input as typed (or as stored, or prefilled), and its error messages.
import { t, tDynamic } from '../i18n/messages.ts';
import { scaledToInput } from '../lib/decimal.ts';
import { formatScaled } from '../lib/format.ts';
import type { IndicatorRow } from '../indicators/indicators.repo.ts';
import { field, lineKey, type EntryContext, type StoredLine } from './entry-rules.ts';
import type { ValueRow } from './reporting.repo.ts';
import { formObjective, inPageOrder } from './page-order.ts';

function shown(v: ValueRow | undefined, decimals: number): string {
  if (!v) return '—';
  if (v.not_available) return t('entry.notAvailable').toLowerCase();
  return formatScaled(v.value_scaled, decimals);
}

/** A stored line as the summary of a submitted quarter reads it: the value the French way, or « — ». */
function storedText(line: StoredLine | undefined, decimals: number): string {
  return line && !line.notAvailable && line.value !== null ? formatScaled(line.value, decimals) : '—';
}

export interface EntryViewInput {
  ctx: EntryContext;
  rows: IndicatorRow[];
  previousRows: Map<string, ValueRow>;
  lastYear: Map<string, ValueRow>;
  /** The typed form, when re-rendering after an error or a restored session; else stored values show. */
  body?: Record<string, unknown>;
  errors?: Record<string, string>;
  /** What blocks only « Soumettre », shown beside the field when it has no error. */
  warnings?: Record<string, string>;
  historyBase: string;
  registerDate: string;
}

export function buildEntryView(v: EntryViewInput) {
  const { ctx, body, errors = {}, warnings = {} } = v;
  const typed = (name: string) => (body && typeof body[name] === 'string' ? (body[name] as string) : undefined);
  const rowsById = new Map(v.rows.map((r) => [r.id, r]));
  const groups = new Map<string, { code: string; label: string; indicators: unknown[] }>();

  for (const ind of ctx.indicators) {
    const row = rowsById.get(ind.id)!;
    const objective = formObjective(row);
    const stored = ctx.stored.get(lineKey(ind.code));
    const register = ctx.register?.get(lineKey(ind.code));
    // Input as stored; else a stock carried over from the previous quarter, MEMBRES from the register.
    let prefill = '';
    let carried = false;
    if (stored) {
      prefill = stored.notAvailable ? '' : scaledToInput(stored.value);
      carried = stored.carriedOver;
    } else if (register !== undefined) {
      prefill = String(register);
    } else if (ind.kind === 'stock' && ctx.previous.has(lineKey(ind.code))) {
      prefill = scaledToInput(ctx.previous.get(lineKey(ind.code)));
      carried = true;
    }
    const value = typed(field.value(ind.code)) ?? (body ? '' : prefill);
    const parts = ind.categories.map((c) => {
      const k = lineKey(ind.code, c.code);
      const st = ctx.stored.get(k);
      const reg = ctx.register?.get(k);
      const partPrefill = st ? scaledToInput(st.value) : reg !== undefined && !stored ? String(reg) : '';
      return {
        code: c.code,
        label: c.label,
        name: field.value(ind.code, c.code),
        value: typed(field.value(ind.code, c.code)) ?? (body ? '' : partPrefill),
        display: storedText(st, ind.decimals),
        previous: shown(v.previousRows.get(k), ind.decimals),
        lastYear: shown(v.lastYear.get(k), ind.decimals),
        register: reg,
        error: errors[field.value(ind.code, c.code)],
        warning: errors[field.value(ind.code, c.code)] ? undefined : warnings[field.value(ind.code, c.code)],
      };
    });
    const item = {
      code: ind.code,
      label: ind.label,
      definition: row.definition_fr,
      // A score's scale is in its label (« auto-évaluation 1 à 4 »): its unit is not said twice.
      unit: ind.kind === 'score' ? null : tDynamic('unit', ind.unit),
      kind: ind.kind,
      names: {
        value: field.value(ind.code),
        na: field.na(ind.code),
        naReason: field.naReason(ind.code),
        comment: field.comment(ind.code),
        confirm: field.confirm(ind.code),
      },
      value,
      display: storedText(stored, ind.decimals),
      na: body ? typed(field.na(ind.code)) !== undefined : Boolean(stored?.notAvailable),
      naReason: typed(field.naReason(ind.code)) ?? stored?.naReason ?? '',
      comment: typed(field.comment(ind.code)) ?? stored?.comment ?? '',
      confirmed: body ? typed(field.confirm(ind.code)) !== undefined : false,
      carried,
      register,
      registerDate: v.registerDate,
      previous: shown(v.previousRows.get(lineKey(ind.code)), ind.decimals),
      lastYear: shown(v.lastYear.get(lineKey(ind.code)), ind.decimals),
      inputmode: ind.decimals > 0 ? 'decimal' : 'numeric',
      parts,
      ...messagesOf(ind.code, errors, warnings),
      historyUrl: `${v.historyBase}?indicateur=${encodeURIComponent(ind.code)}`,
    };
    const g = groups.get(objective) ?? { code: objective, label: tDynamic('objective', objective), indicators: [] };
    g.indicators.push(item);
    groups.set(objective, g);
  }
  return [...groups.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** An indicator's messages per field: its errors, and its warnings where the field has no error. */
function messagesOf(code: string, errors: Record<string, string>, warnings: Record<string, string>) {
  const kinds = ['value', 'naReason', 'comment', 'confirm'] as const;
  const name = (k: (typeof kinds)[number]) => field[k](code);
  return {
    errors: Object.fromEntries(kinds.map((k) => [k, errors[name(k)]])),
    warnings: Object.fromEntries(kinds.map((k) => [k, errors[name(k)] ? undefined : warnings[name(k)]])),
  };
}

/** The error summary's links: one per message, to its field, labelled with its indicator. */
export function errorLinks(ctx: EntryContext, errors: Record<string, string>): { href: string; text: string }[] {
  const labels = new Map<string, string>();
  for (const ind of ctx.indicators) {
    for (const name of [field.value(ind.code), field.naReason(ind.code), field.comment(ind.code), field.confirm(ind.code)])
      labels.set(name, ind.label);
    for (const c of ind.categories) labels.set(field.value(ind.code, c.code), `${ind.label} — ${c.label}`);
  }
  labels.set('highlights', t('entry.highlights'));
  labels.set('difficulties', t('entry.difficulties'));
  return Object.entries(inPageOrder(errors, ctx)).map(([name, message]) => ({
    href: `#f-${name}`,
    text: `${labels.get(name) ?? name} : ${message}`,
  }));
}
