// Whole-program differential suite (test/programs/run.ts): each test/programs/*.S must print
// the same stdout bytes and end with the same exit status natively and on the emulator.
// Assumes dist/cli.js is built (npm test builds first).
import assert from 'node:assert/strict';
import { compareProgram, firstDifference, listPrograms, unavailableReason } from './programs/run.js';

describe('whole programs: emulator vs native', function () {
  this.timeout(600_000);

  before(function () {
    const why = unavailableReason();
    if (why) {
      console.log(`      SKIPPED whole-program tests: ${why}`);
      this.skip();
    }
  });

  for (const program of listPrograms()) {
    it(program.name, () => {
      const c = compareProgram(program);
      const context = () => (c.emulator.stderr.trim() ? `\nemulator stderr:\n${c.emulator.stderr.trimEnd()}` : '');
      assert.equal(c.native.error, undefined, `native run failed: ${c.native.error}`);
      assert.equal(c.emulator.error, undefined, `emulator run failed: ${c.emulator.error}`);
      if (program.nativeStatus !== undefined) {
        assert.equal(c.native.status, program.nativeStatus, 'the native run does not end as the program intends');
      }
      if (!c.native.stdout.equals(c.emulator.stdout)) {
        assert.fail(
          `stdout differs (native ${c.native.stdout.length} bytes, emulator ${c.emulator.stdout.length} bytes), ` +
            firstDifference(c.native.stdout, c.emulator.stdout) + context(),
        );
      }
      assert.equal(c.emulator.status, c.native.status, `exit status (native ${c.native.status}, emulator ${c.emulator.status})${context()}`);
    });
  }
});
