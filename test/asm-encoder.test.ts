// The instruction encoder against GNU as, byte for byte (see test/asm-encoder/): a generated
// corpus of AT&T lines (every mnemonic × suffix × operand form, registers, edge immediates,
// memory forms, prefixes, branches), a corpus with symbolic operands (relocations vs fixups),
// one line per encoder form, and fuzz corpora of mostly invalid lines (GAS and the encoder must
// reject the same ones).
import assert from 'node:assert/strict';
import { compareLines } from './asm-encoder/compare.js';
import { constantCorpus, formCorpus, fuzzCorpus, randomCorpus, symbolCorpus } from './asm-encoder/corpus.js';
import { haveGas } from './asm-encoder/gas.js';

describe('asm encoder vs GNU as', function () {
  this.timeout(120_000);

  before(function () {
    if (!haveGas()) {
      console.log('      SKIPPED asm encoder corpus: GNU as not found (apt-get install binutils)');
      this.skip();
    }
  });

  it('encodes every corpus line as GAS does (bytes, fixups, rejected lines)', () => {
    const lines = [...constantCorpus(), ...symbolCorpus(), ...formCorpus(), ...fuzzCorpus(), ...randomCorpus(20000)];
    const s = compareLines(lines);
    console.log(`      asm-vs-gas: ${s.instructions} instructions, ${s.mismatches} mismatches`);
    console.log(
      `      (${lines.length} lines: ${s.rejected} rejected by GAS, ${s.fixups} fixups compared, ` +
        `${s.sameMessage}/${s.rejected} same error message, ${s.absoluteBranches} absolute branch targets and ` +
        `${s.crashed} GAS internal errors not compared)`,
    );
    for (const l of s.lines.slice(0, 50)) console.log(l.replace(/^/gm, '      '));
    assert.ok(s.instructions >= 5000, `only ${s.instructions} instructions`);
    assert.equal(s.mismatches, 0, `${s.mismatches} mismatches:\n${s.lines.slice(0, 200).join('\n')}`);
  });
});
