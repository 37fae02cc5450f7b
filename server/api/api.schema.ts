// The read API's schemas: they validate every request and describe every answer, and the OpenAPI
// document (openapi.ts) is generated from these very objects, so the two cannot drift apart.
// Query schemas take strings only (what a query string carries); the handlers convert after checking,
// except periods, which the one quarter field of every query reads (T or Q, lib/quarters.ts).
import { z } from 'zod';
import { quarterParam } from '../http/query-params.ts';
import { BASES, type Base } from '../aggregates/aggregates.repo.ts';
import { GRAINS } from '../aggregates/periods.ts';

export const LEVELS = ['nation', 'region', 'pole'] as const;
export type Level = (typeof LEVELS)[number];

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 10000;

// « latest »: the latest consolidated quarter of the caller's scope (its regions for a regional funder).
const period = z
  .union([z.literal('latest'), quarterParam])
  .describe('Trimestre, écrit 2026-T2 ou 2026-Q2 (les réponses écrivent T), ou latest : le dernier trimestre consolidé du périmètre.');

const pageParams = {
  limit: z
    .string()
    .max(5)
    .regex(/^\d{1,5}$/)
    .optional()
    .describe(`Lignes par page (défaut ${DEFAULT_LIMIT}, au plus ${MAX_LIMIT}).`),
  page: z
    .string()
    .max(6)
    .regex(/^\d{1,6}$/)
    .optional()
    .describe('Numéro de page, à partir de 1.'),
};

/** GET /api/v1/aggregates */
export const aggregatesQuery = z.strictObject({
  indicator: z
    .string()
    .max(40)
    .regex(/^[A-Z][A-Z0-9_]{0,39}$/)
    .optional()
    .describe('Code de l’indicateur (EMP_CREES…) ; sans lui, tous.'),
  level: z.enum(LEVELS).describe('Niveau géographique.'),
  area: z
    .string()
    .max(80)
    .regex(/^[A-Za-z0-9-]{1,80}$/)
    .optional()
    .describe(
      'Code INSEE de région (level=region), identifiant (slug) de pôle (level=pole) ou FR (level=nation) ; sans lui, toutes les zones du périmètre.',
    ),
  grain: z
    .enum(GRAINS)
    .optional()
    .describe(
      'Période : trimestre (défaut), année, cumul depuis janvier, quatre trimestres glissants. grain=year ne couvre que les années terminées : l’année en cours est refusée (400), demandez grain=ytd.',
    ),
  from: period
    .optional()
    .describe(
      'Première période (incluse), par son dernier trimestre (ou latest : le dernier trimestre consolidé) ; sans elle, depuis le début.',
    ),
  to: period
    .optional()
    .describe(
      'Dernière période (incluse), par son dernier trimestre (ou latest : le dernier trimestre consolidé) ; sans elle, jusqu’à la dernière (pour grain=year, la dernière année terminée).',
    ),
  base: z
    .enum(BASES as [Base, ...Base[]])
    .optional()
    .describe('validated (défaut) ; validated_or_submitted est réservé à l’équipe nationale.'),
  ...pageParams,
});
export type AggregatesQuery = z.infer<typeof aggregatesQuery>;

/** GET /api/v1/indicators and /api/v1/regions take no parameter. */
export const emptyQuery = z.strictObject({});

export const aggregateItem = z.strictObject({
  indicator: z.string().describe('Code de l’indicateur.'),
  level: z.enum(LEVELS),
  area: z.string().describe('FR, code INSEE de région, ou identifiant (slug) de pôle.'),
  category: z.string().nullable().describe('Catégorie (MEMBRES par catégorie de l’article 9) ; null pour le total.'),
  grain: z.enum(GRAINS),
  period: z
    .string()
    .regex(/^\d{4}(-T[1-4])?$/)
    .describe('2026-T2 ; une année s’écrit 2026.'),
  year: z.int().min(2000).max(2100),
  quarter: z.int().min(1).max(4).describe('Dernier trimestre de la période.'),
  value: z.number().nullable().describe('Dans l’unité de l’indicateur (les ratios en %) ; null quand rien n’a été déclaré.'),
  per10kInhabitants: z
    .number()
    .nullable()
    .describe(
      'La valeur pour 10 000 habitants : value × 10 000 ÷ population. null pour un taux ou un score (sans forme par habitant), un pôle dont la population du territoire est inconnue, ou une valeur null.',
    ),
  population: z
    .int()
    .min(0)
    .nullable()
    .describe(
      'La population de la zone, celle qui divise per10kInhabitants : la France (18 régions), la région, ou le territoire du pôle (ses EPCI et départements) ; population municipale INSEE, un seul millésime (via @etalab/decoupage-administratif). null quand elle est inconnue.',
    ),
  reported: z.int().min(0).describe('Trimestres déclarés (pôle × trimestre) ; pour un trimestre, des pôles. Voir completeness.unit.'),
  expected: z.int().min(0).describe('Trimestres attendus (pôle × trimestre) ; pour un trimestre, des pôles.'),
  completeness: z
    .strictObject({
      unit: z.enum(['poles', 'pole_quarters']).describe('poles pour un trimestre, pole_quarters (pôle × trimestre) au-delà.'),
      reported: z.int().min(0),
      expected: z.int().min(0),
      rate: z.number().min(0).max(1).nullable().describe('reported ÷ expected ; null quand rien n’est attendu.'),
    })
    .describe('La complétude, dans l’unité qu’elle compte.'),
  comparison: z
    .strictObject({
      status: z
        .enum(['significant', 'not_significant', 'none'])
        .describe(
          'significant : au moins MIN_COMPARABLE_POLES pôles et la moitié des pôles attendus ont déclaré les deux périodes ; not_significant : moins ; none : aucun.',
        ),
      poles: z.int().min(0).describe('Pôles ayant déclaré les deux périodes (la base commune).'),
      polesExpected: z.int().min(0).describe('Pôles attendus dans la période.'),
      current: z.number().nullable().describe('La valeur de la période sur la base commune.'),
      previous: z.number().nullable().describe('La valeur de la même période un an plus tôt, sur la même base.'),
      change: z.number().nullable().describe('Évolution à périmètre constant : en % (ou en points pour un ratio).'),
      changeUnit: z.enum(['percent', 'points']).nullable(),
    })
    .describe('Comparaison à périmètre constant avec la même période un an plus tôt.'),
  provisional: z
    .boolean()
    .describe(
      'true : la période est provisoire (un de ses trimestres n’est pas consolidé dans cette zone : délai de déclaration non écoulé, ou moins de CLOSED_COMPLETENESS des déclarations attendues validées, sans synthèse nationale publiée).',
    ),
  computedAt: z.string().describe('Date du calcul (ISO 8601, UTC).'),
});
export type AggregateItem = z.infer<typeof aggregateItem>;

const links = z.strictObject({
  self: z.string(),
  next: z.string().optional().describe('La page suivante, quand il y en a une.'),
});

export const aggregatesPage = z.strictObject({
  data: z.array(aggregateItem),
  links,
  meta: z.strictObject({ page: z.int().min(1), limit: z.int().min(1), count: z.int().min(0) }),
});

export const indicatorItem = z.strictObject({
  code: z.string(),
  label: z.string(),
  definition: z.string(),
  kind: z.enum(['flow', 'stock', 'ratio', 'score']),
  unit: z.string(),
  decimals: z.int().min(0),
  active: z.boolean(),
  categories: z.array(z.strictObject({ code: z.string(), label: z.string() })),
});
export const indicatorsList = z.strictObject({ data: z.array(indicatorItem) });

export const regionItem = z.strictObject({ code: z.string(), name: z.string() });
export const regionsList = z.strictObject({ data: z.array(regionItem) });

export const apiErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().describe('bad_request, unauthorized, forbidden, not_found, too_many_requests, internal_error…'),
    message: z.string().describe('Le message, en français.'),
    parameter: z.string().optional().describe('Le paramètre en cause, pour une requête invalide.'),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBody>;

export const targetsQuery = z.strictObject({
  year: z
    .string()
    .regex(/^20\d\d$/)
    .optional()
    .describe('Année des objectifs (2026) ; sans elle, l’année en cours.'),
  pole: z
    .string()
    .max(80)
    .regex(/^[A-Za-z0-9-]{1,80}$/)
    .optional()
    .describe('Slug d’un pôle du périmètre ; sans lui, tous les pôles du périmètre.'),
});

export const targetItem = z.strictObject({
  pole: z.string().describe('Slug du pôle.'),
  indicator: z.string(),
  year: z.number().int(),
  span: z
    .strictObject({ first: z.number().int(), last: z.number().int() })
    .nullable()
    .describe(
      'La convention pluriannuelle (2024–2026) dont la période contient l’année demandée ; null pour l’objectif de l’année. Son objectif n’est jamais la somme des objectifs annuels.',
    ),
  target: z
    .number()
    .describe(
      'L’objectif, en unités de l’indicateur : pour un flux, le total de l’année (ou de la convention) ; pour les autres, le niveau visé en fin de période.',
    ),
  direction: z.enum(['up', 'down']).describe('up : une hausse est favorable ; down : une baisse.'),
  actual: z
    .number()
    .nullable()
    .describe(
      'Le réalisé jusqu’au dernier trimestre consolidé du pôle dans la période (l’année, ou la convention : un flux additionné sur ses années) ; null sans donnée.',
    ),
  through: z.string().nullable().describe('Le dernier trimestre compté (2026-T3) ; null avant le premier trimestre consolidé de l’année.'),
  share: z.number().nullable().describe('Part atteinte (0,71 = 71 %), objectif ÷ réalisé quand une baisse est favorable.'),
  reached: z.boolean(),
  trajectory: z
    .strictObject({ expected: z.number(), status: z.enum(['ahead', 'on_track', 'behind']) })
    .nullable()
    .describe(
      'Flux seulement, pendant la période (l’année, ou la convention) : la part de l’objectif attendue à ce trimestre (répartition linéaire par trimestre, ±10 %).',
    ),
  completeness: z.strictObject({ reported: z.number().int(), expected: z.number().int() }).nullable(),
});
export type TargetItem = z.infer<typeof targetItem>;
export const targetsList = z.strictObject({ data: z.array(targetItem) });
