// The GAS front end against GNU as itself: every corpus file in test/asm-gas/corpus is
// assembled by both, and section bytes and attributes, symbol tables and relocations must agree.
// Instruction bytes come from an encoder backed by GNU as (test/asm-gas/oracle.ts), so this
// checks the front end on its own; when the project's encoder exists, the corpus also runs
// through it (the whole assembler against GNU as).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EncodeFn } from '../src/core/asm/gas/encoder-api.js';
import { compareWithGas, corpusFiles, haveGnuAs } from './asm-gas/compare.js';
import { GasOracle } from './asm-gas/oracle.js';

function run(label: string, encoder: EncodeFn, files = corpusFiles(), includeDirs: string[] = []): void {
  const bad: string[] = [];
  for (const f of files) {
    const d = compareWithGas(f, encoder, includeDirs);
    if (d.length) bad.push(`${f}\n  ${d.join('\n  ')}`);
  }
  console.log(`      gas-vs-ours${label}: ${files.length} files, ${bad.length} mismatches`);
  assert.equal(bad.length, 0, bad.join('\n'));
}

describe('GAS front end vs GNU as (corpus)', function () {
  before(function () {
    if (!haveGnuAs()) {
      console.log('      (skipped: GNU as not found; install binutils to run the corpus comparison)');
      this.skip();
    }
  });

  it('agrees with GNU as on every corpus file (GNU-as-backed encoder)', () => {
    const oracle = new GasOracle();
    try {
      run('', oracle.encode);
    } finally {
      oracle.dispose();
    }
  });

  it('agrees with GNU as on every corpus file (project encoder)', async function () {
    const path = 'src/core/asm/encoder/index.ts';
    const mod = existsSync(path) ? ((await import('../src/core/asm/encoder/index.js')) as { encodeInstruction?: EncodeFn }) : {};
    if (typeof mod.encodeInstruction !== 'function') {
      console.log('      (skipped: src/core/asm/encoder/index.ts does not export encodeInstruction yet)');
      this.skip();
    }
    run(' (project encoder)', mod.encodeInstruction as EncodeFn);
  });

  it('agrees with GNU as on the example programs of test/programs (preprocessed by cpp)', function () {
    const dir = 'test/programs';
    const sources = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.S')) : [];
    let cpp = true;
    try {
      execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    } catch {
      cpp = false;
    }
    if (!sources.length || !cpp) {
      console.log('      (skipped: needs gcc and test/programs/*.S)');
      this.skip();
    }
    const tmp = mkdtempSync(join(tmpdir(), 'gas-programs-'));
    const oracle = new GasOracle();
    try {
      const files = sources.map((f) => {
        const out = join(tmp, f.replace(/\.S$/, '.s'));
        execFileSync('gcc', ['-E', '-P', '-x', 'assembler-with-cpp', join(dir, f), '-o', out]);
        return out;
      });
      run(' (test/programs)', oracle.encode, files, [dir]);
    } finally {
      oracle.dispose();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
