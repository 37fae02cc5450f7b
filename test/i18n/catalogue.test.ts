// The catalogue's rules that the typecheck cannot see: templates name keys as strings, and the files are
// spread into one object, where a key defined twice would silently keep only the later sentence.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { catalogue, DYNAMIC_PREFIXES, fr, isMessageKey, isPluralKey, tn } from '../../server/i18n/messages.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const catalogueDir = path.join(root, 'server/i18n/fr');

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return templates(p);
    return e.name.endsWith('.hbs') ? [p] : [];
  });
}

/** Every catalogue file under fr/, loaded, with the one object it exports. */
async function catalogueFiles(): Promise<{ file: string; messages: Record<string, string> }[]> {
  const files = readdirSync(catalogueDir).filter((f) => f.endsWith('.ts'));
  return Promise.all(
    files.map(async (file) => {
      const mod = (await import(pathToFileURL(path.join(catalogueDir, file)).href)) as Record<string, Record<string, string>>;
      const exported = Object.values(mod);
      expect(exported, `${file} exports one object`).to.have.length(1);
      return { file, messages: exported[0] };
    }),
  );
}

describe('message catalogue', () => {
  it('defines no key twice across its files', async () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const { file, messages } of await catalogueFiles()) {
      for (const key of Object.keys(messages)) {
        const first = seen.get(key);
        if (first) twice.push(`${key} (${first} and ${file})`);
        else seen.set(key, file);
      }
    }
    expect(twice).to.deep.equal([]);
    expect(Object.keys(fr)).to.have.length(seen.size);
  });

  it('assembles every file of fr/, each under the one prefix it owns', async () => {
    const files = await catalogueFiles();
    // Compared by content: the test loads the files by URL, messages.ts by its own imports.
    const assembled = new Set(Object.values(catalogue).map((m) => JSON.stringify(m)));
    const outside: string[] = [];
    for (const { file, messages } of files) {
      expect(assembled.has(JSON.stringify(messages)), `${file} is in messages.ts's table`).to.equal(true);
    }
    for (const [prefix, messages] of Object.entries(catalogue)) {
      for (const key of Object.keys(messages)) if (!key.startsWith(`${prefix}.`)) outside.push(`${key} (owned by ${prefix})`);
    }
    expect(outside).to.deep.equal([]);
    expect(files).to.have.length(Object.keys(catalogue).length);
  });

  it('holds every key the templates name', () => {
    const missing: string[] = [];
    for (const file of templates(path.join(root, 'views'))) {
      // Comments hold usage examples such as label=(t "…"), not keys.
      const text = readFileSync(file, 'utf8').replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, '');
      const where = path.relative(root, file);
      // {{t "key" …}} and the sub-expression (t "key" …)
      for (const m of text.matchAll(/[{(]\s*t\s+["']([^"']+)["']/g)) if (!isMessageKey(m[1])) missing.push(`${m[1]} in ${where}`);
      // (t (concat "prefix." x)): at least one key must start with the prefix
      for (const m of text.matchAll(/[{(]\s*t\s+\(concat\s+["']([^"']+)["']/g)) {
        if (!Object.keys(fr).some((k) => k.startsWith(m[1]))) missing.push(`${m[1]}… in ${where}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('writes real plurals: no « (s) », every singular with its plural, chosen by the count as French does', () => {
    const hedged = Object.entries(fr)
      .filter(([, text]) => /\w\(s\)|\(e\)s?\b/.test(text))
      .map(([key]) => key);
    expect(hedged).to.deep.equal([]);
    const unpaired = Object.keys(fr).filter((k) => {
      const m = /^(.*)\.(1|n)$/.exec(k);
      return m !== null && !isPluralKey(m[1]);
    });
    expect(unpaired).to.deep.equal([]);
    expect(tn('review.flagCount', 0)).to.equal('0 alerte sur ce trimestre.');
    expect(tn('review.flagCount', 1)).to.equal('1 alerte sur ce trimestre.');
    expect(tn('review.flagCount', 3)).to.equal('3 alertes sur ce trimestre.');
    expect(tn('poles.membersCount', 1234)).to.equal('1\u202f234 membres actuels');
  });

  it('names with {{tn}} only keys that have both forms', () => {
    const missing: string[] = [];
    for (const file of templates(path.join(root, 'views'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/[{(]\s*tn\s+["']([^"']+)["']/g))
        if (!isPluralKey(m[1])) missing.push(`${m[1]} in ${path.relative(root, file)}`);
    }
    expect(missing).to.deep.equal([]);
  });

  it('has keys under every prefix completed at run time', () => {
    for (const prefix of DYNAMIC_PREFIXES)
      expect(
        Object.keys(fr).some((k) => k.startsWith(`${prefix}.`)),
        prefix,
      ).to.equal(true);
  });
});
