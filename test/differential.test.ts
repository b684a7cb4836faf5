// Differential test of the emulator against the real CPU (see test/differential/README.md).
// Runs the default set (>= 20,000 cases) with `node dist/cli.js run` as the emulator.
import assert from 'node:assert/strict';
import { haveTool } from './differential/build.js';
import { checkFlagTable } from './differential/check-flags.js';
import { runDifferential } from './differential/harness.js';

describe('differential: emulator vs native CPU', function () {
  this.timeout(1_800_000);

  before(function () {
    const why = process.platform !== 'linux' || process.arch !== 'x64'
      ? `needs an x86-64 Linux host (this is ${process.platform}/${process.arch})`
      : !haveTool('as') || !haveTool('ld')
        ? 'GNU as and ld not found (apt-get install binutils)'
        : undefined;
    if (why) {
      console.log(`      SKIPPED differential tests: ${why}`);
      this.skip();
    }
  });

  it('flag table agrees with iced-x86 where the flags do not depend on a count', async () => {
    const lines: string[] = [];
    const r = await checkFlagTable({ log: (l) => lines.push(l) });
    assert.ok(r.checked > 10000, `only ${r.checked} instructions checked`);
    assert.equal(r.disagreements, 0, lines.filter((l) => l.startsWith('DISAGREE')).join('\n'));
  });

  it('default set: at least 20,000 cases and zero mismatches', async () => {
    const lines: string[] = [];
    const r = await runDifferential({ log: (l) => lines.push(l), progress: false });
    const summary = lines.slice(lines.findIndex((l) => l.startsWith('differential:')));
    for (const l of summary) console.log('      ' + l);
    assert.ok(r.cases >= 20000, `only ${r.cases} cases`);
    assert.equal(r.mismatches, 0, '\n' + lines.slice(0, 400).join('\n'));
  });
});
