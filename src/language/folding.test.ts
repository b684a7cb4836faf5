import { strict as assert } from 'node:assert';
import { foldingRanges } from './folding.js';

describe('folding ranges', () => {
  it('folds nested macro, loop and conditional blocks, with #else splitting a group', () => {
    const text = ['#ifdef A', '.macro M x', '  .rept 2', '  nop', '  .endr', '.endm', '#else', 'nop', '#endif', '/*', ' * c', ' */'].join('\n');
    const r = foldingRanges(text).map((x) => `${x.startLine}-${x.endLine}${x.kind === 'comment' ? 'c' : ''}`).sort();
    assert.deepEqual(r, ['0-5', '1-5', '2-4', '6-8', '9-11c'].sort());
  });

  it('ignores an unmatched closer', () => {
    assert.deepEqual(foldingRanges('.endm\n.endif\n'), []);
  });
});
