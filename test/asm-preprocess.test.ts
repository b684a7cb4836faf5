// The C preprocessor for .S files against GCC: every file of test/asm-preprocess/cases is
// preprocessed by `gcc -E -P -x assembler-with-cpp` and by src/core/asm/preprocess, and the
// output lines (normalised as described in test/asm-preprocess/README.md) and the errors and
// warnings (file:line:column and message) must be identical.
import assert from 'node:assert/strict';
import { corpusFiles, diffLines, haveGcc, normalize, runGcc, runOurs } from './asm-preprocess/harness.js';

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
});
