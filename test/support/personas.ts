// The cast of the authorisation tests: two poles of one region for managers A and B, one pole
// elsewhere for manager C, a regional and a national funder, and staff.
import request from 'supertest';
import type { TestContext } from './test-app.ts';
import { signIn } from './test-app.ts';
import { makeMember, makePole, makeUser } from './factories.ts';

export const PERSONAS = ['anonymous', 'managerA', 'managerB', 'managerC', 'funderRegion', 'funderNational', 'staff'] as const;
export type Persona = (typeof PERSONAS)[number];

export interface Cast {
  poles: {
    a: { id: number; slug: string };
    b: { id: number; slug: string };
    c: { id: number; slug: string };
    other: { id: number; slug: string };
  };
  memberA: number;
  memberC: number;
  victimUserId: number;
  indicatorId: number;
  agents: Record<Persona, ReturnType<typeof request.agent>>;
}

export async function buildCast(ctx: TestContext): Promise<Cast> {
  const s = ctx.s;
  // Region 76 (Occitanie): poles A and B. Region 84 (Auvergne-Rhône-Alpes): pole C. Region 53: other.
  const a = await makePole(s, { name: 'Pôle A Occitanie', region: '76', departement: '31' });
  const b = await makePole(s, { name: 'Pôle B Occitanie', region: '76', departement: '34' });
  const c = await makePole(s, { name: 'Pôle C Rhône', region: '84', departement: '69' });
  const other = await makePole(s, { name: 'Pôle Bretagne', region: '53', departement: '29' });
  const memberA = await makeMember(s, a.slug, 'ess');
  const memberC = await makeMember(s, c.slug, 'ess');
  const users = {
    managerA: await makeUser(s, 'manager', { poleIds: [a.id] }),
    managerB: await makeUser(s, 'manager', { poleIds: [b.id, other.id].slice(0, 1) }),
    managerC: await makeUser(s, 'manager', { poleIds: [c.id] }),
    funderRegion: await makeUser(s, 'funder', { regionCodes: ['76', '75'] }),
    funderNational: await makeUser(s, 'funder'),
    staff: await makeUser(s, 'staff'),
  };
  const victim = await makeUser(s, 'funder', { name: 'Compte cible' });
  const indicator = (await s.repos.indicators.findByCode(s.db, 'EMP_CREES'))!;
  const agents = { anonymous: request.agent(ctx.app) } as Record<Persona, ReturnType<typeof request.agent>>;
  for (const [persona, u] of Object.entries(users)) agents[persona as Persona] = await signIn(ctx.app, u.email);
  await agents.anonymous.get('/connexion');
  return { poles: { a, b, c, other }, memberA, memberC, victimUserId: victim.id, indicatorId: indicator.id, agents };
}

/** Every row of the tables a request could write, to prove a refused request changed nothing. */
export async function snapshot(ctx: TestContext): Promise<string> {
  const tables = [
    'quarter_reports',
    'quarter_values',
    'value_revisions',
    'users',
    'user_poles',
    'user_regions',
    'user_tokens',
    'poles',
    'pole_territories',
    'pole_members',
    'indicators',
    'indicator_categories',
    'audit_log',
    'publications',
    'api_tokens',
    'notices',
    'outbox',
  ];
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = await ctx.db(t).select('*').orderByRaw('1');
  return JSON.stringify(out);
}
