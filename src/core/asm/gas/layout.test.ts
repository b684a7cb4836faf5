import { strict as assert } from 'node:assert';
import type { EncodeRequest } from './encoder-api.js';
import { asm, errorsOf, hex } from './gas.test-support.js';
import { stubEncode } from './stub-encoder.js';

function text(src: string) {
  const r = asm(src);
  if (!r.module) throw new Error(r.diagnostics.map((d) => `${d.location.line}: ${d.message}`).join('\n'));
  const s = r.module.sections.find((x) => x.name === '.text')!;
  return { hex: hex(s.bytes), fixups: s.fixups.map((f) => `${f.offset}:${f.kind}${f.size}:${f.symbol}${f.addend < 0n ? '' : '+'}${f.addend}`), module: r.module };
}
const nops = (n: number) => '90'.repeat(n);

describe('gas branch relaxation', () => {
  it('keeps jmp/jcc short when the target is in reach and grows them otherwise', () => {
    assert.equal(text('jmp 1f\nje 1f\n1: ret\n').hex, 'eb02' + '7400' + 'c3');
    assert.equal(text('jmp 1f\n.skip 127, 0x90\n1: jmp 2f\n.skip 128, 0x90\n2: ret\n').hex, 'eb7f' + nops(127) + 'e980000000' + nops(128) + 'c3');
    assert.equal(text('1: .skip 126, 0x90\njne 1b\n').hex, nops(126) + '7580');
    assert.equal(text('1: .skip 127, 0x90\njne 1b\n').hex, nops(127) + '0f857bffffff');
  });
  it('reaches a fixed point when one branch growing pushes another out of range', () => {
    // With the second jmp short the first would reach .La; once the second grows, it cannot.
    const t = text('jmp .La\n.skip 123, 0x90\njmp .Lb\n.La: ret\n.skip 130, 0x90\n.Lb: ret\n');
    assert.equal(t.hex, 'e980000000' + nops(123) + 'e983000000' + 'c3' + nops(130) + 'c3');
    assert.equal(text('jmp .La\n.skip 122, 0x90\njmp .Lb\n.La: ret\n.skip 130, 0x90\n.Lb: ret\n').hex.slice(0, 4), 'eb7f');
  });
  it('resolves branches to globals of the same section but not to weak or undefined symbols', () => {
    const t = text('.globl g\ng: ret\njmp g\n.weak w\nw: jmp w\njmp ext\n');
    assert.equal(t.hex, 'c3' + 'ebfd' + 'e900000000' + 'e900000000');
    assert.deepEqual(t.fixups, ['4:pcrel4:w-4', '9:pcrel4:ext-4']);
  });
  it('branches to another section are near with a pc-relative fixup on the section symbol', () => {
    const t = text('.section .other, "ax"\nnop\nt: ret\n.text\njmp t\n');
    assert.deepEqual(t.fixups, ['1:pcrel4:.other-3']);
  });
  it('honours {disp32}', () => {
    assert.equal(text('1: {disp32} jmp 1b\n').hex, 'e9fbffffff');
  });
});

describe('gas fixups', () => {
  it('resolves pc-relative references to local labels of the section', () => {
    const t = text('call 1f\nlea 1f(%rip), %rax\n1: ret\n.globl g\ng: call g\nlea g(%rip), %rcx\n');
    assert.deepEqual(t.fixups, ['14:pcrel4:g-4', '21:pcrel4:g-4']);
    assert.equal(t.hex.slice(0, 10), 'e807000000');
    assert.equal(t.hex.slice(10, 24), '488d0500000000');
  });
  it('relocates absolute references against the section symbol (locals) or the symbol (globals)', () => {
    const t = text('.data\nd: .quad 0\n.globl gd\ngd: .quad 0\n.text\nmovq $d+4, %rax\nmovq $gd, %rax\nlea d(%rip), %rax\n');
    assert.deepEqual(t.fixups, ['3:abs-signed4:.data+4', '10:abs-signed4:gd+0', '17:pcrel4:.data-4']);
  });
  it('turns X - . in data into a pc-relative fixup', () => {
    const r = asm('.data\n.long 0\n.long ext - ., l - ., l - .\n.text\nl: ret\n');
    const d = r.module!.sections.find((s) => s.name === '.data')!;
    assert.deepEqual(d.fixups.map((f) => `${f.offset}:${f.kind}:${f.symbol}${f.addend}`), ['4:pcrel:ext0', '8:pcrel:.text0', '12:pcrel:.text0']);
  });
  it('decides short or full-width operands as GNU as does, at parse time', () => {
    const seen: EncodeRequest[] = [];
    const enc = (r: EncodeRequest) => {
      seen.push(r);
      return stubEncode(r);
    };
    const r = asm('0: nop\n1: movl $(1b-0b), %eax\nmovl $(3f-2f), %eax\n2: jmp 0b\n3: movl $(3b-2b), %eax\nK = 9\nmovl $K, %eax\nmovl $L, %eax\nL = 4\n', { encoder: enc });
    const imm = seen.filter((q) => q.mnemonic === 'movl').map((q) => (q.operands[0].kind === 'imm' ? q.operands[0].value.kind : '?'));
    assert.deepEqual(imm, ['constant', 'symbol', 'symbol', 'constant', 'symbol']);
    const t = hex(r.module!.sections[0].bytes);
    assert.equal(t, '90' + 'b801000000' + 'b802000000' + 'ebf3' + 'b802000000' + 'b809000000' + 'b804000000');
    assert.deepEqual(r.module!.sections[0].fixups, []);
  });
  it('checks the range of resolved fields', () => {
    assert.deepEqual(errorsOf(asm('1: .skip 200\nloop 1b\n')), ['value of -202 too large for field of 1 byte at 0xc9']);
  });
  it('reports differences it cannot represent', () => {
    assert.deepEqual(errorsOf(asm('.data\na: .long 0\n.section .x\nc:\n.text\n.long a - c\n.long ext * 2\n')), [
      "can't resolve .data - c",
      "can't resolve expression: expression is not constant",
    ]);
  });
});

describe('gas variable-size fragments', () => {
  it('sizes .skip and .fill from later labels', () => {
    assert.equal(text('.skip 2f - 1f, 0xcc\n1: jmp 1b\n2: ret\n').hex, 'cccc' + 'ebfe' + 'c3');
    assert.equal(text('0: .byte 0x6a\njmp 0b\n.fill 0b + 8 - ., 1, 0xcc\nret\n').hex, '6aebfd' + 'cc'.repeat(5) + 'c3');
  });
  it('supports .org to a label and detects sizes that never settle', () => {
    assert.equal(text('s: jmp e\n.org s + 6, 0xcc\ne: ret\n').hex, 'eb04' + 'cccccccc' + 'c3');
    assert.deepEqual(errorsOf(asm('.skip 1f - ., 0x90\nnop\n1:\n')), ['Infinite loop encountered whilst attempting to compute the addresses of symbols in section .text']);
  });
});
