import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

/** Every *.handlers.ts under server/, with its source. */
function handlerFiles(dir = 'server'): { file: string; src: string }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return handlerFiles(p);
    return e.name.endsWith('.handlers.ts') ? [{ file: p, src: fs.readFileSync(p, 'utf8') }] : [];
  });
}

// Static: handlers are HTTP only; what they read or write goes through a service (routes → handlers →
// services → repos). A row's type may come from its repo module; the repo itself may not.
describe('layers: handlers reach data only through services', () => {
  const files = handlerFiles();

  it('finds the handler modules', () => {
    expect(files.length).to.be.greaterThan(15);
  });

  it('no handler imports a repo (a type-only import of a row shape is allowed, never a *Repo)', () => {
    const offenders: string[] = [];
    for (const { file, src } of files) {
      for (const m of src.matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+\.repo\.ts)'/gm)) {
        const typeOnly = Boolean(m[1]);
        if (!typeOnly || /\b\w*Repo\b/.test(m[2])) offenders.push(`${file}: ${m[0]}`);
      }
      if (/^import\s+\w+\s+from\s+'[^']+\.repo\.ts'/m.test(src)) offenders.push(`${file}: default import of a repo`);
    }
    expect(offenders).to.deep.equal([]);
  });

  it('no handler touches the database handle or the repos', () => {
    const offenders = files
      .filter(({ src }) => /\bs\.repos\b|\brepos\.\w|\bs\.db\b|\bdb\s*[:,)}]|\bdb\(|\bKnex\b|from 'knex'/.test(src))
      .map((f) => f.file);
    expect(offenders).to.deep.equal([]);
  });

  it('each handler factory names the services it uses instead of taking them all', () => {
    const offenders = files
      .filter(({ src }) => /export function create\w+Handlers\(\s*\w+\s*:\s*Services\s*\)/.test(src))
      .map((f) => f.file);
    expect(offenders).to.deep.equal([]);
  });
});
