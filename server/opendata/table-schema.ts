// The Table Schema (Frictionless Data, the format of schema.data.gouv.fr) of the open-data CSV, built
// from the very column definitions the CSV writer uses. Served at /donnees-ouvertes/schema.json. Pure.
//
// The file's CSV dialect is Frictionless's default (comma, double quote doubled inside quotes, CRLF, a
// header line, UTF-8), so the schema needs no dialect of its own; the description says it anyway.
import { SECRET } from './confidentiality.ts';
import { COLUMNS, PRIMARY_KEY } from './opendata-columns.ts';

export const SCHEMA_PATH = '/donnees-ouvertes/schema.json';

/** Cell texts that mean « no value »: an empty cell, and a figure withheld by statistical secrecy. */
export const MISSING_VALUES = ['', SECRET] as const;

/** The descriptor; `publicUrl` makes its own address and the page's absolute. */
export function openDataTableSchema(publicUrl: string) {
  return {
    $schema: 'https://frictionlessdata.io/schemas/table-schema.json',
    name: 'ptce-impact-donnees-ouvertes',
    title: 'PTCE Impact — indicateurs nationaux et régionaux publiés',
    description:
      'Une ligne par indicateur et par zone (la France entière puis chaque région) pour une période publiée, ' +
      'secret statistique appliqué. CSV RFC 4180 : UTF-8 sans BOM, séparateur virgule, point décimal, fins de ligne CRLF, une ligne d’en-tête.',
    homepage: `${publicUrl}/donnees-ouvertes`,
    path: `${publicUrl}${SCHEMA_PATH}`,
    fields: COLUMNS.map((c) => ({
      name: c.name,
      title: c.title,
      description: c.description,
      type: c.type,
      ...(c.type === 'date' ? { format: 'default' } : {}),
      ...('constraints' in c ? { constraints: c.constraints } : {}),
    })),
    missingValues: [...MISSING_VALUES],
    primaryKey: [...PRIMARY_KEY],
  };
}

export type OpenDataTableSchema = ReturnType<typeof openDataTableSchema>;
