// The columns of the open-data file, in file order: the one definition that the CSV writer
// (opendata-table.ts), the page's column table and the Table Schema (table-schema.ts) all read. Part of
// the published format, so written here in French rather than in the message catalogue. Pure: no I/O.
import { CODE_PATTERN } from '../indicators/indicators.schema.ts';

/** The Table Schema types the file uses. */
export type OpenColumnType = 'string' | 'integer' | 'number' | 'date';

/** Table Schema constraints; a pattern matches the whole value (Table Schema patterns are anchored). */
export interface OpenColumnConstraints {
  required?: boolean;
  enum?: readonly string[];
  pattern?: string;
  minimum?: number;
}

export interface OpenColumn {
  name: string;
  title: string;
  description: string;
  type: OpenColumnType;
  constraints?: OpenColumnConstraints;
}

/** A JavaScript pattern written as Table Schema wants it: without its ^ and $ anchors. */
const unanchored = (re: RegExp): string => re.source.replace(/^\^/, '').replace(/\$$/, '');

const required = { required: true } as const;
const count = { minimum: 0 } as const;

export const COLUMNS = [
  {
    name: 'periode',
    title: 'Période',
    description: 'Période couverte : un trimestre civil (2026-T3) ou une année civile (2025).',
    type: 'string',
    constraints: { ...required, pattern: '[0-9]{4}(-T[1-4])?' },
  },
  {
    name: 'type_periode',
    title: 'Type de période',
    description: '« trimestre » ou « annee ».',
    type: 'string',
    constraints: { ...required, enum: ['trimestre', 'annee'] },
  },
  {
    name: 'version',
    title: 'Version',
    description:
      'Numéro de la version publiée (1 pour la première publication ; chaque correction crée la version suivante, avec son motif).',
    type: 'integer',
    constraints: { ...required, minimum: 1 },
  },
  {
    name: 'date_publication',
    title: 'Date de publication',
    description: 'Date de publication de cette version (AAAA-MM-JJ, heure de Paris).',
    type: 'date',
    constraints: required,
  },
  {
    name: 'niveau',
    title: 'Niveau',
    description: '« national » (France entière) ou « regional ».',
    type: 'string',
    constraints: { ...required, enum: ['national', 'regional'] },
  },
  {
    name: 'code_zone',
    title: 'Code de la zone',
    description: '« FR » pour la France entière, sinon le code officiel de la région (code officiel géographique de l’INSEE).',
    type: 'string',
    constraints: { ...required, pattern: 'FR|[0-9]{2}' },
  },
  { name: 'zone', title: 'Zone', description: 'Nom de la zone.', type: 'string', constraints: required },
  {
    name: 'code_indicateur',
    title: 'Code de l’indicateur',
    description: 'Code stable de l’indicateur (par exemple EMP_CREES).',
    type: 'string',
    constraints: { ...required, pattern: unanchored(CODE_PATTERN) },
  },
  { name: 'indicateur', title: 'Indicateur', description: 'Libellé de l’indicateur.', type: 'string', constraints: required },
  {
    name: 'nature',
    title: 'Nature de l’indicateur',
    description:
      '« flux » (somme sur la période et les pôles), « stock » (dernière valeur de chaque pôle dans la période, sommée sur les pôles), « ratio » (recalculé à partir de ses composantes sommées) ou « score » (moyenne des pôles).',
    type: 'string',
    constraints: { ...required, enum: ['flux', 'stock', 'ratio', 'score'] },
  },
  { name: 'unite', title: 'Unité', description: 'Unité de la valeur.', type: 'string' },
  {
    name: 'valeur',
    title: 'Valeur',
    description:
      'Valeur de l’indicateur dans son unité, avec un point décimal. « secret statistique » lorsque le chiffre repose sur moins de 3 pôles, ou lorsqu’il permettrait de retrouver par soustraction un chiffre masqué. Vide lorsqu’aucun pôle n’a déclaré de valeur.',
    type: 'number',
  },
  {
    name: 'poles_contributeurs',
    title: 'Pôles contributeurs',
    description: 'Nombre de pôles dont une valeur entre dans le chiffre. Vide pour un secret statistique.',
    type: 'integer',
    constraints: count,
  },
  {
    name: 'declarations_recues',
    title: 'Déclarations reçues',
    description:
      'Déclarations reçues derrière le chiffre (trimestres-pôles pour un flux ; pôles ayant une valeur au dernier trimestre de la période sinon). Vide pour un secret statistique.',
    type: 'integer',
    constraints: count,
  },
  {
    name: 'declarations_attendues',
    title: 'Déclarations attendues',
    description: 'Déclarations attendues pour la même zone et la même période. Vide pour un secret statistique.',
    type: 'integer',
    constraints: count,
  },
] as const satisfies readonly OpenColumn[];

export type ColumnName = (typeof COLUMNS)[number]['name'];

/** One row is one figure: a period, a zone and an indicator (the total; open data has no categories). */
export const PRIMARY_KEY = ['periode', 'code_zone', 'code_indicateur'] as const satisfies readonly ColumnName[];
