import { expect } from 'chai';
import { PasswordHasher, checkPasswordPolicy } from '../../server/auth/passwords.ts';

describe('password hashing', () => {
  it('uses scrypt with N = 2^17, r = 8, p = 1 in production and verifies in constant time', async function () {
    this.timeout(30000);
    const hasher = new PasswordHasher(17);
    const hash = await hasher.hash('une phrase de passe solide');
    const [scheme, cost, r, p, salt, key] = hash.split('$');
    expect({ scheme, cost, r, p }).to.deep.equal({ scheme: 'scrypt', cost: '17', r: '8', p: '1' });
    expect(Buffer.from(salt, 'base64')).to.have.length(16);
    expect(Buffer.from(key, 'base64')).to.have.length(32);
    expect(await hasher.verify('une phrase de passe solide', hash)).to.equal(true);
    expect(await hasher.verify('une phrase de passe solidE', hash)).to.equal(false);
  });

  it('salts every hash and refuses malformed stored hashes', async () => {
    const hasher = new PasswordHasher(10);
    const a = await hasher.hash('même mot de passe');
    const b = await hasher.hash('même mot de passe');
    expect(a).to.not.equal(b);
    expect(await hasher.verify('x', 'plain-text')).to.equal(false);
    expect(await hasher.verify('x', 'scrypt$99$8$1$AA==$AA==')).to.equal(false);
  });

  it('asks for a rehash when the stored cost is below today’s', async () => {
    const weak = await new PasswordHasher(10).hash('mot de passe assez long');
    expect(new PasswordHasher(12).needsRehash(weak)).to.equal(true);
    expect(new PasswordHasher(10).needsRehash(weak)).to.equal(false);
  });
});

describe('password policy', () => {
  const cases: [string, string[], string | null][] = [
    ['court', [], 'too_short'],
    ['x'.repeat(129), [], 'too_long'],
    ['aaaaaaaaaaaaaa', [], 'too_common'],
    ['123456789012', [], 'too_common'],
    ['motdepasse2026', [], 'too_common'],
    ['Occitanie2026!', ['Occitanie'], 'too_common'],
    ['pole-sud-aveyron', ['Pôle Sud Aveyron'], 'too_common'],
    ['cheval agrafe batterie', [], null],
    ['ptce-demo-2026', [], null],
  ];
  for (const [password, context, expected] of cases) {
    it(`${JSON.stringify(password.slice(0, 20))} → ${expected ?? 'accepted'}`, () => {
      expect(checkPasswordPolicy(password, context)).to.equal(expected);
    });
  }
});
