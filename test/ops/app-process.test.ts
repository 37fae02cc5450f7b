// The helper that starts the real app as a child process: the child reads only the configuration the test
// gives it, never a variable that happens to be set in the shell running the tests (SMTP_URL, crons…).
import { expect } from 'chai';
import { CONFIG_VARIABLES } from '../../server/config.ts';
import { childEnvironment } from '../support/app-process.ts';

describe('the app-process test helper', () => {
  it('passes the child no configuration variable of this process, only the test’s own', () => {
    const saved = new Map(CONFIG_VARIABLES.map((k) => [k, process.env[k]]));
    for (const k of CONFIG_VARIABLES) process.env[k] = `valeur-du-shell-${k}`;
    try {
      const env = childEnvironment({ env: { OPEN_DATA: 'true' } }, 4321);
      const inherited = CONFIG_VARIABLES.filter((k) => env[k] === `valeur-du-shell-${k}`);
      expect(inherited).to.deep.equal([]);
      expect(env).to.include({ OPEN_DATA: 'true', PORT: '4321', NODE_ENV: 'test', DEMO_DATA: 'false' });
      expect(env.PATH).to.equal(process.env.PATH);
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
