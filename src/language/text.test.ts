import { strict as assert } from 'node:assert';
import { isStatementStart, lineOf, wordAt } from './text.js';

describe('word under the cursor', () => {
  it('finds registers, immediates\' names, directives and local label references', () => {
    assert.deepEqual(wordAt('\tmovq %rsp, %gs:cpu_tss_rw+0x14', 8), { word: 'rsp', start: 8, end: 11, before: '%' });
    assert.equal(wordAt('\tpushq $__USER_DS', 10)?.word, '__USER_DS');
    assert.equal(wordAt('\t.section .entry.text', 3)?.word, '.section');
    assert.equal(wordAt('\tjmp 1b', 7)?.word, '1b');
    assert.equal(wordAt('\t', 1), undefined);
  });

  it('knows the mnemonic position after labels and prefixes, not after a segment override', () => {
    assert.ok(isStatementStart('1:\trep movsb', 8));
    assert.ok(isStatementStart('foo: bar: movq', 11));
    assert.ok(!isStatementStart('\tmovq %gs:x, %rax', 11));
    assert.ok(isStatementStart('\tnop; movq', 7));
  });

  it('returns a line of text without its CR', () => {
    assert.equal(lineOf('a\r\nb\r\nc', 2), 'b');
    assert.equal(lineOf('a', 3), '');
  });
});
