// The OpenAPI 3.1 document of the read API, generated from the zod schemas that validate the requests
// and describe the answers (api.schema.ts). Built once per process; served at /api/v1/openapi.json.
import { z } from 'zod';
import {
  aggregatesPage,
  aggregatesQuery,
  apiErrorBody,
  emptyQuery,
  indicatorsList,
  regionsList,
  targetsList,
  targetsQuery,
} from './api.schema.ts';

type JsonObject = Record<string, unknown>;

const COMPONENTS = {
  AggregatesPage: aggregatesPage,
  IndicatorsList: indicatorsList,
  RegionsList: regionsList,
  TargetsList: targetsList,
  Error: apiErrorBody,
} as const;

/** Every component schema, with references between them as #/components/schemas/… */
function componentSchemas(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, JsonObject> };
  // Each schema is embedded in the document, not standalone: no $schema, no $id of its own.
  return Object.fromEntries(Object.entries(out.schemas).map(([id, { $schema: _s, $id: _i, ...rest }]) => [id, rest]));
}

/** Query parameters, one per property of a query schema. */
function queryParameters(schema: z.ZodObject): JsonObject[] {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, { description, ...rest }]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    ...(description ? { description } : {}),
    schema: rest,
  }));
}

const ref = (id: keyof typeof COMPONENTS) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: keyof typeof COMPONENTS, description: string) => ({ description, content: { 'application/json': { schema: ref(id) } } });

const ERRORS = {
  '400': json('Error', 'Paramètre invalide, inconnu ou répété.'),
  '401': json('Error', 'Ni session ni jeton valide.'),
  '403': json('Error', 'Hors des droits du compte.'),
  '404': json('Error', 'Zone hors du périmètre ou inconnue.'),
  '429': json('Error', 'Trop de requêtes ; voir Retry-After.'),
};
const NOT_MODIFIED = { '304': { description: 'Inchangé depuis l’ETag envoyé dans If-None-Match.' } };

/** A GET operation; its operationId is stable (client generators name their methods after it). */
function operation(operationId: string, summary: string, query: z.ZodObject, ok: keyof typeof COMPONENTS, okText: string) {
  return {
    get: {
      operationId,
      summary,
      parameters: queryParameters(query),
      security: [{ bearer: [] }, { session: [] }],
      responses: { '200': json(ok, okText), ...NOT_MODIFIED, ...ERRORS },
    },
  };
}

/** The whole document (the server's public URL as its server). */
export function openApiDocument(publicUrl: string): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'PTCE Impact — API de lecture',
      version: '1.0.0',
      description:
        'Indicateurs agrégés des pôles territoriaux de coopération économique, dans le périmètre du compte. ' +
        'Authentification par jeton personnel (Authorization: Bearer ptce_…, créé sur la page « Mon profil ») ou par la session. ' +
        'Réponses avec ETag et Cache-Control: private, no-cache ; erreurs en JSON, messages en français.',
      // The licence of the published open data (server/opendata), which these figures are the source of.
      license: { name: 'Licence Ouverte / Etalab 2.0', identifier: 'etalab-2.0' },
    },
    servers: [{ url: `${publicUrl}/api/v1` }],
    paths: {
      '/indicators': operation('listIndicators', 'Le catalogue des indicateurs', emptyQuery, 'IndicatorsList', 'Les indicateurs.'),
      '/regions': operation('listRegions', 'Les régions du périmètre', emptyQuery, 'RegionsList', 'Les régions.'),
      '/aggregates': operation('listAggregates', 'Les chiffres agrégés', aggregatesQuery, 'AggregatesPage', 'Une page de chiffres.'),
      '/targets': operation(
        'listTargets',
        'Les objectifs des pôles du périmètre et leur avancement',
        targetsQuery,
        'TargetsList',
        'Les objectifs validés de l’année.',
      ),
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Jeton personnel ptce_…' },
        session: { type: 'apiKey', in: 'cookie', name: 'ptce.sid' },
      },
    },
  };
}
