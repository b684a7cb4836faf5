// The C preprocessor for .S files against GCC: every file of test/asm-preprocess/cases is
// preprocessed by `gcc -E -P -x assembler-with-cpp` and by src/core/asm/preprocess, and the
// output lines (normalised as described in test/asm-preprocess/README.md) and the errors and
// warnings (file:line:column and message) must be identical.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preprocess } from '../src/core/asm/preprocess/index.js';
import { memoryFileSystem } from '../src/core/asm/preprocess/memfs.js';
import { corpusFiles, diffLines, haveGcc, normalize, runGcc, runOurs } from './asm-preprocess/harness.js';
import { randomSource } from './asm-preprocess/random.js';

describe('asm preprocessor: corpus vs gcc -E -x assembler-with-cpp', function () {
  this.timeout(120_000);

  before(function () {
    if (!haveGcc()) {
      console.log('      SKIPPED preprocessor corpus comparison: gcc not found (apt-get install gcc)');
      this.skip();
    }
  });

  const files = corpusFiles();

  it('has a corpus', () => {
    assert.ok(files.length >= 5, `only ${files.length} corpus files`);
  });

  for (const file of files) {
    it(`${file}: same output lines`, () => {
      const gcc = normalize(runGcc(file).lines);
      const ours = normalize(runOurs(file).lines);
      assert.ok(gcc.length > 5, `gcc produced only ${gcc.length} lines`);
      const diff = diffLines(gcc, ours);
      assert.equal(diff.length, 0, `\n${diff.join('\n')}`);
    });

    it(`${file}: same errors and warnings`, () => {
      assert.deepEqual(runOurs(file).diagnostics, runGcc(file).diagnostics);
    });
  }

  it('zero differences over the whole corpus', () => {
    let differences = 0;
    for (const file of files) {
      const gcc = normalize(runGcc(file).lines);
      const ours = normalize(runOurs(file).lines);
      if (gcc.length !== ours.length) differences += Math.abs(gcc.length - ours.length);
      for (let i = 0; i < Math.min(gcc.length, ours.length); i++) if (gcc[i] !== ours[i]) differences++;
    }
    assert.equal(differences, 0);
  });

  it('random macro soup: 300 generated sources give the same lines and error messages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x64emu-pp-'));
    const failures: string[] = [];
    // Only messages are compared: inside macro expansions GCC sometimes reports the last token
    // it read rather than the spelling position (see src/core/asm/preprocess/README.md).
    const messages = (lines: string[]) => lines.sort();
    try {
      for (let seed = 1; seed <= 300 && failures.length < 3; seed++) {
        const src = randomSource(seed);
        writeFileSync(join(dir, 'r.S'), src);
        const g = spawnSync('gcc', ['-E', '-P', '-x', 'assembler-with-cpp', 'r.S'], { cwd: dir, encoding: 'utf8' });
        const gccErrors = g.stderr.split('\n').flatMap((l) => /(?:^r\.S:\d+:\d+|^cc1): error: (.*)$/.exec(l)?.slice(1) ?? []);
        const r = preprocess('r.S', { fs: memoryFileSystem({ 'r.S': src }), includePaths: [] });
        const ourErrors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
        const diff = diffLines(normalize(g.stdout.split('\n')), normalize(r.lines.map((l) => l.text)));
        if (diff.length > 0) failures.push(`seed ${seed}: output\n${diff.join('\n')}\n--- source:\n${src}`);
        else if (messages(gccErrors).join('\n') !== messages(ourErrors).join('\n')) {
          failures.push(`seed ${seed}: errors\n gcc: ${gccErrors.join(' | ')}\n ours: ${ourErrors.join(' | ')}\n--- source:\n${src}`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(failures, []);
  });
});
