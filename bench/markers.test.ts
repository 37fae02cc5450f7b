import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { writeBetweenMarkers } from './common.ts';

describe('bench: writing a table between the markers of BENCHMARKS.md', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptce-bench-md-'));
  const file = path.join(dir, 'BENCHMARKS.md');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replaces only what stands between its own markers, and refuses a file without them', () => {
    fs.writeFileSync(file, '# Bench\n\n<!-- compare -->\nancien\n<!-- /compare -->\n\ntexte\n<!-- export-raw -->\n<!-- /export-raw -->\n');
    writeBetweenMarkers(file, 'compare', '| a | b |');
    writeBetweenMarkers(file, 'export-raw', 'mémoire');
    expect(fs.readFileSync(file, 'utf8')).to.equal(
      '# Bench\n\n<!-- compare -->\n| a | b |\n<!-- /compare -->\n\ntexte\n<!-- export-raw -->\nmémoire\n<!-- /export-raw -->\n',
    );
    expect(() => writeBetweenMarkers(file, 'results', 'x')).to.throw(/markers/);
  });
});
