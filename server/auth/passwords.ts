import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
const R = 8;
const P = 1;

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  // maxmem must exceed 128·N·r or Node refuses large N.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Caps concurrent hashing so a burst of sign-ins cannot exhaust memory or the thread pool. */
class Semaphore {
  private waiting: (() => void)[] = [];
  private active = 0;
  constructor(private readonly limit: number) {}
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** scrypt hashing with the parameters stored beside the hash: `scrypt$log2N$r$p$salt$hash`. */
export class PasswordHasher {
  private readonly semaphore = new Semaphore(2);
  private dummyHash: Promise<string> | null = null;
  constructor(readonly cost: number) {}

  hash(password: string): Promise<string> {
    return this.semaphore.run(async () => {
      const salt = randomBytes(16);
      const key = await scrypt(password, salt, 2 ** this.cost, R, P);
      return ['scrypt', this.cost, R, P, salt.toString('base64'), key.toString('base64')].join('$');
    });
  }

  /** Constant-time check; a malformed stored hash simply does not match. */
  verify(password: string, stored: string): Promise<boolean> {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return Promise.resolve(false);
    const [, cost, r, p, salt, expected] = parts;
    const log2N = Number(cost);
    if (!Number.isInteger(log2N) || log2N < 10 || log2N > 22) return Promise.resolve(false);
    return this.semaphore.run(async () => {
      const expectedKey = Buffer.from(expected, 'base64');
      const key = await scrypt(password, Buffer.from(salt, 'base64'), 2 ** log2N, Number(r), Number(p));
      return key.length === expectedKey.length && timingSafeEqual(key, expectedKey);
    });
  }

  /** Spends the same time as a real check, for unknown accounts (same answer, similar timing). */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('not-a-real-password-only-for-timing');
    await this.verify(password, await this.dummyHash);
    return false;
  }

  /** True when a stored hash uses weaker parameters than today's, so it is replaced at next sign-in. */
  needsRehash(stored: string): boolean {
    return Number(stored.split('$')[1]) < this.cost;
  }
}

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

const COMMON = [
  'motdepasse',
  'password',
  'azertyuiop',
  'qwertyuiop',
  'azertyazerty',
  'bonjour',
  'soleil',
  'doudou',
  'loulou',
  'marseille',
  'chouchou',
  'nicolas',
  'jetaime',
  'iloveyou',
  'admin',
  'administrateur',
  'welcome',
  'bienvenue',
  'ptceimpact',
  'ptce',
  'changeme',
  'secret',
  'abcdef',
  'qwerty',
  'azerty',
  'france',
  'paris',
  'ess',
  'economiesocialeetsolidaire',
];

function normalise(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** CNIL-style policy: length 12–128, no composition rules, but common and context words refused. */
export function checkPasswordPolicy(password: string, contextWords: string[]): 'too_short' | 'too_long' | 'too_common' | null {
  if (password.length < PASSWORD_MIN) return 'too_short';
  if (password.length > PASSWORD_MAX) return 'too_long';
  if (/^(.)\1+$/.test(password) || /^(0123456789|1234567890|123456789012)/.test(password)) return 'too_common';
  const letters = normalise(password);
  const words = [...COMMON, ...contextWords.map(normalise).filter((w) => w.length >= 4)];
  // A password that is only a known word plus a few digits or symbols is refused.
  for (const w of words) {
    if (letters === w || (letters.includes(w) && letters.length - w.length <= 3)) return 'too_common';
  }
  return null;
}
