import type { Knex } from 'knex';
import type { Services } from '../../server/services.ts';
import type { Role } from '../../server/http/current-user.ts';
import type { MemberCategory } from '../../server/poles/poles.schema.ts';
import { TEST_PASSWORD } from './test-app.ts';

let n = 0;

/** A pole created through the service (so it is audited like a real one). */
export async function makePole(
  s: Services,
  o: { name?: string; region?: string; departement?: string; epci?: string; firstReport?: { year: number; quarter: number } } = {},
) {
  n++;
  const name = o.name ?? `Pôle de test ${n}`;
  const region = o.region ?? '76';
  const departement = o.departement ?? (region === '76' ? '31' : region === '84' ? '69' : region === '11' ? '75' : '31');
  const slug = await s.poles.create(
    {
      name,
      slug: '',
      region_code: region,
      departement_code: departement,
      territory_epci: o.epci ?? '',
      territory_departements: o.epci ? [] : [departement],
      creation_year: 2015,
      first_report: o.firstReport ?? { year: 2024, quarter: 1 },
      legal_form: 'Association loi 1901',
      description: '',
      contact_email: '',
      website: '',
      founding_wave: 'aap_2015',
    },
    { userId: null },
  );
  return (await s.repos.poles.findBySlug(s.db, slug))!;
}

export async function makeMember(s: Services, poleSlug: string, category: MemberCategory, name = `Membre ${++n}`) {
  const pole = (await s.repos.poles.findBySlug(s.db, poleSlug))!;
  return s.poles.addMember(pole, { name, siren: '', category, joined_on: '2020-01-01', left_on: '' }, { userId: null });
}

/** A user with the test password; returns its id and email. */
export async function makeUser(
  s: Services,
  role: Role,
  o: { email?: string; poleIds?: number[]; regionCodes?: string[]; name?: string } = {},
) {
  n++;
  const email = o.email ?? `${role}${n}@test.ptce-impact.fr`;
  const { id } = await s.users.createUser(
    {
      email,
      displayName: o.name ?? `${role} ${n}`,
      role,
      poleIds: o.poleIds ?? [],
      regionCodes: o.regionCodes ?? [],
      password: TEST_PASSWORD,
    },
    { userId: null },
  );
  return { id, email };
}

/**
 * A national summary of a quarter, as a row only (what the closure reads: a published quarter is
 * consolidated): the publication service would also freeze the figures, which these tests do not need.
 */
export async function publishedQuarterRow(db: Knex, authorId: number, q: { year: number; quarter: number }) {
  await db('publications').insert({
    period_kind: 'quarter',
    year: q.year,
    quarter: q.quarter,
    version: 1,
    summary_json: '{}',
    reason: 'Publication',
    author_id: authorId,
    published_at: '2026-11-20T10:00:00.000Z',
  });
}
