// A small Table Schema validator for the tests (Frictionless Table Schema v1, default formats): the header
// against the fields, then every cell against its field's type and constraints, then the primary key.
// Strict on purpose: a type, a format or a constraint it does not know is an error, never a pass.

export interface SchemaField {
  name: string;
  title?: string;
  description?: string;
  type: string;
  format?: string;
  constraints?: Record<string, unknown>;
}

export interface TableSchemaDescriptor {
  fields: SchemaField[];
  missingValues?: string[];
  primaryKey?: string | string[];
}

const INTEGER = /^[+-]?[0-9]+$/;
const NUMBER = /^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|INF|-INF)$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const YEAR = /^[0-9]{4}$/;
const TRUE_VALUES = ['true', 'True', 'TRUE', '1'];
const FALSE_VALUES = ['false', 'False', 'FALSE', '0'];

/** A cell's value of the field's type, or an error message. */
function castCell(field: SchemaField, text: string): { value: string | number | boolean } | { error: string } {
  if ((field.format ?? 'default') !== 'default') return { error: `format « ${field.format} » non pris en charge` };
  switch (field.type) {
    case 'string':
      return { value: text };
    case 'integer':
      return INTEGER.test(text) ? { value: Number(text) } : { error: `« ${text} » n’est pas un entier` };
    case 'number':
      return NUMBER.test(text) ? { value: Number(text.replace('INF', 'Infinity')) } : { error: `« ${text} » n’est pas un nombre` };
    case 'year':
      return YEAR.test(text) ? { value: Number(text) } : { error: `« ${text} » n’est pas une année` };
    case 'boolean':
      if (TRUE_VALUES.includes(text)) return { value: true };
      if (FALSE_VALUES.includes(text)) return { value: false };
      return { error: `« ${text} » n’est pas un booléen` };
    case 'date': {
      const m = DATE.exec(text);
      const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
      // A real calendar day: 2026-02-30 would roll over to March.
      if (!m || !d || d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3]))
        return { error: `« ${text} » n’est pas une date AAAA-MM-JJ` };
      return { value: text };
    }
    default:
      return { error: `type « ${field.type} » non pris en charge` };
  }
}

/** The constraint errors of a present (non-missing) value. */
function constraintErrors(field: SchemaField, text: string, value: string | number | boolean): string[] {
  const out: string[] = [];
  for (const [key, c] of Object.entries(field.constraints ?? {})) {
    if (key === 'required') continue;
    if (key === 'enum') {
      if (!(c as unknown[]).some((e) => String(e) === text)) out.push(`« ${text} » hors de la liste ${JSON.stringify(c)}`);
    } else if (key === 'pattern') {
      if (!new RegExp(`^(?:${String(c)})$`, 'u').test(text)) out.push(`« ${text} » ne suit pas le motif ${String(c)}`);
    } else if (key === 'minimum') {
      if (typeof value === 'number' ? value < Number(c) : String(value) < String(c))
        out.push(`« ${text} » est sous le minimum ${String(c)}`);
    } else {
      out.push(`contrainte « ${key} » non prise en charge`);
    }
  }
  return out;
}

/** Every error of a table (header first), each as « ligne N, colonne : message »; [] when it conforms. */
export function validateTable(schema: TableSchemaDescriptor, records: string[][]): string[] {
  const errors: string[] = [];
  const names = schema.fields.map((f) => f.name);
  const missing = new Set(schema.missingValues ?? ['']);
  const [header, ...rows] = records;
  if (JSON.stringify(header) !== JSON.stringify(names)) errors.push(`en-tête ${JSON.stringify(header)} ≠ ${JSON.stringify(names)}`);
  const key = schema.primaryKey === undefined ? [] : ([] as string[]).concat(schema.primaryKey);
  const keyIndexes = key.map((k) => names.indexOf(k));
  if (keyIndexes.includes(-1)) errors.push(`clé primaire ${JSON.stringify(key)} hors des champs`);
  const seen = new Set<string>();
  rows.forEach((cells, i) => {
    const line = i + 2;
    if (cells.length !== names.length) errors.push(`ligne ${line} : ${cells.length} cellules pour ${names.length} champs`);
    schema.fields.forEach((field, j) => {
      const text = cells[j] ?? '';
      const at = `ligne ${line}, ${field.name}`;
      if (missing.has(text)) {
        if (field.constraints?.required === true || keyIndexes.includes(j)) errors.push(`${at} : valeur obligatoire absente`);
        return;
      }
      const cast = castCell(field, text);
      if ('error' in cast) errors.push(`${at} : ${cast.error}`);
      else for (const e of constraintErrors(field, text, cast.value)) errors.push(`${at} : ${e}`);
    });
    if (keyIndexes.length && !keyIndexes.includes(-1)) {
      const tuple = JSON.stringify(keyIndexes.map((j) => cells[j]));
      if (seen.has(tuple)) errors.push(`ligne ${line} : clé primaire ${tuple} en double`);
      seen.add(tuple);
    }
  });
  return errors;
}
