import { strict as assert } from 'node:assert';
import type { SourceLine } from '../types.js';
import { asm } from './gas.test-support.js';
import { assembleLines } from './index.js';
import { stubEncode } from './stub-encoder.js';

describe('gas line map', () => {
  it('maps an instruction made by a two-level macro to the body line and both invocations', () => {
    const src = [
      '.macro inner reg', //   1
      '  push %\\reg', //      2
      '.endm', //              3
      '.macro outer', //       4
      '  nop', //              5
      '    inner rbx', //      6
      '.endm', //              7
      '.text', //              8
      'start: outer', //       9
    ].join('\n');
    const r = asm(src);
    const lines = r.module!.lines;
    assert.equal(lines.length, 2);
    const push = lines[1];
    assert.deepEqual([push.section, push.offset, push.length, push.isInstruction], ['.text', 1, 1, true]);
    assert.deepEqual(push.location, { file: 't.s', line: 2, column: 3 });
    assert.deepEqual(push.chain.map((f) => [f.kind, f.name, f.location.line, f.location.column]), [
      ['macro', 'inner', 6, 5],
      ['macro', 'outer', 9, 8],
    ]);
    assert.deepEqual(lines[0].location, { file: 't.s', line: 5, column: 3 });
    assert.deepEqual(lines[0].chain.map((f) => f.location.line), [9]);
  });
  it('records loop iterations and data items with final offsets', () => {
    const r = asm('.data\n.byte 1\n.irp v, 2, 3\n.word \\v\n.endr\n.text\njmp 1f\n.skip 200, 0x90\n1: ret\n');
    const m = r.module!;
    const data = m.lines.filter((l) => l.section === '.data');
    assert.deepEqual(data.map((l) => [l.offset, l.length, l.location.line, l.chain.map((f) => `${f.kind}:${f.name}`).join()]), [
      [0, 1, 2, ''],
      [1, 2, 4, 'irp:v'],
      [3, 2, 4, 'irp:v'],
    ]);
    const text = m.lines.filter((l) => l.section === '.text');
    assert.deepEqual(text.map((l) => [l.offset, l.length, l.isInstruction]), [[0, 5, true], [5, 200, false], [205, 1, true]]);
  });
  it('keeps the preprocessor chain of the source line (e.g. #include / #define origins)', () => {
    const include = { kind: 'include' as const, name: 'defs.h', location: { file: 'main.S', line: 3, column: 1 } };
    const lines: SourceLine[] = ['.text', 'ret'].map((text, i) => ({
      text,
      locate: (column: number) => ({ location: { file: 'defs.h', line: i + 10, column }, chain: [include] }),
    }));
    const r = assembleLines(lines, { fileName: 'main.S', encoder: stubEncode });
    assert.deepEqual(r.module!.lines[0].location, { file: 'defs.h', line: 11, column: 1 });
    assert.deepEqual(r.module!.lines[0].chain, [include]);
  });
});
